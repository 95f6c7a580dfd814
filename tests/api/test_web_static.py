"""The browser app served by Flask: hashed assets cached for a year, index.html revalidated, client
routes answered with index.html, API paths keeping their own 404/405 answers."""
from __future__ import annotations

from flask import Flask

from api import web
from api.app import create_app
from api.security import check_guarded


def built(tmp_path):
    (tmp_path.parent / "pyproject.toml").write_text("[project]", encoding="utf-8")
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><div id=root></div>", encoding="utf-8")
    (tmp_path / "assets" / "index-abc123.js").write_text("console.log(1)", encoding="utf-8")
    (tmp_path / "favicon.svg").write_text("<svg/>", encoding="utf-8")
    app = Flask(__name__)
    web.register(app, tmp_path)
    check_guarded(app, exempt={"static"})
    return app.test_client()


def test_cache_headers_and_client_routes(tmp_path):
    client = built(tmp_path)
    asset = client.get("/assets/index-abc123.js")
    assert asset.status_code == 200 and asset.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    for path in ("/", "/tasks/123", "/campaigns/x/review", "/login?next=/"):
        page = client.get(path)
        assert page.status_code == 200 and b"id=root" in page.data, path
        assert page.headers["Cache-Control"] == "no-cache"
    assert client.get("/favicon.svg").data == b"<svg/>"
    assert client.get("/assets/missing.js").status_code == 404
    # No escaping the build folder.
    for path in ("/../pyproject.toml", "/%2e%2e/pyproject.toml", "/..%2fpyproject.toml"):
        assert b"[project]" not in client.get(path).data


def test_api_paths_are_not_swallowed_by_the_client_routes(client):
    assert client.get("/api/nothing-here").status_code == 404
    assert client.get("/api/nothing-here").json["status"] == 404  # the API's problem+json, not index.html
    assert client.get("/api/auth/login").status_code == 405  # POST only


def test_unbuilt_app_still_answers_the_root(tmp_path, sample):
    app = create_app(sample)
    response = app.test_client().get("/")
    assert response.status_code == 200 and "评选表彰流程系统".encode() in response.data
