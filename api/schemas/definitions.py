from __future__ import annotations

from marshmallow import validate

from .base import BaseSchema, Bool, DateTime, Dict, Int, LintMessageSchema, List, Nested, Str, length

MAX_FILES = 200
MAX_FILE_CHARS = 1_000_000


class BundleSchema(BaseSchema):
    name = Str(required=True, validate=[length(1, 200), validate.Regexp(r"^[^/\\\s]+$", error="名称不能含空白或斜杠")],
               metadata={"description": "流程定义名称（同名再次部署即为新版本），如 sample、001"})
    files = Dict(keys=Str(validate=[length(1, 300), validate.Regexp(r"^.+\.(bpmn|dmn)$", error="只接受 .bpmn 或 .dmn 文件")]),
                 values=Str(validate=length(max=MAX_FILE_CHARS)), required=True,
                 validate=validate.Length(min=1, max=MAX_FILES, error=f"应包含 1—{MAX_FILES} 个文件"),
                 metadata={"description": "文件相对路径 → XML 文本"})


class LintReportSchema(BaseSchema):
    ok = Bool(required=True)
    messages = List(Nested(LintMessageSchema), required=True)


class DeploymentSchema(BaseSchema):
    id = Int(required=True)
    name = Str(required=True)
    version = Int(required=True)
    content_hash = Str(required=True)
    process_ids = List(Str(), required=True)
    files = List(Str(), required=True, metadata={"description": "文件名"})
    deployed_by = Str(required=True)
    deployed_at = DateTime(required=True)


class DeployResultSchema(BaseSchema):
    created = Bool(required=True, metadata={"description": "false 表示内容与已有版本相同，沿用该版本"})
    deployment = Nested(DeploymentSchema, required=True)


class DefinitionsArgsSchema(BaseSchema):
    name = Str(validate=length(1, 200))


class DiagramArgsSchema(BaseSchema):
    process_id = Str(validate=length(1, 200))


class DiagramXmlSchema(BaseSchema):
    process_id = Str(required=True)
    file = Str(required=True)
    xml = Str(required=True, metadata={"description": "BPMN 2.0 XML"})
