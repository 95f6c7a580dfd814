"""表彰决定 list (.docx): the candidates whose record ended in 表彰, by award type, in
recommendation order; the office attaches it to the decision it issues."""
from __future__ import annotations

import io

from docx import Document

from engine.documents import docx_style as style
from engine.documents import records
from engine.documents.files import GeneratedFile, safe_name
from engine.people.access import Principal

AWARDED = "表彰"
NUMERALS = "一二三四五六七八九十"


def render(services, principal: Principal, campaign_id: str) -> GeneratedFile:
    return build(records.campaign(services, principal, campaign_id, wide_only=True))


def build(campaign: records.CampaignRecord) -> GeneratedFile:
    awarded = [c for c in campaign.candidates if c.outcome == AWARDED]
    document = Document()
    style.setup(document)
    style.title(document, f"{campaign.name}表彰名单", style.HEADING_SIZE)
    style.line(document)
    labels = campaign.config.get("award_types", {})
    for i, (award_type, label) in enumerate((k, v) for k, v in labels.items()
                                            if any(c.award_type == k for c in awarded)):
        names = [c for c in awarded if c.award_type == award_type]
        style.line(document, f"{NUMERALS[i]}、{label}（{len(names)}个）", font=style.TITLE_FONT)
        for candidate in names:
            style.line(document, f"　　{candidate.name}（{candidate.unit}）")
        style.line(document)
    if not awarded:
        style.line(document, "（尚无表彰对象）")
    out = io.BytesIO()
    document.save(out)
    return GeneratedFile(f"{safe_name(campaign.name)}-表彰名单.docx", out.getvalue())
