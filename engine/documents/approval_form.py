"""推荐审批表 (.docx) of one candidate, from the variant's Word template beside the form schema
it prints, filled with the recorded form, the photo and each approval level's recorded conclusion."""
from __future__ import annotations

import io
from collections import defaultdict

from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage

from ..access import Principal
from ..errors import NotFound
from . import records
from .chain import chain
from .display import flatten
from .files import GeneratedFile, safe_name
from .variant_docs import variant_docs

PHOTO_WIDTH = Mm(33)  # a 2-inch photo is 35 × 49 mm; the cell leaves room for its border


def recommendation_step(docs, record: records.CandidateRecord) -> records.Step:
    """The last time the candidate's recommendation form was filled (again after a return)."""
    steps = [s for s in record.steps if s.form in docs.approval_forms]
    if not steps:
        raise NotFound(f"推荐对象「{record.name}」尚未填写推荐审批表")
    return steps[-1]


def render(services, principal: Principal, candidate_id: str) -> GeneratedFile:
    record = records.candidate(services, principal, candidate_id)
    return render_record(services, record)


def render_record(services, record: records.CandidateRecord) -> GeneratedFile:
    forms_dir = services.settings.forms_dir
    docs = variant_docs(forms_dir, record.variant)
    step = recommendation_step(docs, record)
    rule = docs.approval_form(step.form)
    template = DocxTemplate(rule.template)
    photo_bytes = records.photo(services, record, step.data)
    photo = InlineImage(template, io.BytesIO(photo_bytes), width=PHOTO_WIDTH) if photo_bytes else "（照片未上传）"
    context = {"v": defaultdict(str, flatten(step.data)), "photo": photo,
               "chain": chain(forms_dir, docs, record, step.form, step.data), "title": rule.title}
    template.render(context, autoescape=True)
    out = io.BytesIO()
    template.save(out)
    return GeneratedFile(f"{safe_name(record.name)}-{rule.title}.docx", out.getvalue())
