"""`pingxuan serve` as deployed: gunicorn with several workers, over HTTP, on a fresh SQLite file."""
from __future__ import annotations

import signal
import socket
import time

import pytest

from tests.live_server import LiveServer, prepared_env

START = {"submit_by": "2030-01-01", "departments": ["公安"]}


@pytest.fixture
def server(tmp_path):
    env = prepared_env(f"sqlite:///{tmp_path / 'serve.db'}")
    live = LiveServer(env, tmp_path, "--workers", "2", "--threads", "2", "--read-timeout", "1",
                      "--graceful-timeout", "10")
    yield live
    live.stop()


def complete_one(server, session) -> None:
    r = session.post(server.url + "/api/instances", json={"process_id": "sample_nomination", "data": START}, timeout=10)
    assert r.status_code == 201, r.text
    inst = r.json()
    task = inst["ready_tasks"][0]["task_id"]
    r = session.post(f"{server.url}/api/tasks/{task}/submit", timeout=10,
                     json={"version": inst["version"], "data": {"candidate_name": "甲", "deeds": "事迹"}})
    assert r.status_code == 200, r.text


def test_serves_completions_over_http_with_several_workers(server):
    session = server.login("unit")
    for _ in range(5):
        complete_one(server, session)
    assert "Booting worker" in server.output() and server.output().count("Booting worker") == 2
    r = session.post(server.url + "/api/tasks/x/submit", data=b'{"a":' * 5000, timeout=10,
                     headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and "嵌套" in r.json()["detail"]


def test_a_half_sent_request_is_cut_off_after_the_read_timeout(server):
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.sendall(b"POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"na")
        sock.settimeout(15)
        started = time.monotonic()
        data = sock.recv(4096)
        while data:
            data = sock.recv(4096)
        assert time.monotonic() - started < 10  # closed by the server, not by our own timeout
    complete_one(server, server.login("unit"))  # the thread was freed


def test_hup_restarts_workers_gracefully_and_term_stops(server):
    session = server.login("unit")
    # A fresh connection per request: an idle keep-alive connection to an old worker is closed
    # when it retires (a client or proxy then reconnects); no request under way may be lost.
    session.headers["Connection"] = "close"
    complete_one(server, session)
    server.signal(signal.SIGHUP)
    deadline = time.monotonic() + 30
    while server.output().count("Booting worker") < 4 and time.monotonic() < deadline:
        complete_one(server, session)  # served throughout the reload
        time.sleep(0.1)
    assert server.output().count("Booting worker") >= 4
    complete_one(server, session)
    assert server.stop() == 0
