"""The OpenAPI document is generated from the code and covers every route, with roles and
problem+json errors; the docs page lists it."""
from __future__ import annotations

import re


def test_document_covers_every_route(app, client):
    spec = client.get("/api/openapi.json").json
    assert spec["openapi"].startswith("3.") and spec["info"]["title"] == "评选表彰流程系统 API"
    documented = {(m.upper(), p) for p, ops in spec["paths"].items() for m in ops if m != "parameters"}
    routed = {(m, re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", re.sub(r"\([^)]*\)", "", r.rule)))
              for r in app.url_map.iter_rules() for m in r.methods - {"HEAD", "OPTIONS"}
              if r.rule.startswith("/api/") and r.rule not in ("/api/openapi.json", "/api/docs")}
    assert routed == documented
    for path, ops in spec["paths"].items():
        for method, op in ((m, o) for m, o in ops.items() if m != "parameters"):
            assert op.get("x-pingxuan-roles") or op.get("security") == [], (method, path)
            assert op["responses"]["default"] == {"$ref": "#/components/responses/DEFAULT_ERROR"}, (method, path)
    default = spec["components"]["responses"]["DEFAULT_ERROR"]["content"]
    assert default == {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    assert set(spec["components"]["securitySchemes"]) == {"bearerAuth", "cookieAuth", "csrfHeader"}
    problem = spec["components"]["schemas"]["Problem"]
    assert {"title", "status", "detail", "errors"} <= set(problem["properties"])


def test_request_schemas_come_from_marshmallow(client):
    spec = client.get("/api/openapi.json").json
    submit = spec["paths"]["/api/tasks/{task_id}/submit"]["post"]
    schema_ref = submit["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    body = spec["components"]["schemas"][schema_ref.rsplit("/", 1)[-1]]
    assert body["required"] == ["data", "version"] or set(body["required"]) == {"data", "version"}
    assert body["additionalProperties"] is False


def test_docs_page_lists_operations(client):
    page = client.get("/api/docs").get_data(as_text=True)
    assert "/api/tasks/{task_id}/submit" in page and "staff" in page and "/api/openapi.json" in page
