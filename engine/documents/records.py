"""What the documents print, read from the record: a candidate's completed steps (event payloads
joined to the task index for their titles and forms), its campaign and its photo.

Role rules are those of the data: campaign-wide roles read every candidate; a unit's staff read
(and so print) only their own recommending unit's candidates."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.campaigns.campaign_models import Campaign, Candidate
from engine.config import TIMEZONE
from engine.errors import NotFound
from engine.forms.uploads import Upload
from engine.people.access import Forbidden, Principal
from engine.storage.models import Event, HumanTask
from engine.tasks.instance_views import WIDE_READERS


@dataclass(frozen=True)
class Step:
    """One completed user task: its title in the process, its form, the unit that held it."""

    task_id: str
    title: str
    form: str | None
    unit: str | None
    actor: str
    at: datetime
    data: dict

    @property
    def day(self) -> str:
        return self.at.astimezone(TIMEZONE).date().isoformat()


@dataclass
class CandidateRecord:
    id: str
    campaign_id: str
    variant: str
    campaign_name: str
    unit: str
    award_type: str
    award_label: str
    candidate_type: str
    name: str
    tags: list[str]
    stage: str
    outcome: str | None
    outcome_reason: str | None
    created_at: datetime
    steps: list[Step] = field(default_factory=list)
    objections: list[dict] = field(default_factory=list)  # the 异议 messages received

    def steps_titled(self, title: str) -> list[Step]:
        return [s for s in self.steps if s.title == title]

    def steps_with_form(self, form: str) -> list[Step]:
        return [s for s in self.steps if s.form == form]


@dataclass(frozen=True)
class CampaignRecord:
    id: str
    variant: str
    name: str
    config: dict
    created_at: datetime
    candidates: list[CandidateRecord]


def may_print_unit(principal: Principal, unit: str) -> bool:
    if principal.role in WIDE_READERS:
        return True
    return principal.role == "staff" and principal.unit is not None and principal.unit == unit


def candidate(services, principal: Principal, candidate_id: str) -> CandidateRecord:
    with services.db.transaction(write=False) as session:
        row = session.get(Candidate, candidate_id) if len(str(candidate_id)) <= 36 else None
        if row is None:
            raise NotFound(f"推荐对象 {candidate_id} 不存在")
        if not may_print_unit(principal, row.unit):
            raise Forbidden("您只能打印本单位推荐对象的材料")
        campaign = session.get(Campaign, row.campaign_id)
        return _records(session, campaign, [row])[0]


def campaign(services, principal: Principal, campaign_id: str, unit: str | None = None,
             wide_only: bool = False) -> CampaignRecord:
    """The campaign's candidates in recommendation order (unit, then nomination time). Staff see
    their own unit's only; `wide_only` documents (the report, the decision) need a campaign-wide role."""
    if wide_only and principal.role not in WIDE_READERS:
        raise Forbidden("该材料须由评选表彰工作专班办公室或领导机构生成")
    if principal.role not in WIDE_READERS:
        if principal.role != "staff" or principal.unit is None or unit not in (None, principal.unit):
            raise Forbidden("您只能打印本单位推荐对象的材料")
        unit = principal.unit
    with services.db.transaction(write=False) as session:
        row = session.get(Campaign, campaign_id) if len(str(campaign_id)) <= 36 else None
        if row is None:
            raise NotFound(f"评选活动 {campaign_id} 不存在")
        query = select(Candidate).where(Candidate.campaign_id == campaign_id)
        if unit is not None:
            query = query.where(Candidate.unit == unit)
        rows = list(session.scalars(query.order_by(Candidate.unit, Candidate.created_at, Candidate.name)))
        return CampaignRecord(row.id, row.variant, row.name, row.config, row.created_at, _records(session, row, rows))


def photo(services, record: CandidateRecord, form_data: dict) -> bytes | None:
    """The uploaded photo the form names (`photo.upload_id`), if it was uploaded."""
    upload_id = (form_data.get("photo") or {}).get("upload_id")
    if not upload_id:
        return None
    with services.db.transaction(write=False) as session:
        upload = session.get(Upload, upload_id)
        return upload.content if upload is not None else None


def _records(session: Session, campaign: Campaign, rows: list[Candidate]) -> list[CandidateRecord]:
    ids = [r.id for r in rows]
    steps: dict[str, list[Step]] = {i: [] for i in ids}
    objections: dict[str, list[dict]] = {i: [] for i in ids}
    for chunk in _chunks(ids, 500):
        tasks = {t.task_id: t for t in session.execute(
            select(HumanTask.task_id, HumanTask.title, HumanTask.form, HumanTask.unit)
            .where(HumanTask.instance_id.in_(chunk)))}
        events = session.execute(select(Event.instance_id, Event.type, Event.actor, Event.at, Event.payload)
                                 .where(Event.instance_id.in_(chunk), Event.type.in_(("task_completed", "message_received")))
                                 .order_by(Event.instance_id, Event.seq))
        for e in events:
            if e.type == "task_completed":
                task = tasks.get(e.payload.get("task_id"))
                if task is not None:
                    steps[e.instance_id].append(Step(task.task_id, task.title, task.form, task.unit, e.actor, e.at,
                                                     e.payload.get("data") or {}))
            elif e.payload.get("name") == "异议":
                objections[e.instance_id].append(e.payload.get("payload") or {})
    labels = campaign.config.get("award_types", {})
    return [CandidateRecord(r.id, r.campaign_id, campaign.variant, campaign.name, r.unit, r.award_type,
                            labels.get(r.award_type, r.award_type), r.candidate_type, r.name, list(r.tags or []),
                            r.stage, r.outcome, r.outcome_reason, r.created_at, steps[r.id], objections[r.id])
            for r in rows]


def _chunks(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i:i + size]
