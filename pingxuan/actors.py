"""Simulated staff for demos, `pingxuan simulate` and scenario tests: they answer each open task
with the demo form data in demo/forms/, adjusted to the candidate, and act on lists in batches
the way an office does."""
from __future__ import annotations

import copy
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import func, select

from engine.campaigns.campaign_models import Candidate
from engine.config import REPO_ROOT, TIMEZONE
from engine.storage.models import HumanTask, Timer

DEMO_FORMS = REPO_ROOT / "demo" / "forms"


@dataclass
class Policy:
    """Who answers what; scenario tests change these to steer candidates to an outcome."""

    adverse: dict[str, str] = field(default_factory=dict)  # candidate name -> department that objects
    rejected: dict[str, str] = field(default_factory=dict)  # candidate name -> review stage that rejects
    override_reason: str | None = "经评选表彰工作专班研究，确需突破比例（模拟）"
    # candidate name -> fields of its 推荐审批表 (dotted paths, e.g. "person.admin_level"): the
    # facts the notice's rules count are read from the form, so a scenario sets them there.
    form_data: dict[str, dict] = field(default_factory=dict)
    # Offices select within the notice's binding rules (差额评选); False passes every candidate.
    select_lawfully: bool = True


class Actors:
    """`units`: act only for candidates of these recommending units (one of several simulation
    workers); None acts for the whole campaign."""

    def __init__(self, services, policy: Policy | None = None, units: set[str] | None = None):
        self.services, self.policy, self.units = services, policy or Policy(), units
        self._forms: dict[str, dict] = {}

    def _mine(self, query, campaign_id: str):
        query = query.where(Candidate.campaign_id == campaign_id)
        return query.where(Candidate.unit.in_(sorted(self.units))) if self.units is not None else query

    def form(self, name: str) -> dict:
        if name not in self._forms:
            self._forms[name] = json.loads((DEMO_FORMS / name).read_text(encoding="utf-8"))
        return copy.deepcopy(self._forms[name])

    def today(self) -> str:
        return self.services.runtime.clock().astimezone(TIMEZONE).date().isoformat()

    # --- one round: every open task of the campaign, batched where the process says so ---------

    def act_on(self, campaign_id: str, skip: int) -> int:
        """One round, leaving the first `skip` candidates (in nomination order) where they are."""
        with self.services.db.transaction(write=False) as session:
            held = set(session.scalars(select(Candidate.id).where(Candidate.campaign_id == campaign_id)
                                       .order_by(Candidate.created_at, Candidate.name).limit(skip)))
        return self.act(campaign_id, exclude=held)

    def act(self, campaign_id: str, exclude: set | None = None) -> int:
        rows = [r for r in self._open(campaign_id) if not exclude or r[1].id not in exclude]
        batches: dict[tuple, list] = defaultdict(list)
        for task, candidate in rows:
            batches[(task.spec_name, task.form, task.unit)].append((task, candidate))
        for (_spec, form, _unit), items in batches.items():
            if form == "common/review_decision.json":
                self._review(campaign_id, items)
            elif form == "common/publicity_posting.json":
                self.services.campaigns.post_publicity(
                    campaign_id, [t.task_id for t, _ in items], self._posting(items), "模拟经办人")
            elif form == "common/ranking.json":
                self.services.campaigns.report_ranked(
                    campaign_id, [t.task_id for t, _ in items], self._ranking(items), "模拟经办人")
            elif form == "common/department_opinion.json":
                # A department answers the candidates put to it in one reply (函复), one form each.
                self.services.runtime.complete_many(
                    [(t.instance_id, t.task_id, self._answer(t, c), None) for t, c in items], "模拟经办人")
            else:
                for task, candidate in items:
                    self.services.runtime.complete_task(task.instance_id, task.task_id,
                                                        self._answer(task, candidate), "模拟经办人", None)
        return len(rows)

    def _open(self, campaign_id: str):
        with self.services.db.transaction(write=False) as session:
            return session.execute(self._mine(
                select(HumanTask, Candidate).join(Candidate, Candidate.id == HumanTask.instance_id)
                .where(HumanTask.state == "ready"), campaign_id).order_by(HumanTask.created_at)).all()

    def _answer(self, task, candidate) -> dict:
        if task.form == "common/department_opinion.json":
            data = self.form("common/department_opinion.json")
            data["candidate"] = self._ref(candidate)
            data["department"] = task.unit or "有关部门"
            adverse = self.policy.adverse.get(candidate.name) == task.unit
            data["opinion"] = {"adverse": adverse, "opinion": "不同意推荐" if adverse else "同意推荐",
                               "date": self.today(), **({"reason": "存在不宜推荐的情形（模拟）"} if adverse else {})}
            return data
        if task.form == "common/objection_verification.json":
            data = self.form(task.form)
            data["candidate"] = self._ref(candidate)
            return data
        data = self.form(task.form)
        for path, value in self.policy.form_data.get(candidate.name, {}).items():
            target = data
            *parents, last = path.split(".")
            for part in parents:
                target = target.setdefault(part, {})
            target[last] = value
        return data

    def _review(self, campaign_id: str, items) -> None:
        """An office decides a list as the notice lets it (差额评选): it passes candidates in turn while
        the binding rules of the step still hold over the selected set, and screens out the rest.
        A list another worker's list overtook (places filled meanwhile) is decided again."""
        from engine.errors import Conflict

        spec_title = items[0][0].title
        for attempt in range(5):
            chosen = self._lawful(campaign_id, items, spec_title)
            data = self.form("common/review_decision.json")
            data["date"] = self.today()
            data["decisions"] = [
                {"candidate_id": c.id, "candidate_name": c.name,
                 **({"decision": "通过"} if c.id in chosen else
                    {"decision": "不通过", "reason": "不符合评选条件（模拟）" if self.policy.rejected.get(c.name) == spec_title
                     else "差额评选未入选（模拟）"})}
                for _, c in items]
            try:
                self.services.campaigns.batch_review(campaign_id, [t.task_id for t, _ in items], data, "模拟审核人",
                                                     override_reason=self.policy.override_reason)
                return
            except Conflict:  # places filled by a list decided meanwhile (RuleBreached, a moved row)
                if attempt == 4 or self.policy.override_reason is None:
                    raise

    def _lawful(self, campaign_id: str, items, spec_title: str) -> set[str]:
        from engine.campaigns import rules
        from engine.campaigns.selection import step_of

        wanted = [c for _, c in items if self.policy.rejected.get(c.name) != spec_title]
        if not self.policy.select_lawfully:
            return {c.id for c in wanted}
        first = items[0][0]
        wf = self.services.runtime.workflow(first.instance_id)
        stage, checks_caps = step_of(next(t for t in wf.tasks.values() if str(t.id) == first.task_id))
        guard = self.services.campaigns.selection
        with self.services.db.transaction(write=False) as session:
            config = guard.config(session, campaign_id) or {}
            if stage is None or not any(rules.applies_at(r, stage, checks_caps) for r in config.get("rules", [])):
                return {c.id for c in wanted}
            selected = guard.selected(session, campaign_id, stage, exclude={c.id for _, c in items})
        chosen: list = []
        for _ in range(2):  # a second turn takes those a later pick made lawful (处级干部 once paired)
            for c in wanted:
                if any(x.id == c.id for x in chosen):
                    continue
                trial = [*selected, *chosen, rules.Selected(c.id, c.unit, c.award_type, frozenset(c.tags or ()))]
                binding, _ = rules.breaches(rules.evaluate(config["rules"], trial, config, stage, checks_caps))
                if not binding:  # each pick keeps the selected set lawful, so the list is lawful
                    chosen.append(trial[-1])
        return {c.id for c in chosen}

    def _posting(self, items) -> dict:
        data = self.form("common/publicity_posting.json")
        data["start_date"] = self.today()
        data["candidates"] = [self._ref(c) for _, c in items]
        return data

    def _ranking(self, items) -> dict:
        """Ranks each award type in nomination order (1, 2, … per type)."""
        data = self.form("common/ranking.json")
        data["date"] = self.today()
        seen: dict[str, int] = defaultdict(int)
        data["rankings"] = []
        for _, c in sorted(items, key=lambda item: (item[1].created_at, item[1].name)):
            seen[c.award_type] += 1
            data["rankings"].append({"candidate_id": c.id, "candidate_name": c.name, "rank": seen[c.award_type]})
        return data

    @staticmethod
    def _ref(candidate) -> dict:
        kind = {"collective": "先进集体", "individual": "先进个人"}.get(candidate.award_type, "先进个人")
        return {"candidate_id": candidate.id, "name": candidate.name, "kind": kind, "unit": candidate.unit}

    # --- the whole campaign ---------------------------------------------------------------------

    def run_to_decision(self, campaign_id: str, clock, max_rounds: int = 200, on_round=None) -> dict:
        """Act, and when nothing is open move the clock to the next timer and fire it, until every
        candidate has an outcome. `clock` must be settable (tests' Clock, simulate's FastClock)."""
        for _ in range(max_rounds):
            if not self.step(campaign_id, clock, on_round):
                break
        return self.outcomes(campaign_id)

    def step(self, campaign_id: str, clock, on_round=None) -> bool:
        """One round: act on every open task or, with none open, move the clock past the next timer
        and fire what is due. False when nothing is open and nothing waits (the campaign is over)."""
        acted = self.act(campaign_id)
        if on_round:
            on_round()
        if acted:
            return True
        due = self._next_due(campaign_id)
        if due is None:
            return False
        clock.set(due + timedelta(seconds=1))
        self._fire_due(campaign_id)
        return True

    def _next_due(self, campaign_id: str):
        with self.services.db.transaction(write=False) as session:
            return session.scalar(self._mine(select(func.min(Timer.due_at)).join(
                Candidate, Candidate.id == Timer.instance_id).where(Timer.status == "waiting"), campaign_id))

    def _fire_due(self, campaign_id: str) -> None:
        """What the timer worker would do now, for this campaign's (or these units') candidates."""
        runtime = self.services.runtime
        with self.services.db.transaction(write=False) as session:
            due = session.scalars(self._mine(select(Timer.instance_id).distinct().join(
                Candidate, Candidate.id == Timer.instance_id).where(
                Timer.status == "waiting", Timer.due_at < runtime.clock()), campaign_id)).all()
        for instance_id in sorted(due):
            runtime.fire_timers(instance_id)

    def outcomes(self, campaign_id: str) -> dict:
        with self.services.db.transaction(write=False) as session:
            return outcome_counts(session, campaign_id)


def outcome_counts(session, campaign_id: str) -> dict[str, int]:
    """Candidates per end state ("进行中" for those still under way)."""
    rows = session.execute(select(Candidate.outcome, func.count()).where(Candidate.campaign_id == campaign_id)
                           .group_by(Candidate.outcome)).all()
    return {outcome or "进行中": count for outcome, count in rows}
