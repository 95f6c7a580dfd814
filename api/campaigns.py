"""/api/campaigns and /api/candidates: campaigns (评选活动), nominations within quotas, the list acts
(batch review with ratio caps, publicity postings) and objections. Decisions are the engine's
(engine.campaigns, engine.access); this module checks who may ask and shapes the answers."""
from __future__ import annotations

from dataclasses import asdict

from sqlalchemy import delete, func, select

from engine.access import Forbidden, require_holds
from engine.campaign_models import Campaign, Candidate
from engine.errors import NotFound, ValidationFailed
from engine.inbox import task_row
from engine.task_tables import TaskDraft

from .blueprint import Blueprint
from .schemas.campaigns import (CampaignCreatedSchema, CampaignCreateSchema, CampaignRowSchema, CampaignSchema,
                                CandidateArgsSchema, CandidatePageSchema, DashboardSchema, NominateSchema,
                                ObjectionSchema, PublicitySchema, ReviewPreviewResultSchema, ReviewPreviewSchema,
                                ReviewSchema)
from .schemas.instances import InstanceViewSchema
from .schemas.tasks import BatchResultSchema
from .idempotency import idempotent
from .security import current, requires, services

blp = Blueprint("campaigns", __name__, url_prefix="/api/campaigns", description="评选活动、推荐名额、审核名单与公示")
candidates_blp = Blueprint("candidates", __name__, url_prefix="/api/candidates", description="推荐对象：异议登记")


def cap_dict(status) -> dict:
    return {**asdict(status), "description": status.describe()}


def _campaign(session, campaign_id: str) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound(f"评选活动 {campaign_id} 不存在")
    return campaign


def _require_holds_all(task_ids: list[str], what: str = "办理") -> None:
    """The caller must hold every listed task: the same rule as submitting a single task."""
    if len(set(task_ids)) != len(task_ids):
        raise ValidationFailed("同一任务在列表中出现了多次", {"task_ids": "任务不能重复"})
    principal = current()
    with services().db.transaction(write=False) as session:
        for i, task_id in enumerate(task_ids):
            found = task_row(session, task_id)
            if found is None:
                raise NotFound(f"第 {i + 1} 项：任务 {task_id} 不存在")
            row, assignee = found
            try:
                require_holds(principal, row.role, row.unit, assignee, what)
            except Forbidden as exc:
                raise Forbidden(f"第 {i + 1} 项：{exc.message}") from exc


def _clear_drafts(task_ids: list[str]) -> None:
    with services().db.transaction() as session:
        session.execute(delete(TaskDraft).where(TaskDraft.task_id.in_(task_ids)))


@blp.route("", methods=["GET"])
@requires("campaigns:list")
@blp.response(200, CampaignRowSchema(many=True))
def listing():
    """评选活动列表，新的在前"""
    with services().db.transaction(write=False) as session:
        rows = session.scalars(select(Campaign).order_by(Campaign.created_at.desc(), Campaign.id)).all()
        return [{"id": c.id, "variant": c.variant, "name": c.name, "created_at": c.created_at} for c in rows]


@blp.route("", methods=["POST"])
@requires("campaigns:write")
@blp.arguments(CampaignCreateSchema)
@blp.response(201, CampaignCreatedSchema)
def create(body):
    """创建评选活动：按变体的 campaign.json 冻结配置（名额、比例、截止日期可覆盖）"""
    deadlines = {k: v.isoformat() for k, v in (body.get("deadlines") or {}).items()}
    campaign_id = services().campaigns.create(body["variant"], current().name, name=body.get("name"),
                                              deadlines=deadlines or None)
    return {"id": campaign_id}


@blp.route("/<campaign_id>", methods=["GET"])
@requires("campaigns:read")
@blp.response(200, CampaignSchema)
def show(campaign_id):
    """评选活动配置摘要：推荐类别、对象类型、标签、截止日期、公示计日约定、比例限制"""
    with services().db.transaction(write=False) as session:
        c = _campaign(session, campaign_id)
        config = c.config
        return {"id": c.id, "variant": c.variant, "name": c.name, "title": config["title"],
                "notice": config["notice"], "process_id": config["process_id"], "created_at": c.created_at,
                "created_by": c.created_by, "award_types": config["award_types"],
                "candidate_types": config["candidate_types"], "tags": config.get("tags", []),
                "deadlines": config["deadlines"], "publicity": config["publicity"],
                "ratio_caps": [{k: cap.get(k) for k in ("id", "label", "tag", "scope", "max", "min")}
                               for cap in config.get("ratio_caps", [])]}


@blp.route("/<campaign_id>/dashboard", methods=["GET"])
@requires("campaigns:read")
@blp.response(200, DashboardSchema)
def dashboard(campaign_id):
    """活动看板：各环节人数、结果、各单位名额使用、各项比例的当前值"""
    d = services().campaigns.dashboard(campaign_id)
    caps = [{**cap, "description": _describe(cap)} for cap in d["caps"]]
    return {**d, "caps": caps}


def _describe(cap: dict) -> str:
    from engine.ratios import CapStatus

    return CapStatus(**cap).describe()


@blp.route("/<campaign_id>/candidates", methods=["GET"])
@requires("campaigns:read")
@blp.arguments(CandidateArgsSchema, location="query")
@blp.response(200, CandidatePageSchema)
def candidates(args, campaign_id):
    """推荐对象列表（分页）；经办人员只看到本单位推荐的对象"""
    principal = current()
    with services().db.transaction(write=False) as session:
        _campaign(session, campaign_id)
        where = [Candidate.campaign_id == campaign_id]
        if principal.role == "staff":
            where.append(Candidate.unit == (principal.unit or ""))
        if args.get("unit"):
            where.append(Candidate.unit == args["unit"])
        if args.get("award_type"):
            where.append(Candidate.award_type == args["award_type"])
        if args.get("stage"):
            where.append(Candidate.stage == args["stage"])
        total = session.scalar(select(func.count()).select_from(Candidate).where(*where))
        rows = session.scalars(select(Candidate).where(*where).order_by(Candidate.created_at, Candidate.name, Candidate.id)
                               .offset((args["page"] - 1) * args["per_page"]).limit(args["per_page"])).all()
        items = [{"id": c.id, "name": c.name, "unit": c.unit, "award_type": c.award_type,
                  "candidate_type": c.candidate_type, "tags": list(c.tags or []), "stage": c.stage,
                  "outcome": c.outcome, "outcome_reason": c.outcome_reason, "created_at": c.created_at} for c in rows]
    return {"items": items, "total": total, "page": args["page"], "per_page": args["per_page"]}


@blp.route("/<campaign_id>/candidates", methods=["POST"])
@requires("campaigns:nominate")
@idempotent
@blp.arguments(NominateSchema)
@blp.response(201, InstanceViewSchema)
def nominate(body, campaign_id):
    """推荐：在本单位名额内新增推荐对象（启动其流程实例）；名额已满返回 422"""
    principal = current()
    if principal.role == "staff":
        if not principal.unit:
            raise Forbidden("您的账号未绑定单位，不能推荐")
        if body.get("unit") not in (None, principal.unit):
            raise Forbidden("经办人员只能以本单位名义推荐")
        unit = principal.unit
    else:
        unit = body.get("unit")
        if not unit:
            raise ValidationFailed("请指定推荐单位", {"unit": "必填"})
    view = services().campaigns.nominate(campaign_id, unit=unit, award_type=body["award_type"],
                                         candidate_type=body["candidate_type"], name=body["name"],
                                         actor=principal.name, tags=body["tags"])
    return asdict(view)


@blp.route("/<campaign_id>/reviews/preview", methods=["POST"])
@requires("campaigns:review")
@blp.arguments(ReviewPreviewSchema)
@blp.response(200, ReviewPreviewResultSchema)
def review_preview(body, campaign_id):
    """审核名单预览：按拟定结论，列出拟通过者的各项比例（提交前显示，不改变任何数据）"""
    _require_holds_all(body["task_ids"], "审核")
    tasks = services().campaigns._open_tasks(campaign_id, body["task_ids"])
    listed = {t["instance_id"] for t in tasks}
    approved = {d["candidate_id"] for d in body["decisions"] if d["decision"] == "通过"} & listed
    statuses = services().campaigns.cap_statuses(campaign_id, approved)
    return {"checks_caps": any(t["checks_caps"] for t in tasks), "approved": len(approved),
            "ok": all(s.ok for s in statuses), "caps": [cap_dict(s) for s in statuses]}


@blp.route("/<campaign_id>/reviews", methods=["POST"])
@requires("campaigns:review")
@idempotent
@blp.arguments(ReviewSchema)
@blp.response(200, BatchResultSchema)
def review(body, campaign_id):
    """提交审核名单（全部成功或全部不提交）；超出比例限制且未填理由返回 422，caps 列出各项比例"""
    _require_holds_all(body["task_ids"], "审核")
    views = services().campaigns.batch_review(campaign_id, body["task_ids"], body["form"], current().name,
                                              override_reason=body.get("override_reason"))
    _clear_drafts(body["task_ids"])
    return {"results": [asdict(v) for v in views]}


@blp.route("/<campaign_id>/publicity", methods=["POST"])
@requires("campaigns:publicity")
@idempotent
@blp.arguments(PublicitySchema)
@blp.response(200, BatchResultSchema)
def publicity(body, campaign_id):
    """张贴公示：一次办结名单中各推荐对象的公示张贴任务，公示期开始计算"""
    _require_holds_all(body["task_ids"], "张贴公示")
    views = services().campaigns.post_publicity(campaign_id, body["task_ids"], body["form"], current().name)
    _clear_drafts(body["task_ids"])
    return {"results": [asdict(v) for v in views]}


@candidates_blp.route("/<candidate_id>/objections", methods=["POST"])
@requires("objections:write")
@idempotent
@candidates_blp.arguments(ObjectionSchema)
@candidates_blp.response(200, InstanceViewSchema)
def objection(body, candidate_id):
    """登记异议（公示期内）；推荐对象随即进入“核实异议”，核实结论通过任务提交接口办结。不在公示期返回 409"""
    principal = current()
    with services().db.transaction(write=False) as session:
        candidate = session.get(Candidate, candidate_id)
        if candidate is None:
            raise NotFound(f"推荐对象 {candidate_id} 不存在")
        unit = candidate.unit
    if principal.role == "staff" and unit != principal.unit:
        raise Forbidden("经办人员只能为本单位推荐的对象登记异议")
    return asdict(services().campaigns.lodge_objection(candidate_id, body, principal.name))
