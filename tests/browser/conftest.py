"""Browser tests: the real app (built web/dist, real database, real engine) on a free localhost port,
driven by Debian's chromium through Playwright. Never `playwright install`: `make browser` (run by
`make test`) installs chromium and a Chinese font from Debian when missing; a missing browser or
build fails here with a clear message, it is never skipped."""
from __future__ import annotations

import re
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from api import create_app
from engine.config import REPO_ROOT
from engine.people import users

CHROMIUM = Path("/usr/bin/chromium")
DIST = REPO_ROOT / "web" / "dist"
SCREENSHOTS = REPO_ROOT / "var" / "screenshots"
PASSWORD = "Pingxuan-2026"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("没有找到 /usr/bin/chromium：请先运行 make browser（apt-get install chromium fonts-wqy-microhei）")
    if not (DIST / "index.html").exists():
        pytest.fail("web/dist 尚未构建：请先运行 make web")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        yield b
        b.close()


class LiveServer:
    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.thread.join(timeout=10)


@pytest.fixture
def live(services):
    server = LiveServer(create_app(services))
    yield server
    server.stop()


@pytest.fixture
def web_user(services, clock):
    """Creates a user who logs in with a password, as people do in the browser."""

    def make(name: str, role: str, unit: str | None = None, display_name: str | None = None) -> str:
        with services.db.transaction() as session:
            users.create_user(session, name, role, clock(), unit=unit, password=PASSWORD, display_name=display_name)
        return name

    return make


@pytest.fixture
def page(browser, live, clock):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(30_000)  # generous: CI machines may be loaded (a full run here timed out at 15 s)
    pg = context.new_page()
    # The browser's "today" is the server's (the tests' clock, September 2025); timers run normally.
    pg.clock.set_fixed_time(clock())
    outside = []
    pg.on("request", lambda r: outside.append(r.url) if not r.url.startswith((live.url, "data:", "blob:")) else None)
    errors = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.base = live.url
    yield pg
    context.close()
    assert outside == [], f"页面从其他主机加载了资源：{outside}"
    assert errors == [], f"页面脚本出错：{errors}"


def shot(page, name: str) -> Path:
    """Saves a full-page screenshot under var/screenshots/ (git-ignored), named by the test."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^0-9A-Za-z_-]+', '_', name)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def login(page, name: str, password: str = PASSWORD) -> None:
    page.goto(page.base + "/login")
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.get_by_test_id("current-user").wait_for()


__all__ = ["login", "shot", "timedelta"]
