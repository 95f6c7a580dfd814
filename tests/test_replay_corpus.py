"""The replay corpus (tests/replay_corpus/): every recorded history, on each database, replays on
today's engine to the snapshot it was stored with. A failure here means an old instance in
production would no longer verify (or would move differently from now on): a change to the
appliers, the stepping, the determinism seams, the host functions or the calendar, or a
SpiffWorkflow upgrade. Do not re-record to make it pass; see tests/replay_corpus/README.md."""
from __future__ import annotations

import copy
import json
import subprocess
import sys
import uuid
from collections import Counter
from datetime import datetime, timezone

import pytest

from engine.config import REPO_ROOT, Settings
from engine.runtime import appliers, determinism
from engine.services import build, seed_calendar
from engine.storage.db import Database
from engine.storage.eventlog import canonical, chain_hash
from engine.storage.models import Base
from tests import replay_corpus
from tests.conftest import BACKENDS, PgSchema

ENTRIES = replay_corpus.entry_paths()
VARIANTS = ["000", "001", "002", "003", "004"]


@pytest.fixture(scope="module", params=BACKENDS)
def corpus_services(request, tmp_path_factory):
    """One database per backend for the whole corpus (each entry is its own instance there)."""
    schema = None
    if request.param == "sqlite":
        db = Database(f"sqlite:///{tmp_path_factory.mktemp('corpus') / 'corpus.db'}")
    else:
        schema = PgSchema()
        db = schema.database()
    Base.metadata.create_all(db.engine)
    seed_calendar(db)
    yield build(Settings(database_url=db.url), db=db, clock=lambda: datetime.now(timezone.utc))
    db.dispose()
    if schema is not None:
        schema.drop()


def check(services, entry: dict, files: dict | None = None) -> list[str]:
    return replay_corpus.check(services, entry, files if files is not None else replay_corpus.bundle_files(entry["bundle"]))


@pytest.mark.parametrize("path", ENTRIES, ids=replay_corpus.entry_name)
def test_recorded_history_replays_to_its_stored_snapshot(corpus_services, path):
    problems = check(corpus_services, replay_corpus.read_json(path))
    assert not problems, f"{replay_corpus.entry_name(path)}: {len(problems)} differences, first: {problems[:3]}"


def test_the_corpus_covers_every_variant_and_each_kind_of_event():
    entries = [replay_corpus.read_json(p) for p in ENTRIES]
    assert {e["deployment"] for e in entries} >= set(VARIANTS)
    kinds = Counter(event["type"] for e in entries for event in e["events"])
    assert {"instance_started", "task_completed", "timers_fired", "message_received", "task_returned",
            "task_withdrawn", "task_reassigned"} <= set(kinds)
    overrides = [e for e in entries if any("ratio_override" in (event["payload"].get("data") or {})
                                           for event in e["events"])]
    assert overrides, "no history with a recorded ratio-cap override"
    for variant in VARIANTS:  # several histories per variant, most of them run to an end
        mine = [e for e in entries if e["deployment"] == variant]
        assert len(mine) >= 5 and sum(e["snapshot"]["completed"] for e in mine) >= 3, variant
    size = sum(p.stat().st_size for p in replay_corpus.CORPUS.rglob("*.json.gz"))
    assert size < 5_000_000, f"the corpus grew to {size} bytes; keep it to a few MB"


# --- the check must fail when anything recorded is altered --------------------------------------

@pytest.fixture(scope="module")
def sample_entry() -> dict:
    """A short history with a timer, a message or a reset in it (cheap to tamper with)."""
    entries = [replay_corpus.read_json(p) for p in ENTRIES]
    rich = [e for e in entries if {"timers_fired", "task_completed"} <= {event["type"] for event in e["events"]}]
    return min(rich, key=lambda e: len(json.dumps(e)))


def rehash(entry: dict) -> dict:
    """Recompute the chain after an edit, as a forger with database access would."""
    previous = "0" * 64
    for event in entry["events"]:
        event["prev_hash"] = previous
        event["hash"] = previous = chain_hash(previous, canonical(
            entry["instance"]["id"], event["seq"], event["type"], event["actor"],
            datetime.fromisoformat(event["at"]), event["payload"]))
    entry["instance"]["last_hash"], entry["instance"]["last_seq"] = previous, len(entry["events"])
    return entry


def completion(entry: dict) -> dict:
    return next(e for e in entry["events"] if e["type"] == "task_completed" and e["payload"].get("data"))


def test_an_unaltered_entry_passes_and_a_second_check_too(corpus_services, sample_entry):
    assert check(corpus_services, copy.deepcopy(sample_entry)) == []
    assert check(corpus_services, copy.deepcopy(sample_entry)) == []


def test_an_event_altered_in_place_breaks_the_chain(corpus_services, sample_entry):
    entry = copy.deepcopy(sample_entry)
    completion(entry)["payload"]["data"]["note"] = "事后补写"
    [problem] = check(corpus_services, entry)
    assert problem.startswith("哈希链校验失败") and "已被改动" in problem


def test_an_event_altered_and_rehashed_no_longer_replays_to_the_snapshot(corpus_services, sample_entry):
    entry = copy.deepcopy(sample_entry)
    data = completion(entry)["payload"]["data"]
    data["note"] = "事后补写"
    problems = check(corpus_services, rehash(entry))
    assert problems and any("事后补写" in p for p in problems)


def test_a_dropped_last_event_no_longer_replays_to_the_snapshot(corpus_services, sample_entry):
    entry = copy.deepcopy(sample_entry)
    entry["events"].pop()
    assert check(corpus_services, rehash(entry))


def test_an_altered_snapshot_is_a_difference(corpus_services, sample_entry):
    entry = copy.deepcopy(sample_entry)
    tasks = entry["snapshot"]["tasks"][""]
    task_id, task = next(iter(sorted(tasks.items())))
    task["state"] = 16 if task["state"] != 16 else 64
    problems = check(corpus_services, entry)
    assert any(task_id in p and "state" in p for p in problems)
    entry = copy.deepcopy(sample_entry)
    entry["snapshot"]["tasks"][""].pop(task_id)
    assert any(task_id in p and "只在重放结果中出现" in p for p in check(corpus_services, entry))


def test_an_altered_intermediate_state_is_a_difference(corpus_services, sample_entry):
    entry = copy.deepcopy(sample_entry)
    entry["steps"][1] = "0" * 64
    [problem] = check(corpus_services, entry)
    assert f"第 {entry['events'][1]['seq']} 号事件" in problem and "与录制时不同" in problem


def test_an_altered_id_counter_is_a_difference(corpus_services, sample_entry):
    entry = copy.deepcopy(sample_entry)
    entry["instance"]["id_counter"] += 1
    assert any("任务编号计数不一致" in p for p in check(corpus_services, entry))


def test_an_altered_definition_bundle_is_refused(corpus_services, sample_entry):
    files = dict(replay_corpus.bundle_files(sample_entry["bundle"]))
    name = next(n for n in sorted(files) if n.endswith(".bpmn"))
    files[name] = files[name].replace("</bpmn:definitions>", "<!-- 改动 --></bpmn:definitions>")
    [problem] = check(corpus_services, copy.deepcopy(sample_entry), files)
    assert "流程定义包的内容与其哈希" in problem


# --- and when the engine changes how an old history plays -----------------------------------------

def test_a_changed_applier_fails_the_corpus(corpus_services, sample_entry, monkeypatch):
    started = appliers.APPLIERS["instance_started"]

    def started_without_a_field(wf, payload):  # e.g. a start that stops copying one start field
        data = dict(payload.get("data") or {})
        data.pop(sorted(data)[0], None)
        started(wf, {**payload, "data": data})

    monkeypatch.setitem(appliers.APPLIERS, "instance_started", started_without_a_field)
    assert check(corpus_services, copy.deepcopy(sample_entry))


def test_a_changed_task_id_scheme_fails_the_corpus(corpus_services, sample_entry, monkeypatch):
    def other_ids(self):  # e.g. an upgrade drawing ids differently
        value = uuid.uuid5(self.namespace, f"v2-{self.counter}")
        self.issued[value] = self.counter
        self.counter += 1
        return value

    monkeypatch.setattr(determinism.IdSource, "next", other_ids)
    problems = check(corpus_services, copy.deepcopy(sample_entry))
    assert problems and ("重放失败" in problems[0] or any("只存在于存储的快照中" in p for p in problems)), problems[:2]


def test_the_recorder_records_a_scenario_and_a_later_generation_beside_it(tmp_path):
    """Recording runs on SQLite whatever the suite runs on, so this runs once."""
    def record(*args):
        return subprocess.run([sys.executable, str(REPO_ROOT / "tools" / "record_replay_corpus.py"),
                               "--corpus", str(tmp_path), "-k", "test_000_missed_deadline", *args],
                              cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)

    first = record()
    assert first.returncode == 0, first.stdout + first.stderr
    assert "1 entries written, 0 kept" in first.stdout
    [path] = replay_corpus.entry_paths(tmp_path)
    entry = replay_corpus.read_json(path)
    assert replay_corpus.entry_name(path) == "000/missed_deadline"
    assert entry["scenario"].endswith("test_000_missed_deadline[sqlite]")
    db = Database(f"sqlite:///{tmp_path / 'check.db'}")
    Base.metadata.create_all(db.engine)
    seed_calendar(db)
    services = build(Settings(database_url=db.url), db=db)
    assert check(services, entry, replay_corpus.bundle_files(entry["bundle"], tmp_path)) == []
    db.dispose()
    before = path.read_bytes()
    newer = record("--generation", "2026-12")  # the scenario again, beside the old entry
    assert "1 entries written, 0 kept" in newer.stdout
    assert [replay_corpus.entry_name(p) for p in replay_corpus.entry_paths(tmp_path)] == [
        "000/missed_deadline", "000/missed_deadline@2026-12"]
    assert path.read_bytes() == before


def test_the_recorder_keeps_an_existing_entry_unless_told_to_replace(tmp_path):
    sys.path.insert(0, str(REPO_ROOT / "tools"))
    from record_replay_corpus import Recorder

    path = tmp_path / "000" / "happy_path.json.gz"
    replay_corpus.write_json(path, {"old": True})
    bundle = {"hash": "h", "name": "000", "files": {}}
    keeping = Recorder(tmp_path, replace=False)
    keeping.save(path, {"new": True}, bundle)
    assert replay_corpus.read_json(path) == {"old": True} and keeping.kept == [path] and not keeping.written
    replacing = Recorder(tmp_path, replace=True)
    replacing.save(path, {"new": True}, bundle)
    assert replay_corpus.read_json(path) == {"new": True} and replacing.written == [path]
    assert replay_corpus.read_json(tmp_path / "bundles" / "h.json.gz") == bundle
