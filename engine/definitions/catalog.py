"""Definitions (lint, deploy, versions, diagram XML) and upcoming timers, for the HTTP layer."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.definitions import definitions
from engine.errors import NotFound
from engine.storage.models import Deployment, Instance, Timer
from engine.tasks.instance_views import process_xml

MAX_FILES = 200


@dataclass
class UpcomingTimer:
    instance_id: str
    task_id: str
    spec: str
    due_at: datetime
    process_id: str
    business_key: str | None


def lint(services, files: dict[str, str]) -> list:
    from engine.lint import lint_bundle  # noqa: PLC0415  (the linter is only needed here)
    from engine.services import load_lanes  # noqa: PLC0415

    return lint_bundle(files, services.settings.forms_dir, load_lanes(services.settings))


def deploy(services, name: str, files: dict[str, str], actor: str) -> tuple[Deployment, bool]:
    return deploy_bundles(services, {name: files}, actor)[0][1:]


def deploy_bundles(services, bundles: dict[str, dict[str, str]], actor: str) -> list[tuple[str, Deployment, bool]]:
    """Lint and deploy several bundles all or nothing: one bad variant deploys none of them."""
    with services.db.transaction() as session:
        return [(name, *definitions.deploy(session, name, files, actor,
                                           lint=lambda f, name=name: lint(services, f) + lint_variant(services, name, f)))
                for name, files in bundles.items()]


def lint_variant(services, name: str, files: dict[str, str]) -> list:
    """A bundle deployed as a variant (processes/<name>/campaign.json exists): the outcomes its
    campaign config names must be end events of its process, and the deadlines its steps count to
    must be the campaign's."""
    from engine.campaigns.campaign_config import load_variant_config  # noqa: PLC0415
    from engine.lint import lint_outcomes  # noqa: PLC0415

    if not (services.settings.processes_dir / name / "campaign.json").is_file():
        return []
    config = load_variant_config(services.settings.processes_dir, name)
    return lint_outcomes(f"{name}/campaign.json", config["outcomes"], files, config["deadlines"])


def deployments(services, name: str | None = None) -> list[Deployment]:
    query = select(Deployment).order_by(Deployment.name, Deployment.version.desc())
    if name is not None:
        query = query.where(Deployment.name == name)
    with services.db.transaction(write=False) as session:
        rows = list(session.scalars(query))
    if name is not None and not rows:
        raise NotFound(f"流程定义 {name} 不存在")
    return rows


def deployment(services, deployment_id: int) -> Deployment:
    with services.db.transaction(write=False) as session:
        return _deployment(session, deployment_id)


def _deployment(session: Session, deployment_id: int) -> Deployment:
    found = session.get(Deployment, deployment_id)
    if found is None:
        raise NotFound(f"部署版本 {deployment_id} 不存在")
    return found


def diagram_xml(services, deployment_id: int, process_id: str | None) -> tuple[str, str, str]:
    """(process id, file, XML); the bundle's first process when none is named."""
    with services.db.transaction(write=False) as session:
        found = _deployment(session, deployment_id)
    process_id = process_id or found.process_ids[0]
    return (process_id, *process_xml(found, process_id))


def upcoming_timers(services, now: datetime, within: timedelta | None, limit: int) -> list[UpcomingTimer]:
    query = (select(Timer.instance_id, Timer.task_id, Timer.spec_name, Timer.due_at, Instance.process_id,
                    Instance.business_key)
             .join(Instance, Instance.id == Timer.instance_id)
             .where(Timer.status == "waiting").order_by(Timer.due_at, Timer.id).limit(limit))
    if within is not None:
        query = query.where(Timer.due_at <= now + within)
    with services.db.transaction(write=False) as session:
        return [UpcomingTimer(r.instance_id, r.task_id, r.spec_name, r.due_at, r.process_id, r.business_key)
                for r in session.execute(query)]
