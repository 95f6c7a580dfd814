"""/api/campaigns and /api/candidates over variant 001 (制造强市): create a campaign, nominate within
quotas, the dashboard, a review list against ratio caps (preview, refusal, override), a publicity
posting and objections. Steps that are not under test are driven by the simulated staff."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.campaigns.campaign_models import Candidate
from engine.config import REPO_ROOT
from engine.errors import ValidationFailed
from engine.people import users
from engine.runtime.spiff import find_task
from engine.storage.models import Event, HumanTask
from engine.timekeeping.timers import sweep
from pingxuan.actors import Actors
from tests.api.conftest import Person
from tests.conftest import deploy_folder

DEMO = REPO_ROOT / "demo" / "forms"
# Moved notice dates so the run fits the fixtures' clock (late September 2025) and tokens.
DEADLINES = {"submit_by": "2025-11-28"}


def demo(name: str) -> dict:
    return json.loads((DEMO / name).read_text(encoding="utf-8"))


@pytest.fixture
def v001(services):
    deploy_folder(services, REPO_ROOT / "processes" / "001")
    return services


@pytest.fixture
def capi(v001, api, people, clock):
    """The API helper, with staff of two 001 units besides the shared people."""
    with v001.db.transaction() as session:
        for name, unit in (("yuzhong", "渝中区"), ("chengkou", "城口县")):
            p = users.create_user(session, name, "staff", clock(), unit=unit)
            raw, _ = users.issue_token(session, p.id, clock(), ttl=timedelta(days=365))
            people[name] = Person(name, "staff", unit, raw)
    return api


def create(capi, who="office", **body) -> str:
    body = {"variant": "001", "deadlines": DEADLINES, **body}
    return capi.post("/api/campaigns", who, 201, json=body).json["id"]


def nominate(capi, cid, name, who="yuzhong", award_type="individual", tags=(), expect=201, **extra):
    body = {"award_type": award_type, "candidate_type": "国有企业", "name": name, "tags": list(tags), **extra}
    return capi.post(f"/api/campaigns/{cid}/candidates", who, expect, json=body)


def open_tasks(services, cid, title=None) -> list[HumanTask]:
    with services.db.transaction(write=False) as s:
        query = (select(HumanTask).join(Candidate, Candidate.id == HumanTask.instance_id)
                 .where(Candidate.campaign_id == cid, HumanTask.state == "ready").order_by(HumanTask.created_at))
        if title:
            query = query.where(HumanTask.title == title)
        return list(s.scalars(query))


def drive_until(services, clock, cid, title, max_rounds=100) -> list[HumanTask]:
    """Let the simulated staff act (and the clock move to each timer) until `title` tasks are open."""
    actors = Actors(services)
    for _ in range(max_rounds):
        found = open_tasks(services, cid, title)
        if found:
            return found
        assert actors.step(cid, clock), f"no open task and no timer before {title}"
    raise AssertionError(f"{title} never opened")


def ref(candidate_row: dict) -> dict:
    kind = {"collective": "先进集体", "individual": "先进个人"}[candidate_row["award_type"]]
    return {"candidate_id": candidate_row["id"], "name": candidate_row["name"], "kind": kind,
            "unit": candidate_row["unit"]}


def test_create_list_show(capi):
    cid = create(capi, name="2025 年度测试评选")
    rows = capi.get("/api/campaigns", "designer").json
    assert [(r["id"], r["variant"], r["name"]) for r in rows] == [(cid, "001", "2025 年度测试评选")]
    show = capi.get(f"/api/campaigns/{cid}", "auditor").json
    assert show["award_types"] == {"collective": "先进集体", "individual": "先进个人"}
    assert "国有企业" in show["candidate_types"] and show["tags"] == []  # 001's facts are read from the forms
    assert {"unit_quota", "division_cadres", "department_pairing"} <= {r["id"] for r in show["rules"]}
    assert show["deadlines"] == DEADLINES
    assert show["publicity"] == {"days": 5, "convention": "posting-day"}
    assert show["notice"] == "渝人社〔2026〕232号" and show["created_by"] == "office"
    bad = capi.post("/api/campaigns", "admin", 422, json={"variant": "999"}).json
    assert bad["code"] == "validation_failed" and "999" in bad["detail"] and "campaign.json" in bad["detail"]
    assert capi.get("/api/campaigns/00000000-0000-0000-0000-000000000000", "office", 404).json["code"] == "not_found"


def test_nominate_as_staff_quota_and_dashboard(capi, v001):
    cid = create(capi)
    tagged = nominate(capi, cid, "自报处级", who="chengkou", tags=["处级干部"], expect=422).json
    assert "由推荐审批表的填写内容认定" in tagged["errors"]["tags"]
    view = nominate(capi, cid, "城口个人0", who="chengkou").json
    assert view["status"] == "running" and view["ready_tasks"][0]["unit"] == "城口县"
    for i in (1, 2, 3):  # 差额推荐: nominating beyond the 3 places is lawful; the forwarded list is counted
        nominate(capi, cid, f"城口个人{i}", who="chengkou")
    # The unit is the user's own: staff cannot nominate for another unit.
    assert nominate(capi, cid, "冒名", who="chengkou", expect=403, unit="渝中区").json["code"] == "forbidden"
    nominate(capi, cid, "城口集体", who="chengkou", award_type="collective")  # the other award type is open
    nominate(capi, cid, "渝中个人", who="yuzhong")
    # An administrator names the unit; without one the nomination is refused.
    nominate(capi, cid, "管理员代报", who="admin", unit="万州区")
    assert nominate(capi, cid, "无单位", who="admin", expect=422).json["errors"] == {"unit": "必填"}
    assert nominate(capi, cid, "类别不对", who="yuzhong", expect=422, award_type="station").json["errors"]["award_type"]

    page = capi.get(f"/api/campaigns/{cid}/candidates?per_page=2", "office").json
    assert page["total"] == 7 and len(page["items"]) == 2
    mine = capi.get(f"/api/campaigns/{cid}/candidates", "chengkou").json
    assert mine["total"] == 5 and {c["unit"] for c in mine["items"]} == {"城口县"}
    assert capi.get(f"/api/campaigns/{cid}/candidates", "unit").json["total"] == 0  # staff of a unit not in it
    first = mine["items"][0]
    assert first["name"] == "城口个人0" and first["stage"] == "填写先进个人推荐审批表" and first["outcome"] is None

    d = capi.get(f"/api/campaigns/{cid}/dashboard", "auditor").json
    assert d["stages"] == {"填写先进个人推荐审批表": 6, "填写先进集体推荐审批表": 1}
    assert d["outcomes"] == {"进行中": 7}
    quota = {(q["unit"], q["award_type"]): (q["used"], q["limit"]) for q in d["quotas"]}
    assert quota[("城口县", "individual")] == (4, 3) and quota[("渝中区", "individual")] == (1, 8)


def test_review_list_breaching_a_rule_needs_an_override(capi, v001, clock):
    """城口县 forwards 4 individuals on its 区县审核汇总 list (各县可推荐…3名个人): the preview shows the
    quota rule failing, the submit is refused (422) naming unit, count and quota, and goes through
    only with a reason, which the event records."""
    cid = create(capi)
    for i in range(4):
        nominate(capi, cid, f"城口个人{i}", who="chengkou")
    tasks = drive_until(v001, clock, cid, "区县审核汇总")
    assert len(tasks) == 4
    task_ids = [t.task_id for t in tasks]
    rows = {c["id"]: c for c in capi.get(f"/api/campaigns/{cid}/candidates", "office").json["items"]}
    decisions = [{"candidate_id": t.instance_id, "candidate_name": rows[t.instance_id]["name"], "decision": "通过"}
                 for t in tasks]
    preview = capi.post(f"/api/campaigns/{cid}/reviews/preview", "chengkou",
                        json={"task_ids": task_ids, "decisions": decisions}).json
    assert preview["approved"] == 4 and not preview["ok"]
    quota = next(r for r in preview["rules"] if r["id"] == "unit_quota" and r["group"] == "城口县"
                 and r["value"].startswith("先进个人"))
    assert not quota["ok"] and quota["force"] == "binding" and "名额 3 个" in quota["description"]
    fixed = [dict(d, decision="不通过", reason="差额评选未入选") if i == 0 else d for i, d in enumerate(decisions)]
    assert capi.post(f"/api/campaigns/{cid}/reviews/preview", "chengkou",
                     json={"task_ids": task_ids, "decisions": fixed}).json["ok"] is True
    assert capi.post(f"/api/campaigns/{cid}/reviews/preview", "yuzhong", 403,
                     json={"task_ids": task_ids, "decisions": decisions}).json["code"] == "forbidden"

    form = demo("common/review_decision.json")
    form.update(stage="审核", date="2026-06-20", decisions=decisions)
    body = {"task_ids": task_ids, "form": form}
    refused = capi.post(f"/api/campaigns/{cid}/reviews", "chengkou", 422, json=body).json
    assert refused["code"] == "rule_breached" and "城口县" in refused["detail"] and "先进个人 4 个" in refused["detail"]
    assert any(not c["ok"] and c["id"] == "unit_quota" for c in refused["caps"])
    assert len(open_tasks(v001, cid, "区县审核汇总")) == 4  # nothing was submitted
    reason = "四名同志事迹均特别突出，县领导小组研究同意"
    done = capi.post(f"/api/campaigns/{cid}/reviews", "chengkou", json={**body, "override_reason": reason}).json
    assert len(done["results"]) == 4 and not open_tasks(v001, cid, "区县审核汇总")
    with v001.db.transaction(write=False) as s:
        payload = s.scalar(select(Event.payload).where(Event.instance_id == tasks[0].instance_id,
                                                       Event.type == "task_completed").order_by(Event.seq.desc()).limit(1))
    assert payload["rules"]["override"]["reason"] == reason


def test_publicity_posting_and_objections(capi, v001, clock):
    cid = create(capi)
    a = nominate(capi, cid, "公示对象甲").json
    b = nominate(capi, cid, "公示对象乙").json
    other = nominate(capi, cid, "城口对象", who="chengkou").json
    # Outside a publicity an objection is refused with 409.
    objection = demo("common/objection.json")
    rows = {c["id"]: c for c in capi.get(f"/api/campaigns/{cid}/candidates", "office").json["items"]}
    refused = capi.post(f"/api/candidates/{a['id']}/objections", "office", 409,
                        json={**objection, "candidate": ref(rows[a["id"]])}).json
    assert refused["code"] == "conflict" and "不在公示期" in refused["detail"]

    # 渝中区 fills in its two recommendation forms through the task endpoint.
    for view in (a, b):
        data = demo("001/recommend_individual.json")
        data["recommending_unit"] = "渝中区"
        data["person"]["name"] = rows[view["id"]]["name"]
        capi.submit(view["ready_tasks"][0]["task_id"], "yuzhong", data, view["version"])
    postings = open_tasks(v001, cid, "张贴单位公示")
    task_ids = [t.task_id for t in postings if t.unit == "渝中区"]
    assert len(task_ids) == 2, [(t.title, t.unit, t.role) for t in postings]
    form = demo("common/publicity_posting.json")
    form.update(scope="渝中区", posted_by="渝中区", start_date="2025-09-29",
                candidates=[ref(rows[a["id"]]), ref(rows[b["id"]])])
    body = {"task_ids": task_ids, "form": form}
    assert capi.post(f"/api/campaigns/{cid}/publicity", "chengkou", 403, json=body).json["code"] == "forbidden"
    posted = capi.post(f"/api/campaigns/{cid}/publicity", "yuzhong", json=body).json
    assert {r["id"] for r in posted["results"]} == {a["id"], b["id"]}
    stage = capi.get(f"/api/campaigns/{cid}/candidates?unit=渝中区", "office").json["items"][0]["stage"]
    assert "公示中" in stage

    # Staff may lodge objections only for their own unit's candidates.
    body = {**objection, "candidate": ref(rows[a["id"]])}
    assert capi.post(f"/api/candidates/{a['id']}/objections", "chengkou", 403, json=body).json["code"] == "forbidden"
    assert capi.post(f"/api/candidates/{a['id']}/objections", "office", 422,
                     json={"content": "缺少必填项"}).json["code"] == "validation_failed"
    view = capi.post(f"/api/candidates/{a['id']}/objections", "yuzhong", json=body).json
    assert [t["title"] for t in view["ready_tasks"]] == ["核实异议"]
    # Lodging returns the objection's id; its verification form carries it, decided by the process.
    verify = view["ready_tasks"][0]["task_id"]
    # An objection to the unit's own publicity is verified by that unit (it posted it), not the office.
    assert (view["ready_tasks"][0]["role"], view["ready_tasks"][0]["unit"]) == ("staff", "渝中区")
    finding = demo("common/objection_verification.json") | {"candidate": ref(rows[a["id"]]), "upheld": False,
                                                             "reason": "反映问题不属实。", "handling": "继续推荐。"}
    finding.pop("objection_id", None)
    capi.submit(verify, "office", finding, view["version"], expect=403)
    capi.submit(verify, "chengkou", finding, view["version"], expect=403)
    assert capi.get(f"/api/tasks/{verify}/form", "yuzhong").json["schema"]["properties"]["objection_id"]["readOnly"]
    wf = v001.runtime.workflow(a["id"])
    assert find_task(wf, verify).data["objection"]["objection_id"] == view["objection_id"]
    events = capi.get(f"/api/audit/instances/{a['id']}/events", "auditor").json["events"]
    assert "not_waiting" not in events[-1]["payload"]
    assert capi.post("/api/candidates/00000000-0000-0000-0000-000000000000/objections", "office", 404,
                     json=body).json["code"] == "not_found"
    assert other["id"] not in {r["id"] for r in posted["results"]}


def posting_ready(capi, v001, name):
    """A 渝中区 candidate whose 审批表 is in, with its unit publicity's posting task open and a form."""
    cid = create(capi)
    view = nominate(capi, cid, name).json
    row = capi.get(f"/api/campaigns/{cid}/candidates", "office").json["items"][0]
    data = demo("001/recommend_individual.json")
    data["recommending_unit"], data["person"]["name"] = "渝中区", name
    capi.submit(view["ready_tasks"][0]["task_id"], "yuzhong", data, view["version"])
    [posting] = open_tasks(v001, cid, "张贴单位公示")
    form = demo("common/publicity_posting.json")
    form.update(scope="渝中区", posted_by="渝中区", candidates=[ref(row)])
    return cid, view, posting, form


def test_a_publicity_cannot_be_backdated_past_its_period(capi, v001, clock):
    """Defect: a posting dated last week ended at once and the candidate skipped its 5 working days.
    The command refuses a start date before today, by list or alone; an administrator may correct
    a past date with a reason, and the event records it."""
    cid, view, posting, form = posting_ready(capi, v001, "补录对象")
    form["start_date"] = "2025-09-19"  # a week ago
    before = capi.task(posting.task_id, "yuzhong")["version"]

    refused = capi.post(f"/api/campaigns/{cid}/publicity", "yuzhong", 422,
                        json={"task_ids": [posting.task_id], "form": form}).json
    assert refused["errors"] == {"start_date": "不能早于今天（2025年9月26日）；更正已过去的日期须由系统管理员办理并说明理由"}
    assert refused["labels"] == {"start_date": "公示开始日期"}
    capi.submit(posting.task_id, "yuzhong", form, before, expect=422)
    # Staff cannot claim the administrator's correction.
    capi.post(f"/api/tasks/{posting.task_id}/correct", "yuzhong", 403,
              json={"version": before, "data": form, "reason": "补录"})
    assert capi.task(posting.task_id, "yuzhong")["version"] == before  # nothing changed
    assert [t.task_id for t in open_tasks(v001, cid, "张贴单位公示")] == [posting.task_id]

    capi.post(f"/api/tasks/{posting.task_id}/correct", "admin", 422, json={"version": before, "data": form, "reason": " "})
    done = capi.post(f"/api/tasks/{posting.task_id}/correct", "admin",
                     json={"version": before, "data": form, "reason": "9月19日已在单位张贴纸质公示，系统补录"}).json
    assert done["version"] == before + 1
    events = capi.get(f"/api/audit/instances/{view['id']}/events", "auditor").json
    last = [e for e in events["events"] if e["type"] == "task_completed"][-1]
    assert last["payload"]["correction"] == {"reason": "9月19日已在单位张贴纸质公示，系统补录"}
    assert last["actor"] == "admin"


def test_a_posting_dated_today_or_later_starts_its_period(capi, v001, clock):
    cid, _, posting, form = posting_ready(capi, v001, "当日公示")
    form["start_date"] = "2025-09-26"
    capi.post(f"/api/campaigns/{cid}/publicity", "yuzhong", json={"task_ids": [posting.task_id], "form": form})
    stage = capi.get(f"/api/campaigns/{cid}/candidates", "office").json["items"][0]["stage"]
    assert "公示中（至 2025-10-" in stage  # five working days across National Day, not over at once


def test_a_department_sees_whom_it_vets_and_answers_only_as_itself(capi, v001, clock, people):
    """Defect: an opinion form held only the department, typed by hand: the candidate was not shown
    and a 纪检监察 user could answer as 公安. The form now carries the candidate's facts and the
    process's department and candidate; a submission that says otherwise is refused."""
    with v001.db.transaction() as session:
        for name, unit in (("zuzhi", "组织人事"), ("jijian2", "纪检监察")):
            p = users.create_user(session, name, "staff", clock(), unit=unit)
            raw, _ = users.issue_token(session, p.id, clock(), ttl=timedelta(days=365))
            people[name] = Person(name, "staff", unit, raw)
    cid = create(capi)
    view = nominate(capi, cid, "被征求意见对象", candidate_type="机关事业单位").json
    task = next(t for t in drive_until(v001, clock, cid, "填写征求意见表") if t.unit == "纪检监察")

    form = capi.get(f"/api/tasks/{task.task_id}/form", "jijian2").json
    assert form["data"]["department"] == "纪检监察"
    assert form["data"]["candidate"]["candidate_id"] == view["id"]
    assert form["data"]["candidate"]["name"] == "被征求意见对象"
    assert form["subject"]["name"] == "被征求意见对象" and form["subject"]["unit"] == "渝中区"
    assert form["subject"]["form"] == "001/recommend_individual.json"
    assert form["subject"]["data"]["person"]["name"]  # the 审批表 as submitted, for reading beside the form
    assert "$ref" not in json.dumps(form["subject"]["schema"])
    assert capi.get(f"/api/tasks/{task.task_id}/form", "zuzhi", 403)  # another department's task

    answer = {**form["data"], "department_type": "纪检监察",
              "opinion": {"adverse": False, "opinion": "同意推荐", "date": "2025-09-26"}}
    before = capi.task(task.task_id, "jijian2")["version"]
    as_other = capi.submit(task.task_id, "jijian2", {**answer, "department": "公安"}, before, expect=422).json
    assert as_other["errors"] == {"department": "由流程确定为“纪检监察”，不能更改"}
    other = {**answer, "candidate": {**answer["candidate"], "candidate_id": "another"}}
    assert "candidate.candidate_id" in capi.submit(task.task_id, "jijian2", other, before, expect=422).json["errors"]
    assert capi.task(task.task_id, "jijian2")["version"] == before

    without = {k: v for k, v in answer.items() if k != "department"}
    capi.submit(task.task_id, "jijian2", without, before)  # the process fills in the department
    wf = v001.runtime.workflow(view["id"])
    answered = find_task(wf, task.task_id).data
    assert answered["department"] == answered["opinion"]["department"] == "纪检监察"


def test_deadline_overrides_are_limited_to_the_notice_dates(capi, v001):
    """A deadline key joins every nomination's start data: naming a routing field would send
    every first task to a unit nobody belongs to."""
    from tests.api.hostile import fingerprint

    before = fingerprint(v001.db)
    r = capi.post("/api/campaigns", "office", 422,
                  json={"variant": "001", "deadlines": {"recommending_unit": "2026-01-01"}})
    assert "deadlines.recommending_unit" in r.json["errors"] and "submit_by" in r.json["errors"]["deadlines.recommending_unit"]
    assert fingerprint(v001.db) == before
    cid = create(capi)
    with pytest.raises(ValidationFailed) as refused:
        v001.campaigns.nominate(cid, unit="渝中区", award_type="individual", candidate_type="国有企业", name="甲",
                                actor="cli", data={"reviewing_unit": "别处", "submit_by": "2030-01-01"})
    assert set(refused.value.field_errors) == {"data.reviewing_unit", "data.submit_by"}


def test_a_retried_nomination_with_its_key_nominates_once(capi, v001):
    cid = create(capi)
    body = {"award_type": "individual", "candidate_type": "国有企业", "name": "重试者", "tags": []}
    first = capi.post(f"/api/campaigns/{cid}/candidates", "yuzhong", 201, json=body, headers={"Idempotency-Key": "n-1"})
    again = capi.post(f"/api/campaigns/{cid}/candidates", "yuzhong", 201, json=body, headers={"Idempotency-Key": "n-1"})
    assert again.json == first.json and again.headers["Idempotent-Replayed"] == "true"
    with v001.db.transaction(write=False) as s:
        assert s.scalars(select(Candidate.name).where(Candidate.campaign_id == cid)).all() == ["重试者"]


def test_the_instance_view_and_the_inbox_agree_on_every_due_date(capi, v001, clock):
    """At every step of a 001 candidate, GET /api/instances/{id} shows the same due dates as the
    inbox (the walkthrough saw `due_at: null` in one while the other showed a deadline)."""
    cid = create(capi)
    iid = nominate(capi, cid, "张三").json["id"]
    actors, dated = Actors(v001), 0
    for _ in range(60):
        view = capi.get(f"/api/instances/{iid}", "office").json["ready_tasks"]
        inbox = capi.get("/api/tasks", "auditor", query_string={"instance_id": iid}).json["items"]
        assert {t["task_id"]: t["due_at"] for t in view} == {t["task_id"]: t["due_at"] for t in inbox}
        dated += sum(t["due_at"] is not None for t in view)
        if not actors.step(cid, clock):
            break
    assert dated >= 8  # the nomination deadline and the opinion rounds' deadlines were seen
