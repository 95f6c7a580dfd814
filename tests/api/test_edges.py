"""Malformed, mistyped and oversized requests, photo uploads: always problem+json in Chinese."""
from __future__ import annotations

import io
import struct

import pytest

from tests.api.conftest import NOMINATION

PROBLEM = "application/problem+json"


def jpeg(size: int, width: int = 413, height: int = 579) -> bytes:
    """A structurally valid baseline JPEG header padded to `size` bytes."""
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 17, 8, height, width, 3) + b"\x01\x22\x00\x02\x11\x01\x03\x11\x01"
    head = b"\xff\xd8" + b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + sof
    return head + b"\x00" * (size - len(head) - 2) + b"\xff\xd9"


def assert_problem(r, status, code=None):
    assert r.status_code == status, r.get_data(as_text=True)
    assert r.mimetype == PROBLEM
    body = r.json
    assert body["status"] == status and body["title"] and body["detail"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["detail"])  # Chinese for the user
    if code:
        assert body["code"] == code
    return body


@pytest.fixture
def task(api):
    inst = api.start()
    return inst["ready_tasks"][0]["task_id"], inst["version"]


def test_malformed_json(api, task):
    r = api.post(f"/api/tasks/{task[0]}/submit", "unit", None, data='{"version": 1, "data": {', content_type="application/json")
    body = assert_problem(r, 400, "bad_request")
    assert "不是有效的 JSON" in body["detail"]


def test_json_must_be_an_object(api, task):
    r = api.post(f"/api/tasks/{task[0]}/submit", "unit", None, json=[1, 2])
    body = assert_problem(r, 422, "validation_failed")
    assert body["errors"] == {"_body": "应为 JSON 对象"}


def test_wrong_types_give_field_errors(api, task):
    r = api.post(f"/api/tasks/{task[0]}/submit", "unit", None, json={"version": "3", "data": [], "extra": True})
    body = assert_problem(r, 422, "validation_failed")
    assert body["errors"] == {"version": "应为整数", "data": "应为 JSON 对象", "extra": "不允许的字段"}
    r = api.get("/api/tasks?per_page=1000&sort=name&overdue=maybe", "unit", None)
    body = assert_problem(r, 422)
    assert set(body["errors"]) == {"query.per_page", "query.sort", "query.overdue"}
    assert body["errors"]["query.per_page"] == "应在 1—100 之间"


def test_nul_characters_are_refused_before_the_database(api, task):
    """PostgreSQL cannot store U+0000; schemathesis once turned one into a 500."""
    r = api.post("/api/tasks/batch-submit", "unit", None,
                 json={"items": [{"task_id": "\u00c4\u0000x", "version": 1}], "data": {}})
    body = assert_problem(r, 400, "bad_request")
    assert "空字符" in body["detail"]
    r = api.post(f"/api/tasks/{task[0]}/submit", "unit", None, json={"version": task[1], "data": {"deeds": "a\u0000b"}})
    assert_problem(r, 400, "bad_request")
    assert_problem(api.get("/api/tasks/abc%00def", "unit", None), 400, "bad_request")


def test_non_json_body_is_415(api, task):
    r = api.post(f"/api/tasks/{task[0]}/submit", "unit", None, data="version=1", content_type="text/plain")
    assert_problem(r, 415, "unsupported_media_type")


def test_oversize_body_is_413(api, task, app):
    limit = app.config["MAX_CONTENT_LENGTH"]
    big = '{"version": 1, "data": {"deeds": "' + "事" * (limit // 3 + 10) + '"}}'
    r = api.post(f"/api/tasks/{task[0]}/submit", "unit", None, data=big.encode(), content_type="application/json")
    body = assert_problem(r, 413, "payload_too_large")
    assert "MB" in body["detail"]
    assert api.task(task[0], "unit")["version"] == task[1]


def test_unknown_route_and_method(api, client):
    assert_problem(client.get("/api/no-such-thing"), 404)
    assert_problem(api.call("DELETE", "/api/tasks", "unit"), 405)


def test_unknown_ids_are_404(api):
    for path in ("/api/tasks/00000000-0000-0000-0000-000000000000", "/api/tasks/' OR 1=1 --",
                 "/api/instances/00000000-0000-0000-0000-000000000000", "/api/definitions/99999"):
        assert_problem(api.get(path, "auditor", None), 404, "not_found")


def test_stale_version_is_409_problem(api, task):
    r = api.post(f"/api/tasks/{task[0]}/submit", "unit", None, json={"version": task[1] + 5, "data": NOMINATION})
    assert_problem(r, 409, "conflict")


def upload(api, who, content, name="李某某—19660101.jpg"):
    return api.post("/api/uploads/photos", who, None, data={"file": (io.BytesIO(content), name)},
                    content_type="multipart/form-data")


def test_photo_upload_accepts_a_jpeg_in_range(api):
    r = upload(api, "unit", jpeg(120 * 1024))
    assert r.status_code == 201, r.json
    info = r.json
    assert (info["file_format"], info["size_kb"], info["width"], info["height"]) == ("JPG", 120.0, 413, 579)
    got = api.get(f"/api/uploads/{info['id']}", "unit2")  # same unit
    assert got.mimetype == "image/jpeg" and got.data == jpeg(120 * 1024)
    api.get(f"/api/uploads/{info['id']}", "other_unit", 403)
    api.get(f"/api/uploads/{info['id']}", "auditor", 200)


@pytest.mark.parametrize("content, message", [
    (jpeg(30 * 1024), "当前为 30.0 KB"),
    (jpeg(600 * 1024), "当前为 600.0 KB"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100 * 1024, "不是 JPG"),
    (b"\xff\xd8\xff" + b"\x00" * 100 * 1024, "已损坏"),
])
def test_photo_upload_refusals(api, content, message):
    body = assert_problem(upload(api, "unit", content), 422, "validation_failed")
    assert message in body["errors"]["file"]


def test_photo_upload_needs_a_file(api):
    body = assert_problem(api.post("/api/uploads/photos", "unit", None, data={}, content_type="multipart/form-data"), 422)
    assert body["errors"] == {"file": "必填"}
