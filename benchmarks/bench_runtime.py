"""Benchmarks for issue 2: the persisted runtime against raw in-memory SpiffWorkflow, same process,
same restricted script engine, measured in one run so that the ratio is meaningful on a noisy box.

(a) ms per completed user task: 10 sequential user tasks then a 10-way parallel multi-instance.
(b) per-step cost at history length 10, 100 and 1,000 of a looping user task (standard loop).

Usage: python benchmarks/bench_runtime.py [--pg URL] [--instances N] [--steps M]
Prints a Markdown table to paste into benchmarks/RESULTS.md.
"""
from __future__ import annotations

import argparse
import platform
import statistics
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import create_engine, text

from engine.definitions import definitions
from engine.runtime.runtime import Runtime
from engine.runtime.spiff import parse_bundle, specs_for
from engine.scripting.scripting import RestrictedScriptEngine
from engine.storage.db import Database
from engine.storage.models import Base

HERE = Path(__file__).parent
DEPARTMENTS = [f"部门{i}" for i in range(10)]


def script_engine():
    return RestrictedScriptEngine({}, time_limit=5.0)


def raw_workflow(folder: str, process_id: str, data: dict) -> BpmnWorkflow:
    parser, _ = parse_bundle(definitions.bundle_from_folder(HERE / "bpmn" / folder))
    specs = specs_for(parser, process_id)
    wf = BpmnWorkflow(specs.spec, specs.subprocess_specs, script_engine=script_engine())
    wf.task_tree.data.update(data)
    for t in wf.task_tree.children:
        t.data.update(data)
    wf.do_engine_steps()
    return wf


def answer(spec: str) -> dict:
    # The MI output item must not exist before the MI starts, so only opinion tasks write it.
    return {"opinion": "同意"} if spec == "Opinions" else {"note": "已办"}


def raw_complete_one(wf: BpmnWorkflow) -> bool:
    task = next(iter(wf.get_tasks(state=TaskState.READY, manual=True)), None)
    if task is None:
        return False
    task.data.update(answer(task.task_spec.bpmn_id))
    task.run()
    wf.do_engine_steps()
    return True


def make_runtime(url: str | None) -> tuple[Runtime, callable]:
    if url is None:
        tmp = tempfile.mkdtemp()
        db, cleanup = Database(f"sqlite:///{tmp}/bench.db"), (lambda: None)
    else:
        schema = f"bench_{int(time.time())}"
        admin = create_engine(url)
        with admin.begin() as c:
            c.execute(text(f"CREATE SCHEMA {schema}"))
        db = Database(url, connect_args={"options": f"-csearch_path={schema}"})

        def cleanup():
            db.dispose()
            with admin.begin() as c:
                c.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    Base.metadata.create_all(db.engine)
    with db.transaction() as s:
        for folder in ("seq_mi", "loop"):
            definitions.deploy(s, folder, definitions.bundle_from_folder(HERE / "bpmn" / folder), "bench")
    return Runtime(db, script_engine(), clock=lambda: datetime.now(timezone.utc)), cleanup


def runtime_complete_one(rt: Runtime, view):
    task = view.ready_tasks[0]
    return rt.complete_task(view.id, task["task_id"], answer(task["spec"]), "bench", view.version)


def bench_a(rt: Runtime, instances: int) -> tuple[float, float]:
    raw_times, rt_times = [], []
    for _ in range(instances):
        wf = raw_workflow("seq_mi", "bench_seq_mi", {"departments": DEPARTMENTS})
        t0, n = time.perf_counter(), 0
        while raw_complete_one(wf):
            n += 1
        raw_times.append((time.perf_counter() - t0) / n)
        view = rt.start("bench_seq_mi", {"departments": DEPARTMENTS})
        t0, n = time.perf_counter(), 0
        while view.ready_tasks:
            view = runtime_complete_one(rt, view)
            n += 1
        rt_times.append((time.perf_counter() - t0) / n)
    return statistics.median(raw_times) * 1000, statistics.median(rt_times) * 1000


def bench_b(rt: Runtime, lengths: list[int], steps: int) -> list[tuple[int, float, float]]:
    rows = []
    wf = raw_workflow("loop", "bench_loop", {})
    view = rt.start("bench_loop", {})
    done = 0
    for length in lengths:
        while done < length:  # grow both histories to `length` completed iterations, untimed
            raw_complete_one(wf)
            view = runtime_complete_one(rt, view)
            done += 1
        raw, persisted = [], []
        for _ in range(steps):  # then time single steps, alternating to share the machine's noise
            t0 = time.perf_counter()
            raw_complete_one(wf)
            raw.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            view = runtime_complete_one(rt, view)
            persisted.append(time.perf_counter() - t0)
            done += 1
        rows.append((length, statistics.median(raw) * 1000, statistics.median(persisted) * 1000))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pg", help="PostgreSQL URL, e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--instances", type=int, default=20)
    parser.add_argument("--steps", type=int, default=30)
    args = parser.parse_args()
    print(f"date: {datetime.now().astimezone().isoformat(timespec='seconds')}; machine: {platform.node()}, "
          f"{platform.processor() or platform.machine()}, python {platform.python_version()}")
    for label, url in [("SQLite", None)] + ([("PostgreSQL", args.pg)] if args.pg else []):
        rt, cleanup = make_runtime(url)
        try:
            raw, persisted = bench_a(rt, args.instances)
            print(f"\n### {label}\n\n(a) 10 sequential user tasks + 10-way parallel MI, median of {args.instances} instances\n")
            print("| in-memory ms/task | persisted ms/task | ratio |\n|---|---|---|")
            print(f"| {raw:.3f} | {persisted:.3f} | {persisted / raw:.2f}x |")
            print(f"\n(b) looping user task, median of {args.steps} steps at each history length\n")
            print("| history | in-memory ms/step | persisted ms/step | ratio |\n|---|---|---|---|")
            for length, raw, persisted in bench_b(rt, [10, 100, 1000], args.steps):
                print(f"| {length} | {raw:.3f} | {persisted:.3f} | {persisted / raw:.2f}x |")
        finally:
            cleanup()


if __name__ == "__main__":
    main()
