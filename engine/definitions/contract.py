"""The names Python relies on in the BPMN, declared once. Deploy lint (engine/lint/contract.py)
checks every bundle against them, so a new notice that spells one differently is refused at deploy
instead of running silently wrong.

Outcomes differ per notice (001 commends, 003 forwards to the province), so they are declared in
each variant's campaign.json under "outcomes" and checked against its end events; the names here are
those the shared subprocesses and the engine's code share across every variant."""
from __future__ import annotations

APPROVED = "通过"  # the review conclusion that selects a candidate (common/review_decision.json)
OBJECTION_MESSAGE = "异议"  # the message an objection is delivered as (processes/shared/publicity.bpmn)
PUBLICITY_TIMER = "Period_elapses"  # the publicity period's timer; its task data holds publicity_last_day
PUBLICITY_PROCESS = "publicity"  # the shared publicity subprocess that catches OBJECTION_MESSAGE

# Extension properties of user tasks the engine reads, with the values it understands (None: any).
TASK_PROPERTIES: dict[str, tuple[str, ...] | None] = {
    "formJsonSchemaFilename": None,
    "formUiSchemaFilename": None,
    "batch": ("review", "publicity"),
    "checksRatioCaps": ("true", "false"),
    "reviewStage": None,
    "laneFrom": None,  # a task-data field naming the lane that acts (e.g. the lane that posted the publicity)
    # The campaign deadline (a key of campaign.json "deadlines") by which this step must be done;
    # the engine refuses a later completion (engine/timekeeping/step_deadlines.py) and lint requires
    # a boundary timer deadline_end(<key>) on the same task that ends the candidate.
    "deadline": None,
    "deadlineMissed": None,  # what the refusal says follows (default 视为放弃)
    "ranking": ("award_type",),  # a list that records each candidate's order (排序), unique per award type
}

# Campaigns created before their config declared "outcomes" had these two.
LEGACY_OUTCOMES = {"selected": ["表彰"], "quota_returned": ["视为放弃（逾期未报送）"]}


def outcomes(config: dict) -> dict:
    """{"selected": end events that keep a candidate in (表彰, 排序上报…), "quota_returned": end
    events that give its unit's place back (视为放弃)} of a campaign's frozen config."""
    return config.get("outcomes") or LEGACY_OUTCOMES
