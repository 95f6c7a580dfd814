"""The `pingxuan` command as a user runs it: a real process on a fresh SQLite file."""
from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
import time

import pytest
from sqlalchemy import text

from engine.config import REPO_ROOT


@pytest.fixture
def run(tmp_path):
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path / 'cli.db'}")

    def _run(*args, ok=True):
        proc = subprocess.run([sys.executable, "-m", "pingxuan.cli", *args], env=env, cwd=REPO_ROOT,
                              capture_output=True, text=True, timeout=120)
        if ok:
            assert proc.returncode == 0, proc.stderr
        return proc
    return _run


def test_setup_deploy_start_and_audit(run):
    assert "数据库" in run("db", "upgrade").stdout
    assert "sample: 新版本 v1" in run("deploy", "processes").stdout
    assert "内容未变" in run("deploy", "processes").stdout
    instance = run("start", "sample_nomination", "--data", '{"submit_by": "2030-01-01", "departments": ["公安"]}').stdout.strip()
    assert re.fullmatch(r"[0-9a-f-]{36}", instance)
    assert "哈希链完整：共 1 条事件" in run("audit", "verify", instance).stdout
    assert "重放一致" in run("audit", "replay", instance).stdout


def test_calendar_commands(run):
    run("db", "upgrade")
    assert run("calendar", "is-workday", "2025-10-11").stdout.strip() == "workday"  # 调休 Saturday
    assert run("calendar", "is-workday", "2025-10-08").stdout.strip() == "restday"
    assert run("calendar", "workday-end", "2025-09-30", "5").stdout.strip() == "2025-10-13"
    assert run("calendar", "workday-end", "2025-09-30", "5", "--convention", "next-day").stdout.strip() == "2025-10-14"


def test_user_errors_are_clear_chinese(run):
    run("db", "upgrade")
    bad_json = run("start", "sample_nomination", "--data", "{oops", ok=False)
    assert bad_json.returncode == 1 and "不是合法的 JSON" in bad_json.stderr
    missing = run("start", "no_such_process", ok=False)
    assert missing.returncode == 1 and "没有已部署的流程" in missing.stderr
    unknown = run("audit", "verify", "00000000-0000-0000-0000-000000000000", ok=False)
    assert unknown.returncode == 1 and "不存在" in unknown.stderr


def test_deploy_is_all_or_nothing_with_element_named_lint_errors(run, tmp_path):
    run("db", "upgrade")
    (tmp_path / "defs" / "a_good").mkdir(parents=True)
    (tmp_path / "defs" / "b_bad").mkdir()
    (tmp_path / "defs" / "a_good" / "timer.bpmn").write_text(
        (REPO_ROOT / "tests" / "bpmn" / "timer_only" / "timer_only.bpmn").read_text(encoding="utf-8"), encoding="utf-8")
    bad = (REPO_ROOT / "tests" / "bpmn" / "timer_only" / "timer_only.bpmn").read_text(encoding="utf-8")
    bad = bad.replace('id="timer_only"', 'id="timer_bad"').replace("<bpmn:timeDate>due</bpmn:timeDate>",
                                                                   "<bpmn:timeDate>__import__('os')</bpmn:timeDate>")
    (tmp_path / "defs" / "b_bad" / "timer.bpmn").write_text(bad, encoding="utf-8")
    failed = run("deploy", str(tmp_path / "defs"), ok=False)
    assert failed.returncode == 1 and "部署检查" in failed.stderr and "Wait" in failed.stderr
    assert "timer_only" in run("start", "timer_only", ok=False).stderr  # nothing was deployed, not even a_good
    assert "a_good: 新版本 v1" in run("deploy", str(tmp_path / "defs" / "a_good")).stdout


def _url(db) -> str:
    """A URL the simulation's worker processes can open on their own (PostgreSQL: the test schema)."""
    schema = getattr(db, "pg_schema", None)
    return db.url if schema is None else f"{db.url}?options=-csearch_path%3D{schema}"


@pytest.mark.parametrize("workers", [1, 2])
def test_simulate_runs_a_whole_campaign_to_its_decision(run, empty_db, workers):
    proc = run("simulate", "--variant", "001", "--candidates", "20", "--workers", str(workers),
               "--database", _url(empty_db))
    assert f"20 个推荐对象，{workers} 个模拟进程" in proc.stdout
    assert "表彰: 20" in proc.stdout
    with empty_db.transaction(write=False) as session:
        rows = session.execute(text("SELECT unit, outcome FROM candidates")).all()
    assert len(rows) == 20 and {outcome for _, outcome in rows} == {"表彰"}
    assert len({unit for unit, _ in rows}) == 10  # two award types per unit, units shared out among workers


def test_simulate_refuses_an_unknown_variant(run):
    proc = run("simulate", "--variant", "999", ok=False)
    assert proc.returncode == 1 and "没有变体 999" in proc.stderr


def test_terminating_simulate_stops_its_workers(tmp_path):
    """A killed simulation must not leave worker processes writing to the database."""
    db_file = tmp_path / "sim.db"
    proc = subprocess.Popen([sys.executable, "-m", "pingxuan.cli", "simulate", "--variant", "001",
                             "--candidates", "2000", "--workers", "2", "--database", f"sqlite:///{db_file}"],
                            cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def events() -> int:
        with sqlite3.connect(db_file, timeout=30) as conn:
            try:
                return conn.execute("SELECT count(*) FROM events").fetchone()[0]
            except sqlite3.OperationalError:  # tables not created yet
                return 0

    deadline = time.monotonic() + 120
    while events() < 50:
        assert proc.poll() is None and time.monotonic() < deadline, "the simulation did not get going"
        time.sleep(0.5)
    proc.terminate()
    assert proc.wait(timeout=30) != 0
    time.sleep(3)  # a surviving worker would still be nominating or acting
    settled = events()
    time.sleep(3)
    assert events() == settled
