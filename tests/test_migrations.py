"""The Alembic migrations build exactly the schema the models describe, on both databases, and
carry stored workflows across."""
import json
from datetime import datetime, timezone

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, inspect, select

from engine.audit import audit
from engine.config import REPO_ROOT, Settings
from engine.runtime.spiff import full_state
from engine.services import build, seed_calendar
from engine.storage import migrate
from engine.storage.models import Base, Instance, SubprocessShell, TaskData, TaskSnapshot
from pingxuan.actors import Actors
from tests.conftest import deploy_folder


def test_upgrade_from_empty_matches_models(empty_db):
    migrate.upgrade(empty_db)
    migrate.upgrade(empty_db)  # idempotent
    with empty_db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def _campaign_in_publicity(db, clock):
    """A 001 candidate whose 单位公示 subprocess is under way; returns (services, campaign, instance id, state())
    where state() is the workflow as a fresh load from the database gives it."""
    migrate.upgrade(db)
    seed_calendar(db)
    clock.set(datetime(2026, 6, 15, 2, 0, tzinfo=timezone.utc))
    services = build(Settings(database_url=db.url), db=db, clock=clock)
    deploy_folder(services, REPO_ROOT / "processes" / "001")
    campaign = services.campaigns.create("001", "专班办公室")
    view = services.campaigns.nominate(campaign, unit="渝中区", award_type="individual", candidate_type="国有企业",
                                       name="张某", actor="渝中区经办人")
    for _ in range(3):  # fill the form, post the 单位公示
        Actors(services).act(campaign)

    def state():
        fresh = build(Settings(database_url=db.url), db=db, clock=clock)  # nothing cached
        return full_state(fresh.runtime.workflow(view.id))
    return services, campaign, view.id, state


def test_subprocess_shells_move_to_their_own_rows_and_back(empty_db, clock):
    """0004 splits each instance's subprocess shells out of the instance row; a workflow stored
    before it loads the same after it (and after a downgrade), and still replays."""
    services, _, instance_id, state = _campaign_in_publicity(empty_db, clock)
    before = state()
    assert before["subprocesses"], "the scenario should have reached a subprocess"
    with empty_db.transaction(write=False) as session:
        assert session.scalar(select(func.count()).select_from(SubprocessShell)) == len(before["subprocesses"])

    migrate.downgrade(empty_db, "0003")
    assert "subprocess_shells" not in inspect(empty_db.engine).get_table_names()
    with empty_db.engine.connect() as conn:
        stored = json.loads(conn.execute(select(Instance.__table__.c.snapshot)
                                         .where(Instance.__table__.c.id == instance_id)).scalar_one())
    assert stored["subprocesses"].keys() == before["subprocesses"].keys()

    migrate.upgrade(empty_db)
    assert state() == before
    assert audit.replay(services, instance_id).ok


def test_task_data_moves_to_shared_rows_and_back(empty_db, clock):
    """0005 stores each distinct task data value once; a workflow stored with data in every task
    row (before 0005) loads the same after it, and still replays and takes further commands."""
    services, campaign, instance_id, state = _campaign_in_publicity(empty_db, clock)
    before = state()
    with empty_db.transaction(write=False) as session:
        tasks = session.scalar(select(func.count()).select_from(TaskSnapshot))
        values = session.scalar(select(func.count()).select_from(TaskData))
    assert values * 3 < tasks, (values, tasks)  # most tasks share their predecessor's value

    migrate.downgrade(empty_db, "0004")
    assert "task_data" not in inspect(empty_db.engine).get_table_names()
    with empty_db.engine.connect() as conn:
        bodies = conn.execute(select(TaskSnapshot.__table__.c.body)).scalars().all()
    assert len(bodies) == tasks and all("data" in json.loads(body) for body in bodies)
    assert any(json.loads(body)["data"].get("candidate_name") == "张某" for body in bodies)

    migrate.upgrade(empty_db)
    assert state() == before
    assert audit.replay(services, instance_id).ok
    fresh = build(Settings(database_url=empty_db.url), db=empty_db, clock=clock)
    clock.advance(days=10)  # past the publicity: its end fires and the next step opens
    assert fresh.runtime.fire_timers(instance_id)
    assert Actors(fresh).act(campaign) > 0
    assert state() != before
    assert audit.replay(fresh, instance_id).ok
