"""Hostile requests (deep nesting, huge integers, lone surrogates, NaN and Infinity, NUL in names)
against every JSON operation of the OpenAPI document: never a 5xx, always a Chinese problem, and
not one stored row changed. Then the routing rules: deadlines and form fields cannot re-route."""
from __future__ import annotations

import io

import pytest

from api.security import PERMISSIONS
from engine.errors import ValidationFailed
from engine.forms import drafts
from engine.people.access import Principal
from tests.api.conftest import NOMINATION, ROLE_USER
from tests.api.hostile import ESCAPED_BACKSLASH_OK, HOSTILE_BODIES, fingerprint

ROLE_ORDER = ["staff", "office", "designer", "admin", "auditor", "leading"]


def json_operations(app, client):
    """(method, path) of every operation whose request body is JSON, path parameters filled."""
    doc = client.get("/api/openapi.json").json
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if isinstance(op, dict) and "application/json" in (op.get("requestBody") or {}).get("content", {}):
                yield method.upper(), path.replace("{", "").replace("}", "")  # e.g. /api/tasks/task_id/submit


def person_for(app, api, method, path):
    endpoint, _ = app.url_map.bind("localhost").match(path, method)
    access = getattr(app.view_functions[endpoint], "_pingxuan_access", "public")
    if access == "public":
        return None
    role = next(r for r in ROLE_ORDER if r in PERMISSIONS[access])
    return ROLE_USER[role]


def is_chinese_problem(response) -> bool:
    body = response.get_json(silent=True) or {}
    return (response.mimetype == "application/problem+json"
            and any("\u4e00" <= ch <= "\u9fff" for ch in body.get("detail", "")))


def test_hostile_bodies_on_every_json_operation(app, client, api, sample):
    operations = list(json_operations(app, client))
    assert len(operations) >= 15  # the suite must really cover the API
    before = fingerprint(sample.db)
    failures = []
    for method, path in operations:
        who = person_for(app, api, method, path)
        for kind, body in HOSTILE_BODIES.items():
            r = api.call(method, path, who, data=body, content_type="application/json")
            if r.status_code >= 500 or r.status_code < 400 or not is_chinese_problem(r):
                failures.append((method, path, kind, r.status_code, r.get_data(as_text=True)[:200]))
    assert failures == []
    assert fingerprint(sample.db) == before


@pytest.mark.parametrize("kind", ["nested_1000_objects", "int_5000_digits", "lone_surrogate", "nan", "float_overflow"])
def test_each_refusal_says_why(api, kind):
    r = api.post("/api/auth/login", None, 400, data=HOSTILE_BODIES[kind], content_type="application/json")
    detail = r.json["detail"]
    assert {"nested_1000_objects": "嵌套层数", "int_5000_digits": "整数位数", "lone_surrogate": "代理字符",
            "nan": "NaN", "float_overflow": "无穷大"}[kind] in detail


def test_an_escaped_backslash_is_ordinary_text(api):
    inst = api.start()
    task_id = inst["ready_tasks"][0]["task_id"]
    body = ESCAPED_BACKSLASH_OK.replace(b'"version": 1', f'"version": {inst["version"]}'.encode())
    body = body.replace(b'"deeds"', b'"candidate_name": "x", "deeds"')
    api.post(f"/api/tasks/{task_id}/submit", "unit", 200, data=body, content_type="application/json")


def test_a_surrogate_draft_is_refused_and_the_form_stays_readable(api, sample):
    inst = api.start()
    task_id = inst["ready_tasks"][0]["task_id"]
    api.put(f"/api/tasks/{task_id}/draft", "unit", 400, data=b'{"data": {"deeds": "\\ud83d"}}',
            content_type="application/json")
    form = api.get(f"/api/tasks/{task_id}/form", "unit2", 200).json
    assert form["draft_saved_at"] is None
    # The engine refuses it too (a caller that is not the HTTP API).
    unit = Principal(id="u", name="unit", role="staff", unit="示例机械厂")
    for bad in ({"deeds": "\ud800"}, {"score": float("nan")}, {"k\x00": 1}, {"deep": [[{"x": float("inf")}]]}):
        with pytest.raises(ValidationFailed):
            drafts.save_draft(sample, unit, task_id, bad)
    assert api.get(f"/api/tasks/{task_id}/form", "unit", 200).json["draft_saved_at"] is None


def test_the_runtime_refuses_unstorable_start_and_submission_data(sample):
    before = fingerprint(sample.db)
    for bad in ({"x": float("nan")}, {"x": float("-inf")}, {"x": "\udc00"}, {"x": ["\x00"]}):
        with pytest.raises(ValidationFailed):
            sample.runtime.start("sample_nomination", bad, "cli")
    assert fingerprint(sample.db) == before


def test_nul_and_surrogates_in_multipart_are_refused(api, sample):
    before = fingerprint(sample.db)
    r = api.post("/api/uploads/photos", "unit", 400,
                 data={"file": (io.BytesIO(b"\xff\xd8" + b"\x00" * 60_000 + b"\xff\xd9"), "a\x00b.jpg")},
                 content_type="multipart/form-data")
    assert "空字符" in r.json["detail"] and is_chinese_problem(r)
    assert fingerprint(sample.db) == before


def test_a_start_form_cannot_rewrite_its_routing(api, sample):
    inst = api.start()
    task_id = inst["ready_tasks"][0]["task_id"]
    api.submit(task_id, "unit", {**NOMINATION, "recommending_unit": "另一家工厂"}, inst["version"])
    wf = sample.runtime.workflow(inst["id"])
    units = {t.data["recommending_unit"] for t in wf.get_tasks() if "recommending_unit" in t.data}
    assert units == {"示例机械厂"}
    # Nor can a starter switch the protection off.
    r = api.post("/api/instances", "unit", 422, json={"process_id": "sample_nomination",
                                                     "data": {"submit_by": "2025-09-30", "_protected": []}})
    assert "data._protected" in r.json["errors"]
