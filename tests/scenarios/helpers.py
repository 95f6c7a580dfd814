"""Read helpers shared by the per-variant scenario tests."""
from __future__ import annotations

import json

from sqlalchemy import func, select

from engine.campaigns.campaign_models import Candidate
from engine.config import REPO_ROOT
from engine.storage.models import Event, HumanTask, Timer
from tests.conftest import deploy_folder


def demo(name: str) -> dict:
    return json.loads((REPO_ROOT / "demo" / "forms" / name).read_text(encoding="utf-8"))


def setup(services, clock, v: dict, start=None, deadlines: dict | None = None) -> str:
    """Deploy the variant and create its campaign (on the notice's date where a deadline falls before
    `start`; with `deadlines`, those of a campaign the office runs again later), then set the clock
    to `start` (or the variant's)."""
    clock.set(min(v.get("created", start or v["start"]), start or v["start"]))
    deploy_folder(services, REPO_ROOT / "processes" / v["variant"])
    campaign_id = services.campaigns.create(v["variant"], "专班办公室", deadlines=deadlines)
    clock.set(start or v["start"])
    return campaign_id


def candidate(services, candidate_id) -> Candidate:
    with services.db.transaction(write=False) as session:
        return session.get(Candidate, candidate_id)


def candidate_count(services, campaign_id) -> int:
    with services.db.transaction(write=False) as session:
        return session.scalar(select(func.count()).select_from(Candidate).where(Candidate.campaign_id == campaign_id))


def events(services, instance_id, type_=None) -> list[Event]:
    with services.db.transaction(write=False) as session:
        query = select(Event).where(Event.instance_id == instance_id).order_by(Event.seq)
        if type_:
            query = query.where(Event.type == type_)
        return list(session.scalars(query))


def ready_tasks(services, instance_id) -> list[HumanTask]:
    with services.db.transaction(write=False) as session:
        return list(session.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                             HumanTask.state == "ready")))


def waiting_timers(services, instance_id) -> list[Timer]:
    with services.db.transaction(write=False) as session:
        return list(session.scalars(select(Timer).where(Timer.instance_id == instance_id, Timer.status == "waiting")))


def deadlines_after(services, v: dict, last_day: str, days: int = 30) -> dict | None:
    """A publicity ending after the notice's 报送 deadline belongs to a campaign run again that
    year: its deadlines moved (keeping their gaps) to `days` after `last_day`; None when the notice's
    own deadlines still leave time to forward."""
    from datetime import date, timedelta
    end = date.fromisoformat(last_day)
    if end < date.fromisoformat(v["deadline"]):
        return None
    return services.campaigns.deadlines_ending(v["variant"], end + timedelta(days=days))
