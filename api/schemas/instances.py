from __future__ import annotations

from .base import BaseSchema, DateTime, Dict, Int, List, Nested, PageArgsSchema, PageMetaSchema, Str, length, one_of


class StartSchema(BaseSchema):
    process_id = Str(required=True, validate=length(1, 200))
    data = Dict(keys=Str(), load_default=dict, metadata={"description": "启动数据"})
    business_key = Str(allow_none=True, load_default=None, validate=length(1, 200),
                       metadata={"description": "业务标识，如推荐对象名称"})


class TaskBriefSchema(BaseSchema):
    task_id = Str(required=True)
    spec = Str(required=True, metadata={"description": "BPMN 元素 ID"})
    title = Str(required=True)
    lane = Str(allow_none=True)
    role = Str(allow_none=True)
    unit = Str(allow_none=True)
    form = Str(allow_none=True)
    due_at = Str(allow_none=True, metadata={"format": "date-time"})


class InstanceViewSchema(BaseSchema):
    id = Str(required=True)
    version = Int(required=True, metadata={"description": "实例版本号；提交、退回等操作须带上"})
    status = Str(required=True, metadata={"enum": ["running", "completed", "cancelled"]})
    ready_tasks = List(Nested(TaskBriefSchema), required=True)


class DeploymentRefSchema(BaseSchema):
    id = Int(required=True)
    name = Str(required=True)
    version = Int(required=True)


class InstanceSchema(InstanceViewSchema):
    process_id = Str(required=True)
    deployment = Nested(DeploymentRefSchema, required=True)
    business_key = Str(allow_none=True)
    created_at = DateTime(required=True)
    updated_at = DateTime(required=True)


class InstanceListArgsSchema(PageArgsSchema):
    status = Str(validate=one_of(["running", "completed", "cancelled"]))
    process_id = Str(validate=length(1, 200))


class InstanceRowSchema(BaseSchema):
    id = Str(required=True)
    process_id = Str(required=True)
    status = Str(required=True)
    version = Int(required=True)
    business_key = Str(allow_none=True)
    created_at = DateTime(required=True)
    updated_at = DateTime(required=True)


class InstanceListSchema(PageMetaSchema):
    items = List(Nested(InstanceRowSchema), required=True)


class InstanceDiagramSchema(BaseSchema):
    process_id = Str(required=True)
    file = Str(required=True)
    xml = Str(required=True, metadata={"description": "BPMN 2.0 XML"})
    completed = List(Str(), required=True, metadata={"description": "已完成的元素 ID"})
    active = List(Str(), required=True, metadata={"description": "当前活动（待办、等待中）的元素 ID"})
