"""征求意见表 (.docx) of one candidate: a row per consulted department with its recorded opinion,
signer and date (盖章 left for the seal); or one department's form alone."""
from __future__ import annotations

import io

from docx import Document

from engine.documents import docx_style as style
from engine.documents import records
from engine.documents.display import cn_date
from engine.documents.files import GeneratedFile, safe_name
from engine.documents.variant_docs import variant_docs
from engine.errors import NotFound
from engine.people.access import Principal

OPINION_FORM = "common/department_opinion.json"


def opinions(record: records.CandidateRecord) -> list[records.Step]:
    """Each department's last recorded opinion, in the order they were given."""
    latest: dict[str, records.Step] = {}
    for step in record.steps_with_form(OPINION_FORM):
        latest[step.data.get("department") or step.unit or ""] = step
    return sorted(latest.values(), key=lambda s: s.at)


def render(services, principal: Principal, candidate_id: str, department: str | None = None) -> GeneratedFile:
    return render_record(services, records.candidate(services, principal, candidate_id), department)


def render_record(services, record: records.CandidateRecord, department: str | None = None) -> GeneratedFile:
    docs = variant_docs(services.settings.forms_dir, record.variant)
    given = opinions(record)
    if department is not None:
        given = [s for s in given if department in (s.data.get("department"), s.unit)]
        if not given:
            raise NotFound(f"「{department}」尚未对推荐对象「{record.name}」出具意见")
    if not given:
        raise NotFound(f"推荐对象「{record.name}」尚无征求意见记录")
    title = docs.opinion_forms.get(record.award_type, f"{record.award_label}征求意见表")
    document = Document()
    style.setup(document)
    style.title(document, title, style.HEADING_SIZE)
    style.line(document)
    style.line(document, f"推荐对象：{record.name}（{record.award_label}）　　推荐单位：{record.unit}")
    style.line(document)
    grid = style.table(document, len(given), 2, (4.4, 11.0))
    for i, step in enumerate(given):
        opinion = step.data.get("opinion") or {}
        verdict = opinion.get("opinion", "")
        if opinion.get("adverse") and opinion.get("reason"):
            verdict += f"（{opinion['reason']}）"
        style.cell_text(grid.cell(i, 0), f"{step.data.get('department') or step.unit}意见", bold=True)
        style.cell_text(grid.cell(i, 1), f"{verdict}\n\n签字人：{opinion.get('signer', '')}　　（盖章）\n"
                                         f"{cn_date(opinion.get('date') or step.day)}")
    scope = f"-{safe_name(department)}" if department else ""
    out = io.BytesIO()
    document.save(out)
    return GeneratedFile(f"{safe_name(record.name)}-征求意见表{scope}.docx", out.getvalue())
