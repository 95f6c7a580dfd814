"""Schemas of /api/documents: which document, in which format; postings; background jobs."""
from __future__ import annotations

from engine.documents.export import KINDS

from .base import BaseSchema, Bool, Int, Str, one_of

FORMATS = sorted({f for kind in KINDS.values() for f in kind.formats})


class DocumentArgsSchema(BaseSchema):
    format = Str(validate=one_of(FORMATS), metadata={"description": "文件格式；默认为该材料的首选格式"})
    unit = Str(metadata={"description": "汇总表、照片：只含该推荐单位（经办人员只能是本单位）"})
    department = Str(metadata={"description": "征求意见表：只含该部门"})


class PostingSchema(BaseSchema):
    id = Str(required=True, metadata={"description": "公示编号（下载公示时使用）"})
    title = Str(required=True)
    unit = Str(allow_none=True)
    start = Str(required=True, metadata={"description": "公示开始日期"})
    last_day = Str(required=True, metadata={"description": "按工作日历计算的公示最后一天"})
    candidates = Int(required=True)


class JobArgsSchema(BaseSchema):
    pdf = Bool(load_default=False, metadata={"description": "同时为每份 docx 生成 PDF"})


class JobSchema(BaseSchema):
    id = Str(required=True)
    campaign_id = Str(required=True)
    state = Str(required=True, metadata={"description": "running 生成中 / done 已完成 / failed 失败"})
    done = Int(required=True)
    total = Int(required=True)
    error = Str(required=True)
    file_name = Str(required=True)
