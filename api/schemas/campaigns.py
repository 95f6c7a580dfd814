"""Schemas of /api/campaigns and /api/candidates: campaigns, nominations, list acts, objections."""
from __future__ import annotations

from marshmallow import INCLUDE, validate

from .base import (
    BaseSchema,
    Bool,
    CapStatusSchema,
    Date,
    DateTime,
    Dict,
    Float,
    Int,
    List,
    Nested,
    PageArgsSchema,
    PageMetaSchema,
    Str,
    length,
    one_of,
)
from .instances import InstanceViewSchema
from .tasks import MAX_BATCH

AWARD_TYPES = ("collective", "individual", "suggestion", "station")


class CampaignCreateSchema(BaseSchema):
    variant = Str(required=True, validate=validate.Regexp(r"^[0-9A-Za-z_-]{1,20}$", error="应为流程变体编号，如 001"),
                  metadata={"description": "processes/ 下的变体目录，如 001"})
    name = Str(allow_none=True, load_default=None, validate=length(1, 300),
               metadata={"description": "活动名称；不填则用配置中的标题"})
    deadlines = Dict(keys=Str(validate=length(1, 100)), values=Date(), load_default=None, allow_none=True,
                     metadata={"description": "覆盖通知中的截止日期，如 {\"submit_by\": \"2026-07-03\"}"})


class CampaignCreatedSchema(BaseSchema):
    id = Str(required=True)


class CampaignRowSchema(BaseSchema):
    id = Str(required=True)
    variant = Str(required=True)
    name = Str(required=True)
    created_at = DateTime(required=True)


class PublicityConventionSchema(BaseSchema):
    days = Int(required=True, metadata={"description": "公示工作日数"})
    convention = Str(required=True, metadata={"description": "计日约定，如 posting-day：张贴当日计为第 1 天"})


class RatioCapSchema(BaseSchema):
    id = Str(required=True)
    label = Str(required=True)
    tag = Str(required=True)
    scope = Str(required=True, metadata={"description": "collective / individual / … 或 all（表彰总数）"})
    max = Float(allow_none=True)
    min = Float(allow_none=True)


class CampaignSchema(BaseSchema):
    id = Str(required=True)
    variant = Str(required=True)
    name = Str(required=True)
    title = Str(required=True)
    notice = Str(required=True, metadata={"description": "通知文号"})
    process_id = Str(required=True)
    created_at = DateTime(required=True)
    created_by = Str(required=True)
    award_types = Dict(keys=Str(), values=Str(), required=True, metadata={"description": "推荐类别：代码 → 名称"})
    candidate_types = List(Str(), required=True)
    tags = List(Str(), required=True)
    deadlines = Dict(keys=Str(), values=Str(), required=True)
    publicity = Nested(PublicityConventionSchema, required=True)
    ratio_caps = List(Nested(RatioCapSchema), required=True)
    facts = List(Dict(), required=True, metadata={"description": "由审批表认定或推荐时标注的事实（docs/rules.md）"})
    rules = List(Dict(), required=True, metadata={"description": "通知规定的规则：名额、总数、比例、数量、配套推荐（docs/rules.md）"})


class QuotaUseSchema(BaseSchema):
    unit = Str(required=True)
    award_type = Str(required=True, metadata={"description": "推荐类别代码，或 total（合计）"})
    limit = Int(required=True)
    used = Int(required=True)


class DashboardSchema(BaseSchema):
    stages = Dict(keys=Str(), values=Int(), required=True, metadata={"description": "各环节的推荐对象数"})
    outcomes = Dict(keys=Str(), values=Int(), required=True, metadata={"description": "各结果的推荐对象数（进行中另计）"})
    quotas = List(Nested(QuotaUseSchema), required=True)
    caps = List(Nested(CapStatusSchema), required=True, metadata={"description": "进行中和已表彰的推荐对象的比例"})


class CandidateArgsSchema(PageArgsSchema):
    unit = Str(validate=length(1, 200))
    award_type = Str(validate=one_of(AWARD_TYPES))
    stage = Str(validate=length(1, 200))


class CandidateRowSchema(BaseSchema):
    id = Str(required=True, metadata={"description": "推荐对象编号（即流程实例编号）"})
    name = Str(required=True)
    unit = Str(required=True)
    award_type = Str(required=True)
    candidate_type = Str(required=True)
    tags = List(Str(), required=True)
    stage = Str(required=True)
    outcome = Str(allow_none=True)
    outcome_reason = Str(allow_none=True)
    created_at = DateTime(required=True)


class CandidatePageSchema(PageMetaSchema):
    items = List(Nested(CandidateRowSchema), required=True)


class NominateSchema(BaseSchema):
    award_type = Str(required=True, validate=length(1, 30))
    candidate_type = Str(required=True, validate=length(1, 50))
    name = Str(required=True, validate=length(1, 200))
    tags = List(Str(validate=length(1, 100)), load_default=list, validate=validate.Length(max=20, error="最多 20 个标签"))
    unit = Str(validate=length(1, 200), metadata={"description": "推荐单位：仅系统管理员可指定；经办人员固定为本单位"})


TaskIds = List(Str(validate=length(1, 36)), required=True,
               validate=validate.Length(min=1, max=MAX_BATCH, error=f"应选择 1—{MAX_BATCH} 个任务"))


class DecisionSchema(BaseSchema):
    class Meta(BaseSchema.Meta):
        unknown = INCLUDE

    candidate_id = Str(required=True, validate=length(1, 36))
    decision = Str(required=True, validate=length(1, 20), metadata={"description": "通过 / 不通过"})


class ReviewPreviewSchema(BaseSchema):
    task_ids = TaskIds
    decisions = List(Nested(DecisionSchema), required=True, validate=validate.Length(max=MAX_BATCH))


class ReviewPreviewResultSchema(BaseSchema):
    checks_caps = Bool(required=True, metadata={"description": "这些任务是否受比例限制"})
    approved = Int(required=True, metadata={"description": "拟通过的推荐对象数"})
    ok = Bool(required=True, metadata={"description": "全部比例均符合"})
    caps = List(Nested(CapStatusSchema), required=True)
    rules = List(Nested(lambda: RuleStatusSchema()), required=True,
                 metadata={"description": "通知规定的各项规则在本名单下的状态（约束性／原则性）"})


class RuleStatusSchema(BaseSchema):
    """One rule of the notice evaluated over the selected set at the step (engine.campaigns.rules)."""

    id = Str(required=True)
    quote = Str(required=True, metadata={"description": "通知原文"})
    force = Str(required=True, metadata={"enum": ["binding", "advisory"]})
    kind = Str(required=True)
    ok = Bool(required=True)
    value = Str(required=True)
    limit = Str(required=True)
    group = Str(allow_none=True)
    absolute = Bool(required=True)
    description = Str(required=True)


class ReviewSchema(BaseSchema):
    task_ids = TaskIds
    form = Dict(keys=Str(), required=True, metadata={"description": "审核名单表单（common/review_decision.json），含 decisions"})
    override_reason = Str(allow_none=True, load_default=None, validate=length(1, 2000),
                          metadata={"description": "超出比例限制仍须通过时的理由（记入每个推荐对象的流程记录）"})


class PublicitySchema(BaseSchema):
    task_ids = TaskIds
    form = Dict(keys=Str(), required=True, metadata={"description": "公示张贴表单（common/publicity_posting.json）"})


class ObjectionSchema(BaseSchema):
    """The objection form (common/objection.json) itself; the engine validates it."""

    class Meta(BaseSchema.Meta):
        unknown = INCLUDE


class ObjectionLodgedSchema(InstanceViewSchema):
    objection_id = Str(required=True, metadata={"description": "异议编号：核实异议时据此对应"})
