"""推荐审批表 (.docx) of one candidate, from the variant's Word template beside the form schema
it prints, filled with the recorded form, the photo and each approval level's recorded conclusion."""
from __future__ import annotations

import io
from collections import defaultdict

from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import Environment

from engine.documents import records
from engine.documents.chain import chain
from engine.documents.display import flatten
from engine.documents.files import GeneratedFile, safe_name
from engine.documents.variant_docs import variant_docs
from engine.errors import NotFound
from engine.people.access import Principal

PHOTO_WIDTH = Mm(33)  # a 2-inch photo is 35 × 49 mm; the cell leaves room for its border


class _CompiledOnce(Environment):
    """docxtpl compiles the template's XML on every render (60% of a form's cost); the XML of a
    template is the same each time, so its compiled Jinja template is kept and reused."""

    def __init__(self):
        super().__init__(autoescape=True)
        self._compiled: dict[str, object] = {}

    def from_string(self, source, globals=None, template_class=None):  # noqa: A002
        if globals or template_class:
            return super().from_string(source, globals, template_class)
        if source not in self._compiled:
            if len(self._compiled) > 256:
                self._compiled.clear()
            self._compiled[source] = super().from_string(source)
        return self._compiled[source]


_JINJA = _CompiledOnce()


def recommendation_step(docs, record: records.CandidateRecord) -> records.Step:
    """The last time the candidate's recommendation form was filled (again after a return)."""
    steps = [s for s in record.steps if s.form is not None and s.form in docs.approval_forms]
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
    assert step.form is not None  # recommendation_step only returns steps with a form
    rule = docs.approval_form(step.form)
    template = DocxTemplate(rule.template)
    photo_bytes = records.photo(services, record, step.data)
    photo = InlineImage(template, io.BytesIO(photo_bytes), width=PHOTO_WIDTH) if photo_bytes else "（照片未上传）"
    context = {"v": defaultdict(str, flatten(step.data)), "photo": photo,
               "chain": chain(forms_dir, docs, record, step.form, step.data), "title": rule.title}
    template.render(context, jinja_env=_JINJA, autoescape=True)
    out = io.BytesIO()
    template.save(out)
    return GeneratedFile(f"{safe_name(record.name)}-{rule.title}.docx", out.getvalue())
