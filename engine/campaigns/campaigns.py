"""Campaign services: nominate within quotas, batch acts over candidates' tasks (review lists with
ratio caps, publicity postings), objections, and the campaign dashboard."""
from __future__ import annotations

import uuid
from collections import Counter
from datetime import date, datetime, timezone

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from engine.campaigns import ranking
from engine.campaigns.campaign_config import load_variant_config, shifted_deadlines
from engine.campaigns.campaign_models import Campaign, Candidate
from engine.campaigns.ratios import CapStatus, evaluate
from engine.campaigns.rules import RuleStatus
from engine.campaigns.selection import RuleBreached, SelectionGuard, step_of
from engine.config import TIMEZONE
from engine.definitions.contract import APPROVED, OBJECTION_MESSAGE, PUBLICITY_TIMER, outcomes
from engine.errors import Conflict, NotFound, ValidationFailed
from engine.runtime.appliers import PROTECTED
from engine.runtime.runtime import InstanceView, Runtime
from engine.runtime.spiff import all_workflows
from engine.runtime.stepping import ready_tasks
from engine.storage.db import Writes, built_once
from engine.storage.models import Deployment, HumanTask, Instance


class QuotaExceeded(ValidationFailed):
    code = "quota_exceeded"


# A review list refused by a binding rule of its notice (a cap, a total, a quota, a pairing …).
RatioCapBreached = RuleBreached


class Campaigns:
    def __init__(self, runtime: Runtime, processes_dir):
        self.runtime, self.processes_dir = runtime, processes_dir
        self.selection = SelectionGuard()
        runtime.observers.append(self._observe)
        runtime.observers.append(self.selection.observe)
        runtime.completion_guards.append(self.selection.check)
        runtime.completion_guards.append(ranking.check)

    # --- campaigns and nominations ------------------------------------------------------------

    def create(self, variant: str, actor: str, name: str | None = None,
               deadlines: dict | None = None, quota_scale: int = 1) -> str:
        """`deadlines` replaces the notice's dates (a demo run today, a campaign re-run next year);
        `quota_scale` multiplies every unit's quota (load simulations beyond the real quotas)."""
        config = load_variant_config(self.processes_dir, variant, deadlines)
        today = self.runtime.now().astimezone(TIMEZONE).date()
        past = {f"deadlines.{key}": f"截止日期 {_day(value)} 已过（今天是 {_day(today.isoformat())}），请填写本次活动的截止日期"
                for key, value in config["deadlines"].items() if date.fromisoformat(value) < today}
        if past:
            # A campaign keeping the notice's past dates would end every nomination at once (视为放弃).
            raise ValidationFailed("截止日期已过，不能创建评选活动", past)
        for quota in config["quotas"]:
            quota["limits"] = {k: v * quota_scale for k, v in quota["limits"].items()}
        campaign = Campaign(id=str(uuid.uuid4()), variant=variant, name=name or config["title"], config=config,
                            created_by=actor, created_at=datetime.now(timezone.utc))
        with self.runtime.db.transaction() as session:
            session.add(campaign)
        return campaign.id

    def nominate(self, campaign_id: str, *, unit: str, award_type: str, candidate_type: str, name: str,
                 actor: str, tags: tuple[str, ...] | list[str] = (), data: dict | None = None) -> InstanceView:
        config = self.config(campaign_id)
        self._check_nomination(config, unit, award_type, candidate_type, tags, name)
        candidate_id = str(uuid.uuid4())
        fixed = {
            "campaign_id": campaign_id, "candidate_id": candidate_id, "candidate_name": name,
            # Quotas are allotted to the level that reviews (区县, 市级部门, 集团 …), so by default that
            # same unit's staff hold its 审核 lane tasks.
            "recommending_unit": unit, "reviewing_unit": unit, "award_type": award_type, "candidate_type": candidate_type,
            "tags": list(tags), **config["deadlines"],
            "publicity_days": config["publicity"]["days"], "publicity_convention": config["publicity"]["convention"],
            "opinion_reminder_workdays": config["opinion_reminder_workdays"],
        }
        clashes = sorted(set(data or {}) & (set(fixed) | {PROTECTED}))
        if clashes:
            raise ValidationFailed("推荐信息中不能改写由评选活动确定的字段",
                                   {f"data.{key}": "由评选活动确定，不能填写" for key in clashes})
        start_data = {**(data or {}), **fixed}
        start_data[PROTECTED] = sorted(start_data)

        # Where the notice counts a unit's quota at the step where it forwards (a `quota` rule),
        # nominating takes no place: a nominee who fails that unit's screening blocks no one.
        quota_at_nomination = not any(r["kind"] == "quota" for r in config.get("rules", []))

        def claim_quota(session: Session, instance: Instance) -> None:
            if not quota_at_nomination:
                session.add(Candidate(id=instance.id, campaign_id=campaign_id, unit=unit, award_type=award_type,
                                      candidate_type=candidate_type, name=name, tags=list(tags), stage="推荐中",
                                      created_at=instance.created_at))
                return
            self._lock_quota(session, campaign_id, unit)
            limits = next(q["limits"] for q in config["quotas"] if q["unit"] == unit)
            used = self._quota_used(session, campaign_id, unit, config)
            for key in (award_type, "total"):
                if key in limits and used[key] >= limits[key]:
                    label = config["award_types"].get(key, "推荐对象（合计）")
                    raise QuotaExceeded(
                        f"推荐单位「{unit}」的{label}名额为 {limits[key]} 个，已使用 {used[key]} 个，不能再推荐",
                        {"unit": f"{unit} 的{label}名额已用完（{used[key]}/{limits[key]}）"})
            session.add(Candidate(id=instance.id, campaign_id=campaign_id, unit=unit, award_type=award_type,
                                  candidate_type=candidate_type, name=name, tags=list(tags), stage="推荐中",
                                  created_at=instance.created_at))

        return self.runtime.start(config["process_id"], start_data, actor, business_key=name,
                                  on_start=claim_quota, instance_id=candidate_id)

    def _check_nomination(self, config, unit, award_type, candidate_type, tags, name) -> None:
        errors = {}
        if unit not in {q["unit"] for q in config["quotas"]}:
            errors["unit"] = f"「{unit}」不在本次评选的推荐名额分配表中"
        if award_type not in config["award_types"]:
            errors["award_type"] = "推荐类别应为：" + "、".join(config["award_types"].values())
        if candidate_type not in config["candidate_types"]:
            errors["candidate_type"] = "推荐对象类型应为：" + "、".join(config["candidate_types"])
        decided = {f["fact"]: f["quote"] for f in config.get("facts", []) if not f.get("declared")}
        by_form = [t for t in tags if t in decided]
        unknown = [t for t in tags if t not in config["tags"] and t not in decided]
        if by_form:
            errors["tags"] = "、".join(f"「{t}」" for t in by_form) + "由推荐审批表的填写内容认定，不能在推荐时自行标注"
        elif unknown:
            errors["tags"] = f"未知的标签：{'、'.join(unknown)}"
        if not str(name).strip():
            errors["name"] = "必填"
        if errors:
            raise ValidationFailed("推荐信息有误", errors)

    def _lock_quota(self, session: Session, campaign_id: str, unit: str) -> None:
        """Serializes nominations of one unit in one campaign, so two cannot both take its last
        quota place, while other units nominate side by side. A transaction-scoped advisory lock on
        PostgreSQL (a hash collision only serializes more); SQLite serializes writers anyway."""
        if session.get_bind().dialect.name == "postgresql":
            session.execute(select(func.pg_advisory_xact_lock(func.hashtextextended(f"quota:{campaign_id}:{unit}", 0))))

    def _quota_used(self, session: Session, campaign_id: str, unit: str, config: dict) -> Counter:
        rows = session.execute(
            select(Candidate.award_type, func.count()).join(Instance, Instance.id == Candidate.id)
            .where(Candidate.campaign_id == campaign_id, Candidate.unit == unit, Instance.status != "cancelled",
                   (Candidate.outcome.is_(None)) | (Candidate.outcome.notin_(outcomes(config)["quota_returned"])))
            .group_by(Candidate.award_type)).all()
        used = Counter({award_type: count for award_type, count in rows})
        used["total"] = sum(count for _, count in rows)
        return used

    def deadlines_ending(self, variant: str, last: date) -> dict:
        """The variant's deadlines moved together so that the latest is `last` (demo, simulation)."""
        return shifted_deadlines(load_variant_config(self.processes_dir, variant)["deadlines"], last)

    def config_title(self, variant: str) -> str:
        return load_variant_config(self.processes_dir, variant)["title"]

    def config(self, campaign_id: str) -> dict:
        with self.runtime.db.transaction(write=False) as session:
            campaign = session.get(Campaign, campaign_id)
            if campaign is None:
                raise NotFound(f"评选活动 {campaign_id} 不存在")
            return campaign.config

    # --- batch acts ---------------------------------------------------------------------------

    def batch_review(self, campaign_id: str, task_ids: list[str], form: dict, actor: str,
                     override_reason: str | None = None) -> list[InstanceView]:
        """Complete a review list (初审/复审 …) in one transaction. If the tasks check ratio caps, the
        set approved by this list must respect them unless an override reason is recorded."""
        tasks = self._open_tasks(campaign_id, task_ids)
        decisions = {d.get("candidate_id"): d for d in form.get("decisions", [])}
        missing = [t["instance_id"] for t in tasks if t["instance_id"] not in decisions]
        if missing:
            raise ValidationFailed("审核结论不完整：列表中的每个推荐对象都须有结论",
                                   {"decisions": f"缺少 {len(missing)} 个推荐对象的结论"})
        # The rules are checked by the engine's command (engine.campaigns.selection), whichever path submits;
        # the list's override reason travels in the form, so the event records it.
        reason = (override_reason or "").strip()
        extra = {"override_reason": reason} if reason else {}
        # Each candidate's record keeps the list's header and its own conclusion: copying the
        # whole list into every candidate would make each history grow with the list's length.
        return self.runtime.complete_many(
            [(t["instance_id"], t["task_id"], {**form, **extra, "decisions": [decisions[t["instance_id"]]],
                                               "list_size": len(tasks)}, None) for t in tasks], actor)

    def preview_review(self, campaign_id: str, task_ids: list[str], decisions: list[dict]) -> dict:
        """Every cap over the candidates this list would approve; nothing is changed."""
        tasks = self._open_tasks(campaign_id, task_ids)
        listed = {t["instance_id"] for t in tasks}
        approved = {d.get("candidate_id") for d in decisions if d.get("decision") == APPROVED} & listed
        statuses = self.cap_statuses(campaign_id, approved)
        rules = self.preview(campaign_id, task_ids, decisions)
        return {"checks_caps": any(t["checks_caps"] for t in tasks), "approved": len(approved),
                "ok": all(s.ok for s in statuses) and all(r.ok or r.force == "advisory" for r in rules),
                "caps": statuses, "rules": rules}

    def post_publicity(self, campaign_id: str, task_ids: list[str], form: dict, actor: str) -> list[InstanceView]:
        """Posting a publicity list is one act for all its candidates (one transaction); each
        candidate's record keeps the posting and its own entry of the list."""
        tasks = self._open_tasks(campaign_id, task_ids)
        entries = {c.get("candidate_id"): c for c in form.get("candidates", [])}

        def own(instance_id: str) -> dict:
            mine = [entries[instance_id]] if instance_id in entries else form.get("candidates", [])[:1]
            return {**form, "candidates": mine, "list_size": len(tasks)}

        return self.runtime.complete_many([(t["instance_id"], t["task_id"], own(t["instance_id"]), None)
                                           for t in tasks], actor)

    def report_ranked(self, campaign_id: str, task_ids: list[str], form: dict, actor: str) -> list[InstanceView]:
        """排序上报 as one act: each candidate's record keeps the list's header, its own rank and the
        list's size; the engine checks the order over the whole list (engine/campaigns/ranking.py)."""
        tasks = self._open_tasks(campaign_id, task_ids)

        def own(instance_id: str) -> dict:
            entry = ranking.own_entry(form, instance_id)
            return {**form, "rankings": [entry] if entry else [], "list_size": len(tasks)}

        return self.runtime.complete_many([(t["instance_id"], t["task_id"], own(t["instance_id"]), None)
                                           for t in tasks], actor)

    def lodge_objection(self, candidate_id: str, objection: dict, actor: str) -> tuple[str, InstanceView]:
        """Returns the objection's id, which its verification (核实异议) refers to. The id is in the
        event, so a replay hands the workflow the same one."""
        with self.runtime.db.transaction(write=False) as session:
            if session.get(Candidate, candidate_id) is None:
                raise NotFound(f"推荐对象 {candidate_id} 不存在")
        self.runtime.forms.validate("common/objection.json", objection)
        named = (objection.get("candidate") or {}).get("candidate_id")
        if named != candidate_id:
            raise ValidationFailed("异议登记表中的推荐对象与所登记的推荐对象不一致",
                                   {"candidate.candidate_id": "应为本推荐对象的编号"})
        objection_id = str(uuid.uuid4())
        view = self.runtime.send_message(candidate_id, OBJECTION_MESSAGE, {**objection, "objection_id": objection_id}, actor,
                                         not_waiting="该推荐对象当前不在公示期，不能登记异议")
        return objection_id, view

    def _open_tasks(self, campaign_id: str, task_ids: list[str]) -> list[dict]:
        if not task_ids:
            raise ValidationFailed("请至少选择一个任务", {"task_ids": "必填"})
        with self.runtime.db.transaction(write=False) as session:
            rows = session.execute(
                select(HumanTask.task_id, HumanTask.instance_id, HumanTask.state, HumanTask.spec_name,
                       Instance.deployment_id, Instance.process_id)
                .join(Candidate, Candidate.id == HumanTask.instance_id).join(Instance, Instance.id == Candidate.id)
                .where(HumanTask.task_id.in_(task_ids), Candidate.campaign_id == campaign_id)).all()
            deployments = {r.deployment_id: session.get_one(Deployment, r.deployment_id) for r in rows}
        found = {r.task_id: r for r in rows}
        missing = [t for t in task_ids if t not in found]
        if missing:
            raise NotFound(f"本评选活动中没有这些任务：{'、'.join(missing[:5])}")
        closed = [t for t in task_ids if found[t].state != "ready"]
        if closed:
            raise Conflict(f"{len(closed)} 个任务已办理或已失效，请刷新列表后重试")
        return [{"task_id": r.task_id, "instance_id": r.instance_id,
                 "checks_caps": self._spec_property(deployments[r.deployment_id], r.process_id, r.spec_name,
                                                    "checksRatioCaps") == "true"} for r in rows]

    def _spec_property(self, deployment: Deployment, process_id: str, spec_name: str, name: str) -> str | None:
        """A task's extension property read from the deployed spec (no workflow load needed)."""
        specs = self.runtime.specs.get(deployment, process_id)
        for spec in [specs.spec, *specs.subprocess_specs.values()]:
            task_spec = spec.task_specs.get(spec_name)
            if task_spec is not None:
                return ((getattr(task_spec, "extensions", None) or {}).get("properties") or {}).get(name)
        return None

    # --- read models --------------------------------------------------------------------------

    def cap_statuses(self, campaign_id: str, candidate_ids) -> list[CapStatus]:
        """Old-style ratio caps of campaigns created before rules (migration 0006 keeps them)."""
        config = self.config(campaign_id)
        with self.runtime.db.transaction(write=False) as session:
            rows = session.execute(select(Candidate.award_type, Candidate.tags)
                                   .where(Candidate.id.in_(list(candidate_ids)))).all()
        return evaluate(config.get("ratio_caps", []), [{"award_type": a, "tags": t} for a, t in rows])

    def preview(self, campaign_id: str, task_ids: list[str], decisions: list[dict]) -> list[RuleStatus]:
        """Every rule's state if these tasks were decided so: the selected set at the step so far
        plus those approved here (nothing is written)."""
        tasks = self._open_tasks(campaign_id, task_ids)
        approved = {d.get("candidate_id") for d in decisions if d.get("decision") == APPROVED}
        statuses = []
        with self.runtime.db.transaction(write=False) as session:
            by_step: dict[tuple, dict] = {}
            for t in tasks:
                live = self.runtime.workflow(t["instance_id"])
                task = next(x for x in live.tasks.values() if str(x.id) == t["task_id"])
                key = step_of(task)
                if key[0] is None:
                    continue
                by_step.setdefault(key, {})
                if t["instance_id"] in approved:
                    by_step[key][t["instance_id"]] = task.data
            for (stage, checks_caps), members in by_step.items():
                statuses += self.selection.statuses(session, campaign_id, stage, checks_caps, members)
        return statuses

    def dashboard(self, campaign_id: str, unit: str | None = None) -> dict:
        """The campaign's figures; with `unit`, only that recommending unit's (a unit's staff must
        not read other units' nominations)."""
        config = self.config(campaign_id)
        with self.runtime.db.transaction(write=False) as session:
            where = [Candidate.campaign_id == campaign_id] + ([Candidate.unit == unit] if unit is not None else [])
            candidates = session.scalars(select(Candidate).where(*where)).all()
            quota_use: list[dict] = []
            for quota in config["quotas"]:
                if unit is not None and quota["unit"] != unit:
                    continue
                used = self._quota_used(session, campaign_id, quota["unit"], config)
                quota_use.extend({"unit": quota["unit"], "award_type": key, "limit": limit, "used": used[key]}
                                 for key, limit in quota["limits"].items())
        selected = outcomes(config)["selected"]
        active = [{"award_type": c.award_type, "tags": c.tags} for c in candidates if c.outcome is None or c.outcome in selected]
        return {
            "stages": dict(Counter(c.stage for c in candidates)),
            "outcomes": dict(Counter(c.outcome or "进行中" for c in candidates)),
            "quotas": quota_use,
            "caps": [{**s.__dict__, "description": s.describe()} for s in evaluate(config.get("ratio_caps", []), active)],
        }

    # --- keeping the read model in step ---------------------------------------------------------

    def _observe(self, writes: Writes, instance: Instance, wf: BpmnWorkflow, _closed: list[str]) -> None:
        """Written without reading the row (an instance that is no candidate updates nothing)."""
        if wf.completed:
            end = _reached_end(wf)
            outcome = end.task_spec.bpmn_name if end is not None else "已结束"
            values = {"outcome": outcome, "stage": outcome,
                      "outcome_reason": end.data.get("outcome_reason") if end is not None else None}
        elif instance.status == "cancelled":
            values = {"outcome": "已撤销", "stage": "已撤销"}
        else:
            ready = [t.task_spec.bpmn_name or t.task_spec.name for t in ready_tasks(wf, manual=True)]
            values = {"stage": "、".join(dict.fromkeys(ready)) or _waiting_stage(wf)}
        table = Candidate.__table__
        statement = built_once(("candidate_stage", *values), lambda: update(table).where(
            table.c.id == bindparam("b_id")).values({k: bindparam(k) for k in values}))
        writes.execute(statement, {**values, "b_id": instance.id})


def _day(iso: str) -> str:
    d = date.fromisoformat(iso)
    return f"{d.year}年{d.month}月{d.day}日"


def _waiting_stage(wf: BpmnWorkflow) -> str:
    """With no open task the candidate waits on a timer; a publicity shows its computed last day."""
    for _key, workflow in all_workflows(wf):
        for task in workflow.tasks.values():
            last_day = task.data.get("publicity_last_day") if task._state == TaskState.WAITING else None
            if last_day and task.task_spec.bpmn_id == PUBLICITY_TIMER:
                return f"{task.data.get('publicity_level', '')}公示中（至 {last_day}）"
    return "等待中（定时）"


def _reached_end(wf: BpmnWorkflow):
    ends = [t for t in wf.tasks.values() if isinstance(t.task_spec, EndEvent) and t.state == TaskState.COMPLETED]
    return ends[-1] if ends else None
