"""Stress: every department answers every candidate at once (issue 9, item 4).

Candidates of 000 (国有企业) reach the 区县 opinion round, opened by a timer sweep in one process (the
timer worker); then all of their opinion tasks are completed at the same moment from threads, half
through the HTTP API of a second process (the web server, the department's version sent, 409
answered by reloading and sending again) and half through the runtime of a third (versionless, the
runtime working a moved command out again). Afterwards no candidate may be stuck, each opinion is
recorded once, and every history must replay to its stored snapshot."""
from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import select

from api import create_app
from engine.audit import audit_scan
from engine.campaigns.campaign_models import Candidate
from engine.config import REPO_ROOT, Settings
from engine.errors import Conflict
from engine.people import users
from engine.services import build
from engine.storage.models import Event, HumanTask, Timer
from engine.timekeeping.timers import sweep
from pingxuan.actors import Actors
from tests.conftest import deploy_folder
from tests.scenarios.test_000 import V000

CANDIDATES = 10  # x 3 departments (纪检监察, 组织人事, 审计) = 30 tasks on 10 instances at once
THREADS = 16
OPINION_FORM = "common/department_opinion.json"
ATTEMPTS = 60  # per task: a 409 or a command given up after five moves is tried again


def another_process(services):
    """Services as a separate process builds them: own runtime, spec library and workflow cache."""
    return build(Settings(database_url=services.db.url), db=services.db, clock=services.runtime.clock)


def open_opinion_rounds(services, clock) -> tuple[str, list[str]]:
    clock.set(V000["start"])
    deploy_folder(services, REPO_ROOT / "processes" / "000")
    campaign_id = services.campaigns.create("000", "专班办公室", quota_scale=CANDIDATES)
    ids = [services.campaigns.nominate(campaign_id, unit=V000["unit"], award_type="collective",
                                       candidate_type="国有企业", name=f"某某铝业公司第{i + 1}车间",
                                       actor="推荐单位经办人").id for i in range(CANDIDATES)]
    actors = Actors(services)
    while actors.act(campaign_id):  # the nomination forms and the unit publicity posting
        pass
    with services.db.transaction(write=False) as session:
        due = session.scalar(select(Timer.due_at).where(Timer.status == "waiting").order_by(Timer.due_at))
    clock.set(due + timedelta(seconds=1))
    assert sweep(services.runtime) == CANDIDATES  # the timer worker opens every round
    return campaign_id, ids


def opinion_tasks(services) -> list[HumanTask]:
    with services.db.transaction(write=False) as session:
        return list(session.scalars(select(HumanTask).where(HumanTask.state == "ready", HumanTask.form == OPINION_FORM)))


def department_tokens(services, departments) -> dict[str, dict]:
    clock = services.runtime.clock
    headers = {}
    with services.db.transaction() as session:
        for department in sorted(departments):
            person = users.create_user(session, f"dept-{department}", "staff", clock(), unit=department)
            raw, _ = users.issue_token(session, person.id, clock(), ttl=timedelta(days=365))
            headers[department] = {"Authorization": f"Bearer {raw}"}
    return headers


def test_all_opinions_at_once_leave_no_candidate_stuck_and_every_history_replays(services, clock):
    campaign_id, ids = open_opinion_rounds(services, clock)
    tasks = opinion_tasks(services)
    assert len(tasks) == 3 * CANDIDATES and {t.instance_id for t in tasks} == set(ids)
    web, worker = another_process(services), another_process(services)
    app = create_app(web)
    auth = department_tokens(services, {t.unit for t in tasks})
    answers = Actors(worker)
    with services.db.transaction(write=False) as session:
        candidates = {c.id: c for c in session.scalars(select(Candidate).where(Candidate.campaign_id == campaign_id))}
    outcomes: Counter = Counter()
    start = threading.Barrier(min(THREADS, len(tasks)))

    def through_api(task: HumanTask, data: dict) -> str:
        client = app.test_client()
        for _ in range(ATTEMPTS):
            version = client.get(f"/api/tasks/{task.task_id}", headers=auth[task.unit]).get_json()["version"]
            response = client.post(f"/api/tasks/{task.task_id}/submit", headers=auth[task.unit],
                                   json={"version": version, "data": data})
            if response.status_code != 409:
                return f"api {response.status_code}"
            outcomes["api 409 (retried)"] += 1
        return "api gave up"

    def through_runtime(task: HumanTask, data: dict) -> str:
        for _ in range(ATTEMPTS):
            try:
                worker.runtime.complete_task(task.instance_id, task.task_id, data, f"dept-{task.unit}", None)
                return "runtime ok"
            except Conflict:
                outcomes["runtime conflict (retried)"] += 1
        return "runtime gave up"

    def answer(i: int) -> str:
        task = tasks[i]
        data = answers._answer(task, candidates[task.instance_id])
        if i < THREADS:
            start.wait()
        return (through_api if i % 2 else through_runtime)(task, data)

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        results = Counter(pool.map(answer, range(len(tasks))))
    assert results == {"api 200": len(tasks) // 2, "runtime ok": len(tasks) - len(tasks) // 2}, (results, outcomes)

    with services.db.transaction(write=False) as session:
        completions = Counter(e.payload["task_id"] for e in session.scalars(
            select(Event).where(Event.type == "task_completed", Event.instance_id.in_(ids))))
        stages = dict(session.execute(select(Candidate.id, Candidate.stage).where(Candidate.id.in_(ids))).all())
    assert all(completions[t.task_id] == 1 for t in tasks)  # each opinion recorded once
    for instance_id in ids:  # nobody stuck: the 区县 review is open, in the workflow and in the read model
        view = web.runtime.instance(instance_id)
        assert [t["title"] for t in view.ready_tasks] == ["区县审核筛选"], (instance_id, view)
        assert stages[instance_id] == "区县审核筛选"
        review = next(t for t in web.runtime.workflow(instance_id).get_tasks(spec_name="Task_31"))
        assert sorted(o["department"] for o in review.data["opinions"]) == ["审计", "纪检监察", "组织人事"]
    report = audit_scan.scan(services, audit_scan.instances_to_scan(services, campaign_id))
    assert report.checked == CANDIDATES and report.ok, report.failures
