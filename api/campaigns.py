"""/api/campaigns and /api/candidates: campaigns (评选活动), nominations within quotas, the list acts
(batch review with ratio caps, publicity postings) and objections. Decisions are the engine's
(engine.campaigns.campaigns, engine.people.access); this module checks who may ask and shapes the answers."""
from __future__ import annotations

from dataclasses import asdict

from engine.campaigns import campaign_views, list_acts
from engine.errors import ValidationFailed
from engine.people.access import Forbidden

from .blueprint import Blueprint
from .idempotency import idempotent
from .schemas.campaigns import (
    CampaignCreatedSchema,
    CampaignCreateSchema,
    CampaignRowSchema,
    CampaignSchema,
    CandidateArgsSchema,
    CandidatePageSchema,
    DashboardSchema,
    NominateSchema,
    ObjectionLodgedSchema,
    ObjectionSchema,
    PublicitySchema,
    ReviewPreviewResultSchema,
    ReviewPreviewSchema,
    ReviewSchema,
)
from .schemas.instances import InstanceViewSchema
from .schemas.tasks import BatchResultSchema
from .security import current, requires, services

blp = Blueprint("campaigns", __name__, url_prefix="/api/campaigns", description="评选活动、推荐名额、审核名单与公示")
candidates_blp = Blueprint("candidates", __name__, url_prefix="/api/candidates", description="推荐对象：异议登记")


def cap_dict(status) -> dict:
    return {**asdict(status), "description": status.describe()}


@blp.route("", methods=["GET"])
@requires("campaigns:list")
@blp.response(200, CampaignRowSchema(many=True))
def listing():
    """评选活动列表，新的在前"""
    return [asdict(row) for row in campaign_views.listing(services())]


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
    return asdict(campaign_views.summary(services(), campaign_id))


@blp.route("/<campaign_id>/dashboard", methods=["GET"])
@requires("campaigns:read")
@blp.response(200, DashboardSchema)
def dashboard(campaign_id):
    """活动看板：各环节人数、结果、各单位名额使用、各项比例的当前值；经办人员只看到本单位的数字"""
    principal = current()
    return services().campaigns.dashboard(campaign_id, unit=(principal.unit or "") if principal.role == "staff" else None)


@blp.route("/<campaign_id>/candidates", methods=["GET"])
@requires("campaigns:read")
@blp.arguments(CandidateArgsSchema, location="query")
@blp.response(200, CandidatePageSchema)
def candidates(args, campaign_id):
    """推荐对象列表（分页）；经办人员只看到本单位推荐的对象"""
    f = campaign_views.CandidateFilter(args.get("unit"), args.get("award_type"), args.get("stage"),
                                       args["page"], args["per_page"])
    return asdict(campaign_views.candidates(services(), current(), campaign_id, f))


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
    result = list_acts.preview_review(services(), current(), campaign_id, body["task_ids"], body["decisions"])
    return {**result, "caps": [cap_dict(s) for s in result["caps"]], "rules": [cap_dict(r) for r in result["rules"]]}


@blp.route("/<campaign_id>/reviews", methods=["POST"])
@requires("campaigns:review")
@idempotent
@blp.arguments(ReviewSchema)
@blp.response(200, BatchResultSchema)
def review(body, campaign_id):
    """提交审核名单（全部成功或全部不提交）；超出比例限制且未填理由返回 422，caps 列出各项比例"""
    views = list_acts.review(services(), current(), campaign_id, body["task_ids"], body["form"],
                             body.get("override_reason"))
    return {"results": [asdict(v) for v in views]}


@blp.route("/<campaign_id>/publicity", methods=["POST"])
@requires("campaigns:publicity")
@idempotent
@blp.arguments(PublicitySchema)
@blp.response(200, BatchResultSchema)
def publicity(body, campaign_id):
    """张贴公示：一次办结名单中各推荐对象的公示张贴任务，公示期开始计算"""
    views = list_acts.post_publicity(services(), current(), campaign_id, body["task_ids"], body["form"])
    return {"results": [asdict(v) for v in views]}


@candidates_blp.route("/<candidate_id>/objections", methods=["POST"])
@requires("objections:write")
@idempotent
@candidates_blp.arguments(ObjectionSchema)
@candidates_blp.response(200, ObjectionLodgedSchema)
def objection(body, candidate_id):
    """登记异议（公示期内）；推荐对象随即进入“核实异议”，核实结论通过任务提交接口办结。不在公示期返回 409"""
    principal = current()
    if principal.role == "staff" and campaign_views.candidate_unit(services(), candidate_id) != principal.unit:
        raise Forbidden("经办人员只能为本单位推荐的对象登记异议")
    objection_id, view = services().campaigns.lodge_objection(candidate_id, body, principal.name)
    return {**asdict(view), "objection_id": objection_id}
