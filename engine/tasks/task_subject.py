"""Whom a task is about: the candidate's facts, shown read-only beside the form so that a
department sees whom it vets and a reviewer what was recommended, without typing either in."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.campaigns.campaign_models import Campaign, Candidate
from engine.storage.models import Event, HumanTask


@dataclass(frozen=True)
class TaskSubject:
    candidate_id: str
    name: str
    unit: str
    award_type: str  # its label in the campaign, e.g. 先进个人
    candidate_type: str
    stage: str
    form: str | None  # the recommendation form (审批表) as submitted, with its schema for display
    schema: dict | None
    data: dict | None


def candidate_ref(subject: TaskSubject) -> dict:
    """The `candidate` a form about this candidate refers to (defs/common.json candidate_ref)."""
    return {"candidate_id": subject.candidate_id, "name": subject.name, "kind": subject.award_type,
            "unit": subject.unit}


def task_subject(session: Session, forms, instance_id: str, task_id: str) -> TaskSubject | None:
    """None for an instance that is no candidate. The recommendation form is the earliest task of
    the instance completed with a notice's own form (not one of the shared common/ forms)."""
    found = session.execute(select(Candidate, Campaign.config).join(Campaign, Campaign.id == Candidate.campaign_id)
                            .where(Candidate.id == instance_id)).first()
    if found is None:
        return None
    candidate, config = found
    first = session.scalars(select(HumanTask).where(
        HumanTask.instance_id == instance_id, HumanTask.state == "completed", HumanTask.task_id != task_id,
        HumanTask.form.is_not(None), HumanTask.form.not_like("common/%")).order_by(HumanTask.completed_at)).first()
    form = data = schema = None
    if first is not None:
        form, data = first.form, submitted_form(session, instance_id, first.task_id)
        schema = forms.resolved(form) if forms is not None else None
    return TaskSubject(candidate.id, candidate.name, candidate.unit,
                       config["award_types"].get(candidate.award_type, candidate.award_type),
                       candidate.candidate_type, candidate.stage, form, schema, data)


def submitted_form(session: Session, instance_id: str, task_id: str) -> dict | None:
    """The form data of the task's last completion, as the event recorded it (after a 退回 the
    task is completed again: the latest submission is the one in force)."""
    for payload in session.scalars(select(Event.payload).where(
            Event.instance_id == instance_id, Event.type == "task_completed").order_by(Event.seq.desc())):
        if payload.get("task_id") == task_id:
            return payload.get("data")
    return None
