from __future__ import annotations

from .base import BaseSchema, Bool, DateTime, Dict, Float, Int, List, Nested, QueryInt, Str, between


class EventSchema(BaseSchema):
    seq = Int(required=True)
    type = Str(required=True)
    actor = Str(required=True)
    at = DateTime(required=True)
    payload = Dict(required=True)
    prev_hash = Str(required=True)
    hash = Str(required=True)


class TimelineSchema(BaseSchema):
    instance_id = Str(required=True)
    process_id = Str(required=True)
    status = Str(required=True)
    last_seq = Int(required=True)
    last_hash = Str(required=True)
    events = List(Nested(EventSchema), required=True)


class StateArgsSchema(BaseSchema):
    seq = QueryInt(required=True, validate=between(1, 10_000_000), metadata={"description": "第几条事件之后"})


class TaskStateSchema(BaseSchema):
    task_id = Str(required=True)
    spec = Str(required=True)
    title = Str(required=True)
    lane = Str(allow_none=True)
    state = Str(required=True)
    last_state_change = Float(required=True)


class StateAsOfSchema(BaseSchema):
    seq = Int(required=True)
    event = Nested(EventSchema, required=True)
    completed = List(Str(), required=True, metadata={"description": "此时已完成的元素 ID"})
    active = List(Str(), required=True, metadata={"description": "此时活动的元素 ID"})
    tasks = List(Nested(TaskStateSchema), required=True)
    data = Dict(required=True, metadata={"description": "最近完成的任务的数据"})
    finished = Bool(required=True)


class ChainSchema(BaseSchema):
    ok = Bool(required=True)
    events = Int(required=True)
    first_bad_seq = Int(allow_none=True)
    reason = Str(required=True)


class ReplaySchema(BaseSchema):
    ok = Bool(required=True)
    events = Int(required=True)
    differences = List(Str(), required=True)


class VerificationSchema(BaseSchema):
    ok = Bool(required=True)
    chain = Nested(ChainSchema, required=True)
    replay = Nested(ReplaySchema, allow_none=True, metadata={"description": "哈希链已损坏时不重放"})
