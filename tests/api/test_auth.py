"""Sessions, CSRF, bearer tokens: the hard edges of authentication."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from engine.config import REPO_ROOT
from engine.people import users
from tests.api.conftest import NOMINATION


@pytest.fixture
def fast_hash(monkeypatch):
    monkeypatch.setattr(users, "PASSWORD_METHOD", "scrypt:1024:8:1")


@pytest.fixture
def alice(sample, clock, fast_hash):
    with sample.db.transaction() as session:
        users.create_user(session, "alice", "staff", clock(), unit="示例机械厂", password="correct horse")
    return "alice"


def login(client, name="alice", password="correct horse"):
    return client.post("/api/auth/login", json={"name": name, "password": password})


def test_password_is_stored_hashed(sample, alice):
    with sample.db.transaction(write=False) as session:
        stored = session.query(users.User).filter_by(name="alice").one().password_hash
    assert stored.startswith("scrypt:") and "correct horse" not in stored


def test_login_sets_httponly_session_and_returns_csrf(client, alice):
    r = login(client)
    assert r.status_code == 200, r.json
    assert r.json["user"] == {"name": "alice", "display_name": "alice", "role": "staff", "role_name": "经办人员",
                              "unit": "示例机械厂"}
    cookies = r.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith("pingxuan_session="))
    assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie
    assert client.get("/api/auth/me").json["name"] == "alice"


@pytest.mark.parametrize("name, password", [("alice", "wrong password"), ("nobody", "correct horse")])
def test_wrong_credentials_are_401_problem(client, alice, name, password):
    r = login(client, name, password)
    assert r.status_code == 401
    assert r.mimetype == "application/problem+json"
    assert r.json["detail"] == "用户名或密码错误"


def test_cookie_writes_need_the_csrf_token(api, client, alice, people):
    csrf = login(client).json["csrf_token"]
    inst = client.post("/api/instances", json={"process_id": "sample_nomination",
                                               "data": {"submit_by": "2025-09-30", "departments": []}},
                       headers={"X-CSRF-Token": csrf})
    assert inst.status_code == 201, inst.json
    task_id, version = inst.json["ready_tasks"][0]["task_id"], inst.json["version"]
    body = {"version": version, "data": NOMINATION}
    missing = client.post(f"/api/tasks/{task_id}/submit", json=body)
    forged = client.post(f"/api/tasks/{task_id}/submit", json=body, headers={"X-CSRF-Token": "0" * 64})
    for r in (missing, forged):
        assert r.status_code == 403 and r.json["code"] == "csrf_failed"
    # Nothing happened: the task is still open at the same version.
    assert api.task(task_id, "unit")["version"] == version
    ok = client.post(f"/api/tasks/{task_id}/submit", json=body, headers={"X-CSRF-Token": csrf})
    assert ok.status_code == 200, ok.json


def test_csrf_token_of_another_session_does_not_work(app, alice, sample, clock):
    first, second = app.test_client(), app.test_client()
    csrf_first = login(first).json["csrf_token"]
    login(second)
    r = second.post("/api/auth/tokens", json={}, headers={"X-CSRF-Token": csrf_first})
    assert r.status_code == 403 and r.json["code"] == "csrf_failed"


def test_bearer_requests_need_no_csrf_and_cookies_are_not_bearer(client, people):
    r = client.post("/api/auth/tokens", json={"label": "脚本"}, headers=people["unit"].auth)
    assert r.status_code == 201
    # A session cookie value sent as a bearer token is refused, and vice versa.
    token = r.json["token"]
    client.set_cookie("pingxuan_session", token)
    assert client.get("/api/auth/me").status_code == 401


def test_expired_token_is_refused(client, people, clock):
    assert client.get("/api/auth/me", headers=people["unit"].auth).status_code == 200
    clock.advance(days=366)
    r = client.get("/api/auth/me", headers=people["unit"].auth)
    assert r.status_code == 401 and r.json["code"] == "token_expired"
    assert r.headers["WWW-Authenticate"].startswith("Bearer")


def test_expired_session_is_refused(client, alice, clock):
    login(client)
    clock.advance(hours=13)
    r = client.get("/api/auth/me")
    assert r.status_code == 401 and r.json["code"] == "token_expired"


def test_logout_revokes_the_session(client, alice):
    csrf = login(client).json["csrf_token"]
    cookie = client.get_cookie("pingxuan_session").value
    assert client.post("/api/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    client.set_cookie("pingxuan_session", cookie)  # a copy kept by an attacker
    assert client.get("/api/auth/me").status_code == 401


def test_issue_list_revoke_tokens(client, people):
    auth = people["office"].auth
    created = client.post("/api/auth/tokens", json={"label": "报表", "ttl_hours": 2}, headers=auth).json
    listed = client.get("/api/auth/tokens", headers=auth).json
    assert [t["label"] for t in listed if t["id"] == created["id"]] == ["报表"]
    assert all("token" not in t for t in listed)
    new = {"Authorization": f"Bearer {created['token']}"}
    assert client.get("/api/auth/me", headers=new).status_code == 200
    assert client.delete(f"/api/auth/tokens/{created['id']}", headers=auth).status_code == 204
    assert client.get("/api/auth/me", headers=new).status_code == 401
    # Someone else's token id is not found, not revoked.
    assert client.delete(f"/api/auth/tokens/{created['id']}", headers=people["unit"].auth).status_code == 404


@pytest.mark.parametrize("header", ["Bearer", "Basic dXNlcjpwYXNz", "Bearer px_not-a-real-token", "token abc"])
def test_malformed_or_unknown_authorization(client, header):
    r = client.get("/api/auth/me", headers={"Authorization": header})
    assert r.status_code == 401 and r.mimetype == "application/problem+json"


def test_token_ttl_is_bounded(client, people):
    r = client.post("/api/auth/tokens", json={"ttl_hours": 24 * 366}, headers=people["unit"].auth)
    assert r.status_code == 422 and "ttl_hours" in r.json["errors"]


def test_cli_user_add_reads_password_from_stdin(tmp_path):
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path / 'cli.db'}")

    def run(*args, stdin=""):
        return subprocess.run([sys.executable, "-m", "pingxuan.cli", *args], env=env, cwd=REPO_ROOT, input=stdin,
                              capture_output=True, text=True, timeout=120)

    assert run("db", "upgrade").returncode == 0
    ok = run("user", "add", "王五", "--role", "staff", "--unit", "示例机械厂", stdin="a-long-password\n")
    assert ok.returncode == 0 and "已添加用户 王五" in ok.stdout, ok.stderr
    no_unit = run("user", "add", "赵六", "--role", "staff", stdin="a-long-password\n")
    assert no_unit.returncode != 0 and "必须绑定所属单位" in no_unit.stderr
    duplicate = run("user", "add", "王五", "--role", "office", stdin="a-long-password\n")
    assert duplicate.returncode != 0 and "已存在" in duplicate.stderr
    demo = run("user", "demo")
    assert demo.returncode == 0 and "auditor" in demo.stdout
    from engine.storage.db import Database

    db = Database(env["DATABASE_URL"])
    with db.transaction(write=False) as session:
        assert users.authenticate(session, "王五", "a-long-password").unit == "示例机械厂"
    db.dispose()
