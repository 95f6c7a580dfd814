"""One entry point per document kind for the CLI and the API: the kind, its target (a candidate,
a campaign or a posting) and the format asked for. Formats a kind cannot give are refused with a
Chinese message before anything is generated."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select

from engine.campaigns.campaign_models import Candidate
from engine.documents import approval_form, decision_list, opinion_forms, photos, publicity, records, summary, work_report
from engine.documents.files import GeneratedFile
from engine.documents.pdf import to_pdf
from engine.documents.postings import postings
from engine.errors import NotFound, ValidationFailed
from engine.people.access import Principal
from engine.storage.models import HumanTask


@dataclass(frozen=True)
class Kind:
    target: str  # candidate | campaign | posting
    formats: tuple[str, ...]
    render: Callable[..., GeneratedFile]
    label: str


def _publicity(services, principal, posting_id, **_):
    return publicity.render(services, principal, campaign_of_posting(services, posting_id), posting_id)


KINDS = {
    "approval-form": Kind("candidate", ("docx", "pdf"), lambda s, p, t, **o: approval_form.render(s, p, t), "推荐审批表"),
    "opinion-forms": Kind("candidate", ("docx", "pdf"),
                          lambda s, p, t, department=None, **o: opinion_forms.render(s, p, t, department), "征求意见表"),
    "summary": Kind("campaign", ("xlsx",), lambda s, p, t, unit=None, **o: summary.render(s, p, t, unit), "推荐对象汇总表"),
    "publicity": Kind("posting", ("docx", "pdf"), _publicity, "公示"),
    "decision": Kind("campaign", ("docx", "pdf"), lambda s, p, t, **o: decision_list.render(s, p, t), "表彰名单"),
    "report": Kind("campaign", ("docx", "pdf"), lambda s, p, t, **o: work_report.render(s, p, t), "推荐工作情况报告"),
    "photos": Kind("campaign", ("zip",), lambda s, p, t, unit=None, **o: photos.render(s, p, t, unit), "照片"),
}


def export(services, principal: Principal, kind: str, target: str, fmt: str | None = None, **options) -> GeneratedFile:
    if kind not in KINDS:
        raise ValidationFailed("未知的材料类型", {"kind": "可选：" + "、".join(KINDS)})
    spec = KINDS[kind]
    fmt = fmt or spec.formats[0]
    if fmt not in spec.formats:
        raise ValidationFailed(f"{spec.label}不能导出为 {fmt} 格式", {"format": "可选：" + "、".join(spec.formats)})
    generated = spec.render(services, principal, target, **options)
    return to_pdf([generated])[0] if fmt == "pdf" and generated.extension != "pdf" else generated


def campaign_of_posting(services, posting_id: str) -> str:
    with services.db.transaction(write=False) as session:
        campaign_id = session.scalar(select(Candidate.campaign_id).join(HumanTask, HumanTask.instance_id == Candidate.id)
                                     .where(HumanTask.task_id == str(posting_id)[:36]))
    if campaign_id is None:
        raise NotFound(f"公示 {posting_id} 不存在")
    return campaign_id


@dataclass(frozen=True)
class PostingSummary:
    id: str
    title: str
    unit: str | None
    start: str
    last_day: str
    candidates: int


def list_postings(services, principal: Principal, campaign_id: str) -> list[PostingSummary]:
    campaign = records.campaign(services, principal, campaign_id)
    return [PostingSummary(p.id, p.title, p.unit, p.start.isoformat(), p.last_day.isoformat(), len(p.candidates))
            for p in postings(services, campaign)]
