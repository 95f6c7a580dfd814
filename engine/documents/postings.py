"""Publicity postings (张贴公示) of a campaign. One posting act completes each listed candidate's
posting task with the same form, so a posting is the group of those steps that share the step
title, the unit that posted, the start date and the scope; its id is the first of their task ids."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from engine.documents.records import CampaignRecord, CandidateRecord, Step
from engine.errors import NotFound

POSTING_FORM = "common/publicity_posting.json"


@dataclass
class Posting:
    id: str
    title: str  # the process step, e.g. 张贴全市公示
    unit: str | None  # the unit whose staff posted it (None for the office's postings)
    form: dict  # the posting form of its first step
    start: date
    last_day: date
    candidates: list[CandidateRecord]

    @property
    def working_days(self) -> int:
        return int(self.form.get("working_days") or 5)


def postings(services, campaign: CampaignRecord) -> list[Posting]:
    """Every posting with its period computed from the stored calendar."""
    groups: dict[tuple, list[tuple[Step, CandidateRecord]]] = {}
    for candidate in campaign.candidates:
        for step in candidate.steps_with_form(POSTING_FORM):
            key = (step.title, step.unit, step.data.get("start_date"), step.data.get("scope"), step.data.get("level"))
            groups.setdefault(key, []).append((step, candidate))
    calendar = services.calendar()
    convention = campaign.config.get("publicity", {}).get("convention", "posting-day")
    out = []
    for (title, unit, start, _scope, _level), items in groups.items():
        first = min(items, key=lambda i: i[0].task_id)[0]
        start_day = date.fromisoformat(start) if start else first.at.date()
        days = int(first.data.get("working_days") or campaign.config.get("publicity", {}).get("days", 5))
        out.append(Posting(first.task_id, title, unit, first.data, start_day,
                           calendar.period_last_day(start_day, days, convention), [c for _s, c in items]))
    return sorted(out, key=lambda p: (p.start, p.title))


def find(services, campaign: CampaignRecord, posting_id: str) -> Posting:
    for posting in postings(services, campaign):
        if posting.id == posting_id:
            return posting
    raise NotFound(f"本评选活动中没有公示 {posting_id}")
