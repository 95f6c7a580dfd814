"""Selection at each level: the rules of a review step checked inside the engine's command.

Every completion of a review step (a review list, a batch submit, a single task submit) runs through
Runtime.complete_many, whose guards call `SelectionGuard.check` before anything is written. The
selected set at a level is every candidate of the campaign selected so far at that review step and
still in the running, plus the candidates this command approves. A binding breach is refused unless
the form carries an override reason; the reason, the breaches and the advisory warnings are recorded
in the event's payload (`rules`), so the history shows why a list went through.
"""
from __future__ import annotations

from collections import defaultdict

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import bindparam, delete, insert, select
from sqlalchemy.orm import Session

from engine.campaigns import rules
from engine.campaigns.campaign_models import Campaign, Candidate, CandidateSelection
from engine.definitions.contract import APPROVED, outcomes
from engine.errors import Conflict
from engine.storage.db import Writes, built_once
from engine.storage.index import form_properties


class RuleBreached(Conflict):
    code = "rule_breached"
    http_status = 422

    def __init__(self, stage: str, statuses: list[rules.RuleStatus], absolute: bool = False):
        failing = [s for s in statuses if not s.ok and s.force == "binding"]
        tail = ("超出通知允许的上限，即使填写理由也不能通过" if absolute
                else "如确需通过，须填写突破理由（override_reason），理由将记入流程记录")
        super().__init__(f"「{stage}」名单不符合通知规定：\n" + "\n".join(s.describe() for s in failing) + f"\n{tail}")
        self.stage, self.statuses, self.absolute = stage, statuses, absolute

    def __reduce__(self):  # crosses process boundaries (simulation workers) intact
        return type(self), (self.stage, self.statuses, self.absolute)


def step_of(task) -> tuple[str | None, bool]:
    """(reviewStage, checksRatioCaps) of a task's spec."""
    props = form_properties(task)
    return props.get("reviewStage"), props.get("checksRatioCaps") == "true"


def approves(data: dict, candidate_id: str) -> bool:
    return any(d.get("candidate_id") == candidate_id and d.get("decision") == APPROVED
               for d in data.get("decisions", []) if isinstance(d, dict))


class SelectionGuard:
    def __init__(self):
        self._configs: dict[str, dict] = {}  # campaign configs are frozen at creation

    def config(self, session: Session, campaign_id: str) -> dict | None:
        if campaign_id not in self._configs:
            campaign = session.get(Campaign, campaign_id)
            if campaign is None:
                return None
            self._configs[campaign_id] = campaign.config
        return self._configs[campaign_id]

    def facts(self, config: dict, data: dict) -> set[str]:
        return rules.derived_facts(config.get("facts", []), data, data.get("tags") or ())

    # --- the check (a Runtime guard) -----------------------------------------------------------

    def check(self, session: Session, items: list[tuple], writes: Writes) -> None:
        """`items`: (instance id, task, payload) of each task completion in the command."""
        lists: dict[tuple, list] = defaultdict(list)
        for instance_id, task, payload in items:
            stage, checks_caps = step_of(task)
            campaign_id = task.data.get("campaign_id")
            config = self.config(session, campaign_id) if campaign_id else None  # the observer reads it too
            if stage is None or not config or not any(rules.applies_at(r, stage, checks_caps) for r in config.get("rules", [])):
                continue
            lists[(campaign_id, stage, checks_caps)].append((instance_id, task, payload))
        for campaign_id in sorted({key[0] for key in lists}):
            version = session.scalar(select(Campaign.selection_version).where(Campaign.id == campaign_id))
            table = Campaign.__table__
            bump = built_once(("selection_version",), lambda: table.update().where(
                table.c.id == bindparam("b_id"), table.c.selection_version == bindparam("b_version"))
                .values(selection_version=bindparam("b_version") + 1))
            writes.guard(f"campaign:{campaign_id}", bump, {"b_id": campaign_id, "b_version": version or 0})
        for (campaign_id, stage, checks_caps), members in lists.items():
            self._check_list(session, campaign_id, stage, checks_caps, members)

    def _check_list(self, session, campaign_id, stage, checks_caps, members) -> None:
        config = self._configs[campaign_id]
        listed = {instance_id for instance_id, _, _ in members}
        selected = self.selected(session, campaign_id, stage, exclude=listed)
        for instance_id, task, payload in members:
            if approves(payload["data"], instance_id):
                selected.append(rules.Selected(instance_id, task.data.get("recommending_unit", ""),
                                               task.data.get("award_type", ""),
                                               frozenset(self.facts(config, task.data))))
        statuses = rules.evaluate(config.get("rules", []), selected, config, stage, checks_caps)
        binding, advisory = rules.breaches(statuses)
        reason = next((str(p["data"].get("override_reason") or "").strip() for _, _, p in members
                       if str(p["data"].get("override_reason") or "").strip()), "")
        if any(s.absolute for s in binding):
            raise RuleBreached(stage, statuses, absolute=True)
        if binding and not reason:
            raise RuleBreached(stage, statuses)
        record = {"stage": stage, "selected": len(selected)}
        if binding:
            record["override"] = {"reason": reason, "breaches": [s.describe() for s in binding]}
        if advisory:
            record["warnings"] = [s.describe() for s in advisory]
        if binding or advisory:
            for _, _, payload in members:
                payload["rules"] = record

    def still_in(self, session: Session, campaign_id: str) -> list[str]:
        """Outcomes that keep a selected candidate in the selected set (表彰, or 003's 排序上报…)."""
        return outcomes(self.config(session, campaign_id) or {})["selected"]

    def selected(self, session: Session, campaign_id: str, stage: str, exclude=()) -> list[rules.Selected]:
        rows = session.execute(
            select(Candidate.id, Candidate.unit, Candidate.award_type, Candidate.tags)
            .join(CandidateSelection, CandidateSelection.candidate_id == Candidate.id)
            .where(CandidateSelection.campaign_id == campaign_id, CandidateSelection.stage == stage,
                   (Candidate.outcome.is_(None)) | (Candidate.outcome.in_(self.still_in(session, campaign_id))))).all()
        return [rules.Selected(i, u, a, frozenset(t or ())) for i, u, a, t in rows if i not in exclude]

    def statuses(self, session: Session, campaign_id: str, stage: str, checks_caps: bool,
                 approved: dict[str, dict]) -> list[rules.RuleStatus]:
        """What a list would amount to (the preview): `approved` maps candidate ids to their data."""
        config = self.config(session, campaign_id) or {}
        selected = self.selected(session, campaign_id, stage, exclude=set(approved))
        selected += [rules.Selected(cid, d.get("recommending_unit", ""), d.get("award_type", ""),
                                    frozenset(self.facts(config, d))) for cid, d in approved.items()]
        return rules.evaluate(config.get("rules", []), selected, config, stage, checks_caps)

    # --- keeping the selections and facts in step (a Runtime observer) ----------------------------

    def observe(self, writes: Writes, instance, wf, closed: list[str]) -> None:
        if not closed:
            return
        data_campaign = wf.task_tree.data.get("campaign_id") if wf.task_tree is not None else None
        for task_id in closed:
            task = _task(wf, task_id)
            if task is None or task.state != TaskState.COMPLETED:
                continue
            campaign_id = task.data.get("campaign_id") or data_campaign
            config = self._configs.get(campaign_id) if campaign_id else None
            if config is None or not campaign_id:
                continue
            stage, _ = step_of(task)
            if stage is not None:
                self._record(writes, instance.id, campaign_id, stage, bool(task.data.get("review_passed")))
            facts = self.facts(config, task.data)
            statement = built_once(("candidate_facts",), lambda: Candidate.__table__.update().where(
                Candidate.__table__.c.id == bindparam("b_id")).values(tags=bindparam("tags")))
            writes.execute(statement, {"b_id": instance.id, "tags": sorted(facts)})

    def _record(self, writes: Writes, candidate_id: str, campaign_id: str, stage: str, passed: bool) -> None:
        table = CandidateSelection.__table__
        remove = built_once(("selection_delete",), lambda: delete(table).where(
            table.c.candidate_id == bindparam("b_id"), table.c.stage == bindparam("b_stage")))
        writes.execute(remove, {"b_id": candidate_id, "b_stage": stage})
        if passed:
            writes.execute(built_once(("selection_insert",), lambda: insert(table)),
                           {"candidate_id": candidate_id, "campaign_id": campaign_id, "stage": stage})


def _task(wf, task_id: str):
    from engine.runtime.spiff import find_task

    return find_task(wf, task_id)
