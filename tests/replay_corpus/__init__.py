"""The replay corpus: event histories recorded from the scenario tests, each with the definition
bundle it ran on and the snapshot it was stored with, replayed on every CI run (like Temporal's
replayer): a change to the appliers, the stepping, the determinism seams, the host functions or a
SpiffWorkflow upgrade that would change an old instance fails the build.

Layout: `<deployment name>/<scenario>.json.gz` (one instance each) and `bundles/<sha256>.json.gz`
(the bundle's files, named by `engine.definitions.definitions.content_hash`). Entries are never rewritten by
hand; `tools/record_replay_corpus.py` adds new ones (see README.md here)."""
from __future__ import annotations

import copy
import gzip
import hashlib
import json
from datetime import datetime
from importlib import metadata
from pathlib import Path

from sqlalchemy import select

from engine.definitions import definitions
from engine.storage.eventlog import events_of, verify_chain
from engine.storage.models import Deployment, Event, Instance
from engine.audit.replay import compare, rebuild
from engine.runtime.spiff import full_state

CORPUS = Path(__file__).resolve().parent
BUNDLES = CORPUS / "bundles"
FORMAT = 1


# --- reading and writing ------------------------------------------------------------------------

def read_json(path: Path) -> dict:
    return json.loads(gzip.decompress(path.read_bytes()).decode("utf-8"))


def write_json(path: Path, value: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, indent=1)
    path.write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))  # same content, same bytes


def entry_paths(corpus: Path = CORPUS) -> list[Path]:
    return sorted(p for p in corpus.glob("*/*.json.gz") if p.parent.name != BUNDLES.name)


def entry_name(path: Path) -> str:
    return f"{path.parent.name}/{path.name.removesuffix('.json.gz')}"


def bundle_files(bundle_hash: str, corpus: Path = CORPUS) -> dict[str, str] | None:
    path = corpus / BUNDLES.name / f"{bundle_hash}.json.gz"
    return read_json(path)["files"] if path.exists() else None


def state_digest(wf, counter: int) -> str:
    """A name for everything replay reproduces after an event (equal names: equal states)."""
    text = json.dumps([full_state(wf), counter], ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def replay_steps(session, instance: Instance, runtime) -> tuple[object, int, list[str]]:
    """Replay the instance's events; (final workflow, id counter, the state digest after each event)."""
    digests: list[str] = []
    wf, counter = rebuild(session, instance, runtime.specs, runtime.script_engine,
                          after_each=lambda _event, workflow, count: digests.append(state_digest(workflow, count)))
    return wf, counter, digests


def record(session, instance: Instance, scenario: str, snapshot: dict, runtime) -> tuple[dict, dict]:
    """(entry, bundle) for a stored instance: its events exactly as stored and hashed, the state
    digest after each of them, and the snapshot it is stored with (the caller has checked that
    replay reproduces it)."""
    deployment = session.get(Deployment, instance.deployment_id)
    _, _, steps = replay_steps(session, instance, runtime)
    events = [{"seq": e.seq, "type": e.type, "actor": e.actor, "at": e.at.isoformat(), "payload": e.payload,
               "prev_hash": e.prev_hash, "hash": e.hash} for e in events_of(session, instance.id)]
    entry = {
        "format": FORMAT, "scenario": scenario, "spiffworkflow": metadata.version("SpiffWorkflow"), "deployment": deployment.name, "bundle": deployment.content_hash,
        "process_id": instance.process_id,
        "instance": {"id": instance.id, "status": instance.status, "id_counter": instance.id_counter,
                     "business_key": instance.business_key, "last_seq": instance.last_seq,
                     "last_hash": instance.last_hash},
        "events": events, "steps": steps, "snapshot": snapshot,
    }
    return entry, {"hash": deployment.content_hash, "name": deployment.name, "files": deployment.files}


# --- checking -----------------------------------------------------------------------------------

def check(services, entry: dict, files: dict[str, str] | None) -> list[str]:
    """What is wrong with replaying `entry` on today's engine in `services`' database: the bundle
    must be the one hashed, the events a whole chain, and replay must pass through the recorded
    state after each event (a change that the end state hides still shows on the way) and end at
    the stored snapshot and id counter. Empty when all holds. The entry's instance is added to
    the database."""
    if files is None:
        return [f"缺少流程定义包 {entry['bundle']}"]
    if definitions.content_hash(files) != entry["bundle"]:
        return [f"流程定义包的内容与其哈希 {entry['bundle']} 不符（已被改动）"]
    runtime = services.runtime
    with services.db.transaction() as session:
        instance = _insert(session, entry, files)
    with services.db.transaction(write=False) as session:
        instance = session.get(Instance, instance.id)
        chain = verify_chain(session, instance)
        if not chain.ok:
            return [f"哈希链校验失败：{chain.reason}"]
        try:
            replayed, counter, steps = replay_steps(session, instance, runtime)
        except Exception as exc:  # noqa: BLE001  (a history that no longer replays at all is the finding)
            return [f"重放失败：{type(exc).__name__}: {exc}"]
    problems = compare(copy.deepcopy(entry["snapshot"]), full_state(replayed))
    recorded = entry["steps"]
    moved = next((i for i, (a, b) in enumerate(zip(recorded, steps)) if a != b), None)
    if moved is not None or len(recorded) != len(steps):
        at = moved if moved is not None else min(len(recorded), len(steps))
        event = entry["events"][at] if at < len(entry["events"]) else {"seq": at + 1, "type": "？"}
        problems.insert(0, f"重放在第 {event['seq']} 号事件（{event['type']}）之后的状态与录制时不同")
    if counter != entry["instance"]["id_counter"]:
        problems.append(f"任务编号计数不一致：存储为 {entry['instance']['id_counter']}，重放为 {counter}")
    return problems


def _insert(session, entry: dict, files: dict[str, str]) -> Instance:
    deployment, _ = definitions.deploy(session, entry["deployment"], files, "replay-corpus")  # as deployed then: unlinted
    known = session.get(Instance, entry["instance"]["id"])
    if known is not None:  # checked before in this database (a test's second look)
        session.execute(Event.__table__.delete().where(Event.instance_id == known.id))
        session.delete(known)
        session.flush()
    meta, events = entry["instance"], entry["events"]
    first, last = datetime.fromisoformat(events[0]["at"]), datetime.fromisoformat(events[-1]["at"])
    instance = Instance(id=meta["id"], deployment_id=deployment.id, process_id=entry["process_id"],
                        status=meta["status"], snapshot="{}", id_counter=meta["id_counter"], last_seq=meta["last_seq"],
                        last_hash=meta["last_hash"], business_key=meta["business_key"], created_at=first, updated_at=last)
    session.add(instance)
    session.flush()
    session.execute(Event.__table__.insert(), [
        {"instance_id": instance.id, "seq": e["seq"], "type": e["type"], "actor": e["actor"],
         "at": datetime.fromisoformat(e["at"]), "payload": e["payload"], "prev_hash": e["prev_hash"], "hash": e["hash"]}
        for e in events])
    return instance


def instances(session) -> list[Instance]:
    return list(session.scalars(select(Instance).order_by(Instance.created_at, Instance.id)))
