"""What the campaign pages read: the list of campaigns, one campaign's settings, its candidates.
Plain dataclasses, so the HTTP layer shapes answers without touching the database."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.campaigns.campaign_models import Campaign, Candidate
from engine.errors import NotFound
from engine.people.access import Principal


@dataclass(frozen=True)
class CampaignRow:
    id: str
    variant: str
    name: str
    created_at: datetime


@dataclass(frozen=True)
class CampaignSummary:
    id: str
    variant: str
    name: str
    title: str
    notice: str
    process_id: str
    created_at: datetime
    created_by: str
    award_types: dict
    candidate_types: list
    tags: list
    deadlines: dict
    publicity: dict
    ratio_caps: list
    facts: list = field(default_factory=list)  # the variant's facts and rules (engine.campaigns.rules, docs/rules.md)
    rules: list = field(default_factory=list)


@dataclass(frozen=True)
class CandidateRow:
    id: str
    name: str
    unit: str
    award_type: str
    candidate_type: str
    tags: list
    stage: str
    outcome: str | None
    outcome_reason: str | None
    created_at: datetime


@dataclass(frozen=True)
class CandidateFilter:
    unit: str | None = None
    award_type: str | None = None
    stage: str | None = None
    page: int = 1
    per_page: int = 50


@dataclass
class CandidatePage:
    items: list[CandidateRow] = field(default_factory=list)
    total: int = 0
    page: int = 1
    per_page: int = 50


def get_campaign(session: Session, campaign_id: str) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound(f"评选活动 {campaign_id} 不存在")
    return campaign


def listing(services) -> list[CampaignRow]:
    """Every campaign, newest first."""
    with services.db.transaction(write=False) as session:
        rows = session.scalars(select(Campaign).order_by(Campaign.created_at.desc(), Campaign.id)).all()
        return [CampaignRow(c.id, c.variant, c.name, c.created_at) for c in rows]


def summary(services, campaign_id: str) -> CampaignSummary:
    with services.db.transaction(write=False) as session:
        c = get_campaign(session, campaign_id)
        config = c.config
    return CampaignSummary(
        c.id, c.variant, c.name, config["title"], config["notice"], config["process_id"], c.created_at,
        c.created_by, config["award_types"], config["candidate_types"], config.get("tags", []),
        config["deadlines"], config["publicity"],
        [{k: cap.get(k) for k in ("id", "label", "tag", "scope", "max", "min")} for cap in config.get("ratio_caps", [])],
        config.get("facts", []), config.get("rules", []))


def candidates(services, principal: Principal, campaign_id: str, f: CandidateFilter) -> CandidatePage:
    """A page of the campaign's candidates; a unit's staff see only their own unit's."""
    with services.db.transaction(write=False) as session:
        get_campaign(session, campaign_id)
        where = [Candidate.campaign_id == campaign_id]
        if principal.role == "staff":
            where.append(Candidate.unit == (principal.unit or ""))
        if f.unit:
            where.append(Candidate.unit == f.unit)
        if f.award_type:
            where.append(Candidate.award_type == f.award_type)
        if f.stage:
            where.append(Candidate.stage == f.stage)
        total = session.scalar(select(func.count()).select_from(Candidate).where(*where))
        rows = session.scalars(select(Candidate).where(*where)
                               .order_by(Candidate.created_at, Candidate.name, Candidate.id)
                               .offset((f.page - 1) * f.per_page).limit(f.per_page)).all()
        items = [CandidateRow(c.id, c.name, c.unit, c.award_type, c.candidate_type, list(c.tags or []), c.stage,
                              c.outcome, c.outcome_reason, c.created_at) for c in rows]
    return CandidatePage(items, total, f.page, f.per_page)


def candidate_unit(services, candidate_id: str) -> str:
    """The recommending unit of a candidate (who may act on its behalf)."""
    with services.db.transaction(write=False) as session:
        unit = session.scalar(select(Candidate.unit).where(Candidate.id == candidate_id))
    if unit is None:
        raise NotFound(f"推荐对象 {candidate_id} 不存在")
    return unit
