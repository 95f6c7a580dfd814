"""公示 notice (.docx, PDF through `pdf`) of one posting: the candidates, the period computed from
the calendar, and where to send objections."""
from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH

from engine.documents import docx_style as style
from engine.documents import records
from engine.documents.display import cn_date
from engine.documents.files import GeneratedFile, safe_name
from engine.documents.postings import Posting, find
from engine.people.access import Principal


def render(services, principal: Principal, campaign_id: str, posting_id: str) -> GeneratedFile:
    campaign = records.campaign(services, principal, campaign_id)
    posting = find(services, campaign, posting_id)
    return GeneratedFile(f"{safe_name(campaign.name)}-{safe_name(posting.title)}-{posting.start.isoformat()}.docx",
                         notice(campaign.name, posting))


def notice(campaign_name: str, posting: Posting) -> bytes:
    form = posting.form
    level = form.get("level") or posting.title.removeprefix("张贴")
    document = Document()
    style.setup(document)
    style.title(document, f"关于{campaign_name}拟推荐对象的公示", style.HEADING_SIZE)
    style.line(document)
    style.line(document, f"　　根据评选表彰工作有关要求，经民主推荐、审核，现将{level}拟推荐对象予以公示"
                         f"（公示范围：{form.get('scope', '')}，公示方式：{form.get('channel', '')}）。"
                         f"公示期为{cn_date(posting.start.isoformat())}至{cn_date(posting.last_day.isoformat())}"
                         f"（{posting.working_days}个工作日）。")
    style.line(document)
    grid = style.table(document, len(posting.candidates) + 1, 4, (1.6, 6.0, 2.6, 5.2))
    for c, text in enumerate(("序号", "推荐对象", "类别", "推荐单位")):
        style.cell_text(grid.cell(0, c), text, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for r, candidate in enumerate(posting.candidates, start=1):
        for c, text in enumerate((str(r), candidate.name, candidate.award_label, candidate.unit)):
            style.cell_text(grid.cell(r, c), text)
    style.line(document)
    contact = form.get("objection_contact") or {}
    style.line(document, "　　公示期间，如对公示对象有异议，请以书面、署名形式向"
                         f"{contact.get('department', form.get('posted_by', ''))}反映"
                         f"（联系电话：{contact.get('phone', '')}）。以单位名义反映情况的应加盖公章，"
                         "以个人名义反映情况的应署真实姓名并提供联系方式。")
    style.line(document)
    style.line(document, form.get("posted_by", ""), align=WD_ALIGN_PARAGRAPH.RIGHT)
    style.line(document, cn_date(posting.start.isoformat()), align=WD_ALIGN_PARAGRAPH.RIGHT)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
