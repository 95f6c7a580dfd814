"""Every endpoint x every role: who gets past the role check and who is refused (403 role_forbidden).
Requests carry empty bodies, so an allowed role stops at validation (422) or a missing resource
and nothing changes; anonymous callers get 401 everywhere except the public endpoints."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest

from engine.people import users
from engine.storage import migrate
from tests.api.conftest import ROLE_USER

ALL = {"designer", "staff", "office", "leading", "auditor", "admin"}
PUBLIC = "public"
PUBLIC_FILE = "public file"  # a built asset: anyone may fetch it, a missing one is a plain 404
DEF_READ = {"designer", "office", "auditor", "admin"}
READERS = {"staff", "office", "leading", "auditor", "admin"}
ACTORS = {"staff", "office", "leading"}

EXPECTED = {
    ("GET", "/"): PUBLIC,
    ("GET", "/<page:path>"): PUBLIC,
    ("GET", "/assets/<path:filename>"): PUBLIC_FILE,
    ("GET", "/api/docs"): PUBLIC,
    ("GET", "/api/openapi.json"): PUBLIC,
    ("GET", "/api/health"): PUBLIC,
    ("GET", "/api/health/ready"): PUBLIC,
    ("POST", "/api/auth/login"): PUBLIC,
    ("POST", "/api/auth/logout"): ALL,
    ("GET", "/api/auth/me"): ALL,
    ("GET", "/api/auth/tokens"): ALL,
    ("POST", "/api/auth/tokens"): ALL,
    ("DELETE", "/api/auth/tokens/<int(max=2147483647):token_id>"): ALL,
    ("GET", "/api/definitions"): DEF_READ,
    ("POST", "/api/definitions"): {"designer"},
    ("POST", "/api/definitions/lint"): {"designer"},
    ("GET", "/api/definitions/<int(max=2147483647):deployment_id>"): DEF_READ,
    ("GET", "/api/definitions/<int(max=2147483647):deployment_id>/diagram"): DEF_READ,
    ("POST", "/api/instances"): {"staff", "office"},
    ("GET", "/api/instances"): READERS,
    ("GET", "/api/instances/<instance_id>"): READERS,
    ("GET", "/api/instances/<instance_id>/tasks"): READERS,
    ("GET", "/api/instances/<instance_id>/diagram"): READERS,
    ("GET", "/api/tasks"): READERS,
    ("GET", "/api/tasks/<task_id>"): READERS,
    ("GET", "/api/tasks/<task_id>/form"): READERS,
    ("PUT", "/api/tasks/<task_id>/draft"): ACTORS,
    ("POST", "/api/tasks/<task_id>/submit"): ACTORS,
    ("POST", "/api/tasks/<task_id>/correct"): {"admin"},
    ("POST", "/api/tasks/batch-submit"): ACTORS,
    ("POST", "/api/tasks/<task_id>/return"): ACTORS,
    ("POST", "/api/tasks/<task_id>/withdraw"): ACTORS,
    ("POST", "/api/tasks/<task_id>/transfer"): ACTORS | {"admin"},
    ("GET", "/api/tasks/<task_id>/transfer-candidates"): ACTORS | {"admin"},
    ("POST", "/api/tasks/<task_id>/remind"): {"office", "leading", "admin"},
    ("GET", "/api/timers"): {"office", "leading", "auditor", "admin"},
    ("GET", "/api/audit/instances/<instance_id>/events"): {"auditor", "admin"},
    ("GET", "/api/audit/instances/<instance_id>/state"): {"auditor", "admin"},
    ("GET", "/api/audit/instances/<instance_id>/verification"): {"auditor", "admin"},
    ("GET", "/api/audit/instances/<instance_id>/export.json"): {"auditor", "admin"},
    ("GET", "/api/audit/instances/<instance_id>/export.csv"): {"auditor", "admin"},
    ("GET", "/api/calendar/day"): ALL,
    ("GET", "/api/calendar/period-end"): ALL,
    ("POST", "/api/calendar/years"): {"admin"},
    ("POST", "/api/uploads/photos"): {"staff", "office"},
    ("GET", "/api/uploads/<upload_id>"): READERS,
    ("GET", "/api/campaigns"): ALL,
    ("POST", "/api/campaigns"): {"office", "admin"},
    ("GET", "/api/campaigns/<campaign_id>"): READERS,
    ("GET", "/api/campaigns/<campaign_id>/dashboard"): READERS,
    ("GET", "/api/campaigns/<campaign_id>/candidates"): READERS,
    ("POST", "/api/campaigns/<campaign_id>/candidates"): {"staff", "admin"},
    ("POST", "/api/campaigns/<campaign_id>/reviews/preview"): ACTORS,
    ("POST", "/api/campaigns/<campaign_id>/reviews"): ACTORS,
    ("POST", "/api/campaigns/<campaign_id>/publicity"): ACTORS,
    ("POST", "/api/candidates/<candidate_id>/objections"): {"staff", "office", "admin"},
    ("GET", "/api/documents/<kind>/<target>"): READERS,
    ("GET", "/api/documents/campaigns/<campaign_id>/postings"): READERS,
    ("POST", "/api/documents/campaigns/<campaign_id>/jobs"): {"office", "leading", "auditor", "admin"},
    ("GET", "/api/documents/jobs/<job_id>"): {"office", "leading", "auditor", "admin"},
    ("GET", "/api/documents/jobs/<job_id>/file"): {"office", "leading", "auditor", "admin"},
}


def app_endpoints(app) -> set[tuple[str, str]]:
    return {(m, rule.rule) for rule in app.url_map.iter_rules() if rule.endpoint != "static"
            for m in rule.methods - {"HEAD", "OPTIONS"}}


def test_matrix_covers_every_endpoint(app):
    assert app_endpoints(app) == set(EXPECTED)


@pytest.fixture
def fixtures(api, people):
    inst = api.start()
    return {"instance_id": inst["id"], "task_id": inst["ready_tasks"][0]["task_id"], "deployment_id": "1",
            "token_id": "999999", "upload_id": "00000000-0000-0000-0000-000000000000",
            "campaign_id": "00000000-0000-0000-0000-000000000001", "candidate_id": inst["id"],
            "kind": "approval-form", "target": inst["id"], "job_id": "no-such-job"}


def concrete(rule: str, ids: dict) -> str:
    for name, value in ids.items():
        rule = rule.replace(f"<{name}>", value).replace(f"<int(max=2147483647):{name}>", value)
    return rule


def fresh_token(services, clock, name) -> str:
    with services.db.transaction() as session:
        user = users.find_user(session, name)
        return users.issue_token(session, user.id, clock(), ttl=timedelta(hours=1))[0]


@pytest.mark.parametrize("role", sorted(ALL) + ["anonymous"])
def test_every_endpoint_for_role(role, client, sample, clock, fixtures):
    migrate.stamp(sample.db)  # the schema is the models': ready, as a migrated one is
    failures = []
    for (method, rule), allowed in sorted(EXPECTED.items()):
        headers = {}
        if role != "anonymous":
            headers["Authorization"] = f"Bearer {fresh_token(sample, clock, ROLE_USER[role])}"
        kwargs = {"json": {}} if method in ("POST", "PUT") else {}
        if rule == "/api/uploads/photos":
            kwargs = {"data": {"other": (io.BytesIO(b"x"), "x.txt")}, "content_type": "multipart/form-data"}
        r = client.open(concrete(rule, fixtures), method=method, headers=headers, **kwargs)
        body = r.get_json(silent=True)
        body = body if isinstance(body, dict) else {}
        if allowed == PUBLIC_FILE:
            ok = r.status_code in (200, 404) and body.get("code") != "unauthenticated"
        elif allowed == PUBLIC:
            ok = r.status_code < 400 or r.status_code == 422
        elif role == "anonymous":
            ok = r.status_code == 401 and body.get("code") == "unauthenticated"
        elif role in allowed:
            ok = r.status_code not in (401, 500) and body.get("code") != "role_forbidden"
        else:
            ok = r.status_code == 403 and body.get("code") == "role_forbidden"
        if not ok:
            failures.append((method, rule, r.status_code, body.get("code"), body.get("detail")))
    assert failures == []
