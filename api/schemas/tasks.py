from __future__ import annotations

from marshmallow import validate

from engine.tasks.inbox import SORTS

from .base import BaseSchema, Bool, DateTime, Dict, Int, List, Nested, PageArgsSchema, PageMetaSchema, Str, length, one_of
from .instances import InstanceViewSchema

MAX_BATCH = 200


class InboxArgsSchema(PageArgsSchema):
    state = Str(load_default="ready", validate=one_of(["ready", "completed", "cancelled", "all"]))
    lane = Str(validate=length(1, 200))
    unit = Str(validate=length(1, 200))
    role = Str(validate=length(1, 100))
    spec = Str(validate=length(1, 200), metadata={"description": "BPMN 元素 ID"})
    instance_id = Str(validate=length(1, 36))
    due_before = DateTime(metadata={"description": "截止时间不晚于此时刻"})
    overdue = Bool(load_default=False, metadata={"description": "只看已逾期的"})
    mine = Bool(load_default=False, metadata={"description": "只看本人办理的（已办）"})
    sort = Str(load_default="due_at", validate=one_of(SORTS),
               metadata={"description": "due_at：按截止时间（无截止时间的排最后）；前加 - 为倒序"})
    campaign_id = Str(validate=length(1, 36), metadata={"description": "只看该评选活动的推荐对象的任务"})
    q = Str(validate=length(1, 100), metadata={"description": "按推荐对象名称查找（包含即可）"})
    after = Str(validate=length(1, 400),
                metadata={"description": "上一页返回的 next_cursor：按截止时间排序时从该处接着读（键集分页，深页也快）"})


class InboxItemSchema(BaseSchema):
    task_id = Str(required=True)
    instance_id = Str(required=True)
    spec = Str(required=True)
    title = Str(required=True)
    lane = Str(allow_none=True)
    role = Str(allow_none=True)
    unit = Str(allow_none=True)
    form = Str(allow_none=True)
    state = Str(required=True)
    due_at = DateTime(allow_none=True)
    overdue = Bool(required=True)
    created_at = DateTime(required=True)
    completed_at = DateTime(allow_none=True)
    completed_by = Str(allow_none=True)
    assignee = Str(allow_none=True, metadata={"description": "转办后的经办人"})
    business_key = Str(allow_none=True)
    process_id = Str(allow_none=True)
    campaign_id = Str(allow_none=True)
    campaign_name = Str(allow_none=True)


class InboxPageSchema(PageMetaSchema):
    items = List(Nested(InboxItemSchema), required=True)
    next_cursor = Str(allow_none=True, metadata={"description": "下一页的游标（作为 after 传回）；最后一页为空"})


class ReminderSchema(BaseSchema):
    sent_by = Str(required=True)
    sent_at = DateTime(required=True)
    message = Str(required=True)


class TaskDetailSchema(InboxItemSchema):
    version = Int(required=True, metadata={"description": "实例当前版本号"})
    instance_status = Str(required=True)
    reminders = List(Nested(ReminderSchema), required=True)
    actions = List(Str(), required=True, metadata={"description": "当前用户可执行的操作"})


class TaskSubjectSchema(BaseSchema):
    candidate_id = Str(required=True)
    name = Str(required=True)
    unit = Str(required=True, metadata={"description": "推荐单位"})
    award_type = Str(required=True, metadata={"description": "推荐类别名称，如 先进个人"})
    candidate_type = Str(required=True)
    stage = Str(required=True)
    form = Str(allow_none=True, metadata={"description": "推荐审批表的表单名"})
    schema = Dict(allow_none=True, metadata={"description": "推荐审批表的 JSON Schema（只读展示用）"})
    data = Dict(allow_none=True, metadata={"description": "推荐审批表提交时的内容"})


class TaskFormSchema(BaseSchema):
    task_id = Str(required=True)
    form = Str(allow_none=True)
    schema = Dict(required=True, metadata={"description": "JSON Schema"})
    ui_schema = Dict(allow_none=True)
    data = Dict(required=True, metadata={"description": "当前数据：草稿，或任务已有的数据"})
    draft_saved_at = DateTime(allow_none=True)
    version = Int(required=True)
    subject = Nested(TaskSubjectSchema, allow_none=True, metadata={"description": "本任务所属的推荐对象（只读）"})


class DraftSchema(BaseSchema):
    data = Dict(keys=Str(), required=True)


class DraftSavedSchema(BaseSchema):
    task_id = Str(required=True)
    saved_at = DateTime(required=True)


def _version(**kwargs):
    return Int(required=True, validate=validate.Range(min=0, error="版本号不能为负"),
               metadata={"description": "提交所依据的实例版本号（来自任务详情或表单）"}, **kwargs)


class SubmitSchema(BaseSchema):
    version = _version()
    data = Dict(keys=Str(), required=True, metadata={"description": "表单数据，按任务的 JSON Schema 校验"})


class CorrectionSchema(SubmitSchema):
    reason = Str(required=True, validate=length(1, 2000),
                 metadata={"description": "更正理由（如补录已在线下张贴的公示），记入事件"})


class BatchItemSchema(BaseSchema):
    task_id = Str(required=True, validate=length(1, 36))
    version = _version()
    data = Dict(keys=Str(), metadata={"description": "缺省时使用列表共同的 data"})


class BatchSubmitSchema(BaseSchema):
    items = List(Nested(BatchItemSchema), required=True,
                 validate=validate.Length(min=1, max=MAX_BATCH, error=f"一次应提交 1—{MAX_BATCH} 项"))
    data = Dict(keys=Str(), load_default=dict, metadata={"description": "各项共同的表单数据（如审核结论）"})


class BatchResultSchema(BaseSchema):
    results = List(Nested(InstanceViewSchema), required=True)


class ReturnSchema(BaseSchema):
    version = _version()
    reason = Str(required=True, validate=length(1, 500), metadata={"description": "退回理由"})


class WithdrawSchema(BaseSchema):
    version = _version()
    reason = Str(load_default="", validate=length(max=500))


class TransferSchema(BaseSchema):
    version = _version()
    to = Str(required=True, validate=length(1, 100), metadata={"description": "接收人的用户名"})
    reason = Str(load_default="", validate=length(max=500))


class RemindSchema(BaseSchema):
    message = Str(load_default="请尽快办理", validate=length(1, 500))


class RemindResultSchema(BaseSchema):
    task_id = Str(required=True)
    reminders = Int(required=True, metadata={"description": "该任务累计被催办次数"})
