"""Definitions, audit, calendar and timers through the API."""
from __future__ import annotations

import csv
import io

from sqlalchemy import update

from engine.config import REPO_ROOT
from engine.definitions.definitions import bundle_from_folder
from engine.storage.models import Event
from tests.api.conftest import NOMINATION, OPINION_OK

SAMPLE = bundle_from_folder(REPO_ROOT / "processes" / "sample")


def test_lint_deploy_and_versions(api):
    assert api.post("/api/definitions/lint", "designer", json={"name": "sample", "files": SAMPLE}).json == {
        "ok": True, "messages": []}
    broken = {"sample.bpmn": SAMPLE["sample.bpmn"].replace('name="专班办公室"', 'name="不存在的泳道"')}
    report = api.post("/api/definitions/lint", "designer", json={"name": "sample", "files": broken}).json
    assert not report["ok"] and any("不存在的泳道" in m["message"] for m in report["messages"])
    refused = api.post("/api/definitions", "designer", 422, json={"name": "sample", "files": broken}).json
    assert refused["code"] == "lint_failed" and refused["lint"] and refused["lint"][0]["file"] == "sample.bpmn"
    same = api.post("/api/definitions", "designer", 200, json={"name": "sample", "files": SAMPLE}).json
    assert same["created"] is False and same["deployment"]["version"] == 1
    changed = {"sample.bpmn": SAMPLE["sample.bpmn"].replace('name="审定"', 'name="审定（新）"')}
    new = api.post("/api/definitions", "designer", 201, json={"name": "sample", "files": changed}).json
    assert new["created"] and new["deployment"]["version"] == 2 and new["deployment"]["deployed_by"] == "designer"
    versions = api.get("/api/definitions?name=sample", "office").json
    assert [v["version"] for v in versions] == [2, 1]
    diagram = api.get(f"/api/definitions/{new['deployment']['id']}/diagram", "auditor").json
    assert diagram["process_id"] == "sample_nomination" and "审定（新）" in diagram["xml"]
    api.get(f"/api/definitions/{new['deployment']['id']}/diagram?process_id=nope", "auditor", 404)
    api.get("/api/definitions?name=nope", "designer", 404)


def test_deploy_refuses_non_bpmn_files(api):
    r = api.post("/api/definitions", "designer", 422, json={"name": "x", "files": {"evil.sh": "rm -rf /"}})
    assert "files" in next(iter(r.json["errors"]))


def finished(api, clock, sample):
    inst = api.to_opinions(clock, sample)
    version = inst["version"]
    for t in inst["ready_tasks"]:
        who = "jijian" if t["unit"] == "纪检监察" else "gongan"
        version = api.submit(t["task_id"], who, OPINION_OK, version).json["version"]
    review = api.get(f"/api/instances/{inst['id']}/tasks", "office").json[0]
    api.submit(review["task_id"], "office", {"approved": True}, version)
    return inst["id"]


def test_audit_timeline_state_verification_and_exports(api, clock, sample):
    instance_id = finished(api, clock, sample)
    timeline = api.get(f"/api/audit/instances/{instance_id}/events", "auditor").json
    types = [e["type"] for e in timeline["events"]]
    assert types == ["instance_started", "task_completed", "timers_fired", "task_completed", "task_completed",
                     "task_completed"]
    assert timeline["status"] == "completed" and timeline["events"][1]["actor"] == "unit"
    assert timeline["events"][1]["payload"]["data"] == NOMINATION
    first = api.get(f"/api/audit/instances/{instance_id}/state?seq=1", "auditor").json
    assert [t["spec"] for t in first["tasks"]] == ["Fill_nomination"] and first["active"] == ["Deadline_missed", "Fill_nomination"]
    third = api.get(f"/api/audit/instances/{instance_id}/state?seq=3", "auditor").json
    assert third["active"] == ["Collect_opinions"] and not third["finished"]
    assert api.get(f"/api/audit/instances/{instance_id}/state?seq=6", "auditor").json["finished"]
    api.get(f"/api/audit/instances/{instance_id}/state?seq=7", "auditor", 404)
    ok = api.get(f"/api/audit/instances/{instance_id}/verification", "auditor").json
    assert ok["ok"] and ok["chain"]["events"] == 6 and ok["replay"]["differences"] == []
    exported = api.get(f"/api/audit/instances/{instance_id}/export.json", "auditor")
    assert "attachment" in exported.headers["Content-Disposition"] and exported.json["events"] == timeline["events"]
    csv_response = api.get(f"/api/audit/instances/{instance_id}/export.csv", "admin")
    assert csv_response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(csv_response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["seq", "type", "actor", "at", "payload", "prev_hash", "hash"]
    assert [r[1] for r in rows[1:]] == types and rows[-1][6] == timeline["last_hash"]
    # Tampering shows: the chain names the altered event and replay is not attempted.
    with sample.db.transaction() as s:
        s.execute(update(Event).where(Event.instance_id == instance_id, Event.seq == 2).values(actor="someone"))
    bad = api.get(f"/api/audit/instances/{instance_id}/verification", "auditor").json
    assert not bad["ok"] and bad["chain"]["first_bad_seq"] == 2 and bad["replay"] is None


def test_calendar_queries_and_import(api):
    national_day = api.get("/api/calendar/day?date=2025-10-01", "unit").json
    assert national_day == {"date": "2025-10-01", "workday": False, "holiday": "国庆节"}
    makeup = api.get("/api/calendar/day?date=2025-09-28", "designer").json
    assert makeup["workday"] is True
    period = api.get("/api/calendar/period-end?start=2025-09-26&days=5", "office").json
    assert period["last_day"] == "2025-10-09" and period["ends_at"] == "2025-10-10T00:00:00+08:00"
    gap = api.get("/api/calendar/day?date=2031-01-02", "office", 422).json
    assert "2031 年的节假日安排尚未导入" in gap["detail"]
    schedule = {"year": 2031, "source": "国办发明电〔2030〕X号（测试）", "_comment": "示例",
                "holidays": [{"name": "元旦", "rest": ["2031-01-01"], "workdays": []}]}
    summary = api.post("/api/calendar/years", "admin", json=schedule).json
    assert summary["year"] == 2031 and summary["rest_days"] == 1 and "元旦" in summary["message"]
    assert api.get("/api/calendar/day?date=2031-01-01", "office").json["holiday"] == "元旦"
    bad = api.post("/api/calendar/years", "admin", 422,
                   json={"year": 2032, "source": "x", "holidays": [{"name": "春节", "rest": ["2033-01-01"]}]}).json
    assert "holidays[0].rest[0]" in bad["errors"]


def test_upcoming_timers(api, sample):
    api.start()
    timers = api.get("/api/timers", "office").json
    assert [(t["spec"], t["due_at"]) for t in timers] == [("Deadline_missed", "2025-09-30T16:00:00+00:00")]
    assert api.get("/api/timers?within_days=1", "office").json == []
