"""A real `pingxuan serve` process on a free port, for tests that talk HTTP to it."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from engine.config import REPO_ROOT

DEMO_PASSWORD = "pingxuan-demo"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cli(env: dict, *args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "pingxuan.cli", *args], env=env, cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, proc.stderr
    return proc


def prepared_env(database_url: str, extra: dict | None = None) -> dict:
    """A database migrated, the sample process deployed and the demo users created."""
    env = dict(os.environ, DATABASE_URL=database_url, **(extra or {}))
    cli(env, "db", "upgrade")
    cli(env, "deploy", str(REPO_ROOT / "processes" / "sample"))
    cli(env, "user", "demo")
    return env


class LiveServer:
    def __init__(self, env: dict, tmp: Path, *args: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.pidfile = tmp / f"serve-{self.port}.pid"
        self.log = open(tmp / f"serve-{self.port}.log", "w+")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "pingxuan.cli", "serve", "--port", str(self.port), "--pidfile", str(self.pidfile),
             *args], env=env, cwd=REPO_ROOT, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            self.wait_ready()
        except BaseException:
            self.stop()  # never leave a server behind
            raise

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.output()
            try:
                if requests.get(self.url + "/api/health", timeout=5).status_code == 200:
                    return
            except (requests.ConnectionError, requests.Timeout):
                pass
            time.sleep(0.2)
        raise AssertionError("server did not come up:\n" + self.output())

    def output(self) -> str:
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def login(self, name: str) -> requests.Session:
        session = requests.Session()
        r = session.post(self.url + "/api/auth/login", json={"name": name, "password": DEMO_PASSWORD}, timeout=10)
        assert r.status_code == 200, r.text
        session.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        return session

    def signal(self, sig: int) -> None:
        self.proc.send_signal(sig)

    def stop(self, timeout: float = 40) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)  # its own session: the master and its workers
                self.proc.wait(10)
        self.log.close()
        return self.proc.returncode
