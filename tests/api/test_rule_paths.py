"""Issue 9, defect 1: the rules of a review step hold whichever endpoint completes it. The same
区县审核汇总 list (城口县, 各县可推荐…3名个人) is refused over the review list, over batch-submit and
task by task over single submits; an override is only ever an explicit reason recorded in the event."""
from __future__ import annotations

from sqlalchemy import select

from engine.storage.models import Event
from tests.api.test_campaigns_api import capi, create, demo, drive_until, nominate, open_tasks, v001  # noqa: F401

TITLE = "区县审核汇总"


def _forms(capi, cid, tasks, reason=None):
    rows = {c["id"]: c for c in capi.get(f"/api/campaigns/{cid}/candidates", "office").json["items"]}
    forms = []
    for t in tasks:
        form = demo("common/review_decision.json")
        form.update(stage="审核", date="2026-06-20", decisions=[
            {"candidate_id": t.instance_id, "candidate_name": rows[t.instance_id]["name"], "decision": "通过"}])
        if reason:
            form["override_reason"] = reason
        forms.append(form)
    return forms


def _v(services, task) -> int:
    return services.runtime.instance(task.instance_id).version


def _four_at_review(capi, services, clock):
    cid = create(capi)
    for i in range(4):
        nominate(capi, cid, f"城口个人{i}", who="chengkou")
    tasks = drive_until(services, clock, cid, TITLE)
    assert len(tasks) == 4
    return cid, tasks


def _last_completion(services, instance_id) -> dict:
    with services.db.transaction(write=False) as s:
        return s.scalar(select(Event.payload).where(Event.instance_id == instance_id, Event.type == "task_completed")
                        .order_by(Event.seq.desc()).limit(1))


def test_batch_submit_cannot_pass_a_list_the_review_endpoint_refuses(capi, v001, clock):
    cid, tasks = _four_at_review(capi, v001, clock)
    items = [{"task_id": t.task_id, "data": f, "version": _v(v001, t)} for t, f in zip(tasks, _forms(capi, cid, tasks))]
    refused = capi.post("/api/tasks/batch-submit", "chengkou", 422, json={"items": items}).json
    assert refused["code"] == "rule_breached"
    assert "城口县" in refused["detail"] and "先进个人 4 个" in refused["detail"] and "名额 3 个" in refused["detail"]
    assert len(open_tasks(v001, cid, TITLE)) == 4  # nothing stored
    reason = "经县领导小组研究，四名同志确需推荐"
    items = [{"task_id": t.task_id, "data": f, "version": _v(v001, t)} for t, f in zip(tasks, _forms(capi, cid, tasks, reason))]
    capi.post("/api/tasks/batch-submit", "chengkou", json={"items": items})
    record = _last_completion(v001, tasks[0].instance_id)["rules"]
    assert record["override"]["reason"] == reason and any("名额 3 个" in b for b in record["override"]["breaches"])


def test_single_submits_are_counted_against_the_selected_set(capi, v001, clock):
    """Three single submits fill the 3 places; the fourth, alone in its command, is refused because
    the selected set at 审核 already holds three."""
    cid, tasks = _four_at_review(capi, v001, clock)
    forms = _forms(capi, cid, tasks)
    for t, f in zip(tasks[:3], forms[:3]):
        capi.post(f"/api/tasks/{t.task_id}/submit", "chengkou", json={"data": f, "version": _v(v001, t)})
    refused = capi.post(f"/api/tasks/{tasks[3].task_id}/submit", "chengkou", 422,
                        json={"data": forms[3], "version": _v(v001, tasks[3])}).json
    assert refused["code"] == "rule_breached" and "先进个人 4 个" in refused["detail"]
    assert len(open_tasks(v001, cid, TITLE)) == 1
    forms[3]["override_reason"] = "事迹特别突出，县领导小组研究同意"
    capi.post(f"/api/tasks/{tasks[3].task_id}/submit", "chengkou", json={"data": forms[3], "version": _v(v001, tasks[3])})
    assert _last_completion(v001, tasks[3].instance_id)["rules"]["override"]["reason"].startswith("事迹特别突出")
