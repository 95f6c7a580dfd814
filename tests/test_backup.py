"""`pingxuan backup` taken while commands commit, `pingxuan restore` into a fresh file, then
`pingxuan audit scan`: every restored instance's chain verifies and its replay matches."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading

from engine.config import REPO_ROOT, Settings
from engine.services import build, seed_calendar
from engine.storage import migrate
from tests.conftest import deploy_folder
from tests.test_runtime import NOMINATION

START = {"submit_by": "2030-01-01", "departments": ["公安"]}  # real time: a deadline still ahead


def cli(url: str, *args: str, ok: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "pingxuan.cli", *args], env=dict(os.environ, DATABASE_URL=url),
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    if ok:
        assert proc.returncode == 0, proc.stderr
    return proc


def test_a_backup_taken_under_load_restores_and_verifies(tmp_path):
    live_url = f"sqlite:///{tmp_path / 'live.db'}"
    services = build(Settings(database_url=live_url))
    migrate.upgrade(services.db)
    seed_calendar(services.db)
    deploy_folder(services, REPO_ROOT / "processes" / "sample")
    stop, done = threading.Event(), []

    def load():
        while not stop.is_set():
            view = services.runtime.start("sample_nomination", START, "load")
            services.runtime.complete_task(view.id, view.ready_tasks[0]["task_id"], NOMINATION, "load", view.version)
            done.append(view.id)

    worker = threading.Thread(target=load)
    worker.start()
    try:
        for _ in range(600):
            if len(done) >= 5 or not worker.is_alive():
                break
            threading.Event().wait(0.05)
        assert len(done) >= 5, "the load thread stopped"
        assert "已备份" in cli(live_url, "backup", str(tmp_path / "copy.db")).stdout
        during = len(done)
    finally:
        stop.set()
        worker.join()
    services.db.dispose()
    assert len(done) > during or len(done) >= 5  # commands kept committing around the backup

    restored_url = f"sqlite:///{tmp_path / 'restored.db'}"
    assert "已从" in cli(restored_url, "restore", "--yes", str(tmp_path / "copy.db")).stdout
    scan = cli(restored_url, "audit", "scan")
    restored = sqlite3.connect(tmp_path / "restored.db").execute("SELECT count(*) FROM instances").fetchone()[0]
    assert restored >= 5 and f"共核验 {restored} 个流程实例，全部通过" in scan.stdout


def test_backup_and_restore_refusals_are_clear(tmp_path):
    url = f"sqlite:///{tmp_path / 'a.db'}"
    cli(url, "db", "upgrade")
    (tmp_path / "taken.db").write_bytes(b"")
    assert "已存在" in cli(url, "backup", str(tmp_path / "taken.db"), ok=False).stderr
    (tmp_path / "junk.db").write_bytes(b"not a database" * 100)
    refused = cli(url, "restore", "--yes", str(tmp_path / "junk.db"), ok=False)
    assert refused.returncode != 0 and "不是有效的 SQLite 备份" in refused.stderr


def test_audit_scan_finds_a_tampered_event(tmp_path):
    url = f"sqlite:///{tmp_path / 'b.db'}"
    services = build(Settings(database_url=url))
    migrate.upgrade(services.db)
    seed_calendar(services.db)
    deploy_folder(services, REPO_ROOT / "processes" / "sample")
    view = services.runtime.start("sample_nomination", START, "someone")
    services.db.dispose()
    with sqlite3.connect(tmp_path / "b.db") as conn:
        conn.execute("UPDATE events SET actor = 'forged' WHERE instance_id = ?", (view.id,))
    scan = cli(url, "audit", "scan", ok=False)
    assert scan.returncode == 1 and view.id in scan.stdout and "1 个未通过" in scan.stdout
