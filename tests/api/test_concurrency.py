"""100 concurrent submissions of one task: exactly one succeeds, the rest are 409, and the
history holds exactly one completion."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from engine.audit import audit
from tests.api.conftest import NOMINATION

N = 100


def test_hundred_concurrent_submissions_exactly_one_wins(app, api, people, sample):
    inst = api.start()
    task_id, version = inst["ready_tasks"][0]["task_id"], inst["version"]
    barrier = threading.Barrier(N)
    # Half the callers are the unit's first handler, half a colleague: "double submission" from two desks.
    auths = [people["unit" if i % 2 else "unit2"].auth for i in range(N)]

    def submit(i):
        client = app.test_client()
        barrier.wait()
        r = client.post(f"/api/tasks/{task_id}/submit", headers=auths[i], json={"version": version, "data": NOMINATION})
        return r.status_code, (r.get_json() or {}).get("code")

    with ThreadPoolExecutor(max_workers=N) as pool:
        results = list(pool.map(submit, range(N)))
    statuses = sorted(s for s, _ in results)
    assert statuses.count(200) == 1, results
    assert statuses.count(409) == N - 1, results
    assert {code for s, code in results if s == 409} == {"conflict"}
    timeline = api.get(f"/api/audit/instances/{inst['id']}/events", "auditor").json["events"]
    assert [e["type"] for e in timeline] == ["instance_started", "task_completed"]
    assert audit.replay(sample, inst["id"]).ok
