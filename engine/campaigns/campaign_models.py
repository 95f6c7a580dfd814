"""Campaigns (评选活动) and their candidates (推荐对象). A candidate is one process instance; this
table is the campaign's read model of it, kept in step by an observer of the runtime."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.storage.models import Base
from engine.timekeeping.timeutil import UTCDateTime


class Campaign(Base):
    __tablename__ = "campaigns"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    variant: Mapped[str] = mapped_column(String(20))  # folder under processes/, e.g. "001"
    name: Mapped[str] = mapped_column(String(300))
    config: Mapped[dict] = mapped_column(JSON)  # the validated campaign config, frozen at creation
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Bumped by every review list its rules checked, guarded by the value read: two lists decided
    # side by side cannot both fill the same places (the second is worked out again).
    selection_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Candidate(Base):
    __tablename__ = "candidates"
    id: Mapped[str] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id"))
    unit: Mapped[str] = mapped_column(String(200))  # recommending unit (推荐单位)
    award_type: Mapped[str] = mapped_column(String(30))  # collective | individual | suggestion | station
    candidate_type: Mapped[str] = mapped_column(String(50))  # decides the departments consulted
    name: Mapped[str] = mapped_column(String(200))
    tags: Mapped[list] = mapped_column(JSON)  # categories that ratio caps count, e.g. 处级干部
    stage: Mapped[str] = mapped_column(String(200))  # titles of the open steps, or the outcome
    outcome: Mapped[str | None] = mapped_column(String(100), nullable=True)  # name of the end event
    outcome_reason: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    __table_args__ = (Index("ix_candidates_campaign_unit", "campaign_id", "unit", "award_type"),)


class CandidateSelection(Base):
    """A candidate selected (通过) at a review step (reviewStage) of its campaign: the selected set
    at that level, over which the notice's caps, totals and quotas are counted."""
    __tablename__ = "candidate_selections"
    candidate_id: Mapped[str] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"), primary_key=True)
    stage: Mapped[str] = mapped_column(String(100), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id"))
    __table_args__ = (Index("ix_candidate_selections_campaign_stage", "campaign_id", "stage"),)
