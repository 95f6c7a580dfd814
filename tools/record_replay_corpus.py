"""Record the replay corpus (tests/replay_corpus/) from the scenario tests.

Runs tests/scenarios on SQLite with a pytest plugin that, after each passing test, exports every
instance the test left behind: its events, the definition bundle it ran on and the snapshot it is
stored with (refused if replay does not reproduce that snapshot). Instances of one test that took
the same path (same event types, same end) are recorded once.

Existing entries are kept: the corpus exists to hold old histories, so a new engine must replay
them as they are. Re-record only on purpose (a deliberate change of stored semantics, with a
migration for the instances in production): --replace.

    .venv/bin/python tools/record_replay_corpus.py               # add entries for new scenarios
    .venv/bin/python tools/record_replay_corpus.py -k 000        # only tests matching a -k expression
    .venv/bin/python tools/record_replay_corpus.py --generation 2026-12   # the scenarios again, beside the old
    .venv/bin/python tools/record_replay_corpus.py --replace     # re-record everything
"""
from __future__ import annotations

import argparse
import os
import re
import sys
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import pytest  # noqa: E402


class Recorder:
    """A pytest plugin: exports the instances of each passing test that has `services`."""

    def __init__(self, corpus: Path, replace: bool, generation: str | None = None):
        self.corpus, self.replace, self.generation = corpus, replace, generation
        self.written: list[Path] = []
        self.kept: list[Path] = []

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(self, item):
        outcome = yield
        services = item.funcargs.get("services")
        if outcome.excinfo is None and services is not None:
            self.export(item, services)

    def export(self, item, services) -> None:
        from engine.audit import audit
        from engine.runtime.spiff import full_state
        from engine.storage.models import Event, Instance
        from tests import replay_corpus

        seen: dict[str, set] = {}
        with services.db.transaction(write=False) as session:
            ids = [i.id for i in replay_corpus.instances(session)]
        for instance_id in ids:
            with services.db.transaction(write=False) as session:
                instance = session.get(Instance, instance_id)
                path_taken = (instance.status, tuple(session.scalars(
                    Event.__table__.select().with_only_columns(Event.type)
                    .where(Event.instance_id == instance_id).order_by(Event.seq))))
            report = audit.replay(services, instance_id)
            if not report.ok:
                raise RuntimeError(f"{item.nodeid}: instance {instance_id} does not replay: {report.differences[:3]}")
            snapshot = full_state(services.runtime.workflow(instance_id))
            with services.db.transaction(write=False) as session:
                instance = session.get(Instance, instance_id)
                entry, bundle = replay_corpus.record(session, instance, item.nodeid, snapshot, services.runtime)
            paths = seen.setdefault(entry["deployment"], set())
            if path_taken in paths:
                continue
            paths.add(path_taken)
            name = scenario_name(item, entry["deployment"], len(paths))
            if self.generation:
                name = f"{name}@{self.generation}"
            self.save(self.corpus / entry["deployment"] / f"{name}.json.gz", entry, bundle)

    def save(self, path: Path, entry: dict, bundle: dict) -> None:
        from tests import replay_corpus

        bundle_path = self.corpus / replay_corpus.BUNDLES.name / f"{bundle['hash']}.json.gz"
        if not bundle_path.exists():
            replay_corpus.write_json(bundle_path, bundle)
        if path.exists() and not self.replace:
            self.kept.append(path)
            return
        replay_corpus.write_json(path, entry)
        self.written.append(path)


def scenario_name(item, deployment: str, index: int) -> str:
    """`happy_path`, `publicity_across_spring_festival-2024-02-08-2024-02-20`, `happy_path-2` …"""
    from engine.config import TIMEZONE

    name = item.originalname.removeprefix("test_").removeprefix(f"{deployment}_")
    params = getattr(getattr(item, "callspec", None), "params", {})
    # A parameter that is a whole scenario (a dict of a variant's facts) names nothing a reader
    # needs and would make the file name longer than a file system allows.
    extra = [v.astimezone(TIMEZONE).date().isoformat() if isinstance(v, datetime) else str(v)
             for k, v in params.items() if k not in ("backend", "variant") and not isinstance(v, (dict, list))]
    name = "-".join([name, *extra]) + (f"-{index}" if index > 1 else "")
    return re.sub(r"[^\w.-]+", "_", name)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replace", action="store_true", help="rewrite entries that exist")
    parser.add_argument("-k", dest="keyword", help="only scenario tests matching this pytest -k expression")
    parser.add_argument("--corpus", type=Path, help="write here instead of tests/replay_corpus/")
    parser.add_argument("--generation", help="record the scenarios again beside the old entries, named "
                                             "<scenario>@GENERATION (after a change of event formats, say)")
    args = parser.parse_args()
    os.environ.pop("TEST_DATABASE_URL", None)  # recorded on SQLite; CI replays on both databases
    from tests import replay_corpus

    if args.generation and not re.fullmatch(r"[\w.-]+", args.generation):
        parser.error("--generation: letters, digits, '.', '-' and '_' only")
    recorder = Recorder(args.corpus or replay_corpus.CORPUS, args.replace, args.generation)
    pytest_args = ["-q", "-p", "no:cacheprovider", str(REPO / "tests" / "scenarios")]
    if args.keyword:
        pytest_args += ["-k", args.keyword]
    code = pytest.main(pytest_args, plugins=[recorder])
    print(f"replay corpus: {len(recorder.written)} entries written, {len(recorder.kept)} kept as they were")
    return int(code)


if __name__ == "__main__":
    sys.exit(main())
