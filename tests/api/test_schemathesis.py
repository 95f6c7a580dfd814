"""Property-based fuzzing of every operation in the generated OpenAPI document (schemathesis):
whatever is sent, no request may end in a server error, and every error is problem+json.

Each case is sent with a fresh token of a role the endpoint admits, so requests get past
authentication and reach validation and the engine."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance

from api import create_app
from api.security import PERMISSIONS
from engine.people import users
from engine.storage import migrate
from tests.api.conftest import ROLE_USER

ROLE_ORDER = ["staff", "office", "designer", "admin", "auditor", "leading"]


@pytest.fixture
def fuzz_app(sample, clock):
    migrate.stamp(sample.db)  # the schema is the models': ready, as a migrated one is
    app = create_app(sample)
    tokens = {}
    with sample.db.transaction() as session:
        for role, name in ROLE_USER.items():
            unit = "示例机械厂" if role == "staff" else None
            p = users.create_user(session, name, role, clock(), unit=unit)
            tokens[role] = p.id
    app.config["fuzz_users"] = tokens
    return app


@pytest.fixture
def api_schema(fuzz_app):
    return schemathesis.openapi.from_wsgi("/api/openapi.json", fuzz_app)


schema = schemathesis.pytest.from_fixture("api_schema")


def token_for(app, sample, clock, method: str, path: str) -> str | None:
    try:
        endpoint, _ = app.url_map.bind("localhost").match(path, method)
    except Exception:  # noqa: BLE001  (a generated path that matches no route: send it anonymously)
        return None
    access = getattr(app.view_functions[endpoint], "_pingxuan_access", "public")
    if access == "public":
        return None
    role = next(r for r in ROLE_ORDER if r in PERMISSIONS[access])
    with sample.db.transaction() as session:
        return users.issue_token(session, app.config["fuzz_users"][role], clock(), ttl=timedelta(hours=1))[0]


def problem_json_on_error(ctx, response, case):
    if response.status_code >= 400:
        headers = {k.lower(): v for k, v in response.headers.items()}
        content_type = headers.get("content-type", [""])
        content_type = content_type[0] if isinstance(content_type, list) else content_type
        assert content_type.startswith("application/problem+json"), (response.status_code, content_type)


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case, fuzz_app, sample, clock):
    token = token_for(fuzz_app, sample, clock, case.method.upper(), case.formatted_path)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    case.call_and_validate(headers=headers, checks=[not_a_server_error, problem_json_on_error, response_schema_conformance, content_type_conformance])


def poisoned(value, poison):
    """`value` with every string and number leaf replaced by `poison` (iteratively)."""
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return poison
    if isinstance(value, dict):
        return {k: poisoned(v, poison) for k, v in value.items()}
    if isinstance(value, list):
        return [poisoned(v, poison) for v in value]
    return value


@schema.parametrize()
@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
def test_unstorable_values_in_generated_bodies_are_client_errors(case, fuzz_app, sample, clock):
    """Schema-valid bodies whose leaves are made NaN, Infinity or a lone surrogate: a 4xx, never a 5xx."""
    if not isinstance(case.body, (dict, list)):
        return
    token = token_for(fuzz_app, sample, clock, case.method.upper(), case.formatted_path)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    client = fuzz_app.test_client()
    for poison in (float("nan"), float("inf"), "\ud800", "a\x00"):
        raw = json.dumps(poisoned(case.body, poison))  # NaN/Infinity as Python writes them, \ud800 escaped
        response = client.open(case.formatted_path, method=case.method.upper(), query_string=case.query,
                               headers=headers, data=raw, content_type="application/json")
        assert response.status_code < 500, (poison, response.status_code, response.get_data(as_text=True)[:300])
