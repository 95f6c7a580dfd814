"""推荐对象汇总表 (.xlsx): one sheet per award type with the notice's columns, candidates in
recommendation order, for one recommending unit or the whole campaign; printable on A4 landscape
(fit to width, header rows repeated on every page)."""
from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins

from engine.config import TIMEZONE
from engine.documents import records
from engine.documents.approval_form import recommendation_step
from engine.documents.display import cn_date, flatten
from engine.documents.files import GeneratedFile, safe_name
from engine.documents.schema_fields import form_fields
from engine.documents.variant_docs import variant_docs
from engine.errors import NotFound
from engine.people.access import Principal

BODY = Font(name="仿宋_GB2312", size=11)
BOLD = Font(name="仿宋_GB2312", size=11, bold=True)
TITLE = Font(name="黑体", size=16)
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="center", horizontal="center")
HEADER_ROWS = 3  # title, unit/date line, column titles


def render(services, principal: Principal, campaign_id: str, unit: str | None = None,
           today: datetime | None = None) -> GeneratedFile:
    campaign = records.campaign(services, principal, campaign_id, unit)
    return build(services, campaign, unit or (principal.unit if principal.role == "staff" else None), today)


def build(services, campaign: records.CampaignRecord, unit: str | None = None,
          today: datetime | None = None) -> GeneratedFile:
    docs = variant_docs(services.settings.forms_dir, campaign.variant)
    day = (today or services.runtime.clock()).astimezone(TIMEZONE).date().isoformat()
    book = Workbook()
    book.remove(book.active)
    for award_type, rule in docs.summary.items():
        rows = [c for c in campaign.candidates if c.award_type == award_type]
        _sheet(book, services, docs, rule, campaign.config["award_types"].get(award_type, award_type), rows, unit, day)
    out = io.BytesIO()
    book.save(out)
    scope = safe_name(unit) if unit else "全部推荐单位"
    return GeneratedFile(f"{safe_name(campaign.name)}-推荐对象汇总表-{scope}.xlsx", out.getvalue())


def _sheet(book, services, docs, rule: dict, label: str, candidates, unit: str | None, day: str) -> None:
    sheet = book.create_sheet(label)
    titles = {f.path: f.title for f in form_fields(Path(services.settings.forms_dir), rule["form"])}
    header = ["序号", *(titles.get(c, c) for c in rule["columns"]), "推荐单位", "备注"]
    last = get_column_letter(len(header))
    sheet.merge_cells(f"A1:{last}1")
    sheet["A1"], sheet["A1"].font, sheet["A1"].alignment = rule["title"], TITLE, Alignment(horizontal="center")
    sheet.merge_cells(f"A2:{last}2")
    sheet["A2"] = f"推荐单位（盖章）：{unit or '（全部推荐单位）'}　　　　填表日期：{cn_date(day)}"
    sheet["A2"].font = BODY
    sheet.append(header)
    number = 0
    for candidate in candidates:
        try:
            data = flatten(recommendation_step(docs, candidate).data)
        except NotFound:  # a candidate whose form is not filled yet is listed by name
            data = {}
        number += 1
        remark = candidate.outcome or candidate.stage
        sheet.append([number, *(data.get(c, "") for c in rule["columns"]), candidate.unit, remark])
        if not data and rule["columns"]:
            sheet.cell(row=sheet.max_row, column=2, value=candidate.name)
    for row in sheet.iter_rows(min_row=HEADER_ROWS, max_row=sheet.max_row):
        for cell in row:
            cell.border, cell.alignment = BOX, WRAP
            cell.font = BOLD if cell.row == HEADER_ROWS else BODY
    for i, title in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = 6 if i == 1 else max(10, min(24, len(title) * 2 + 2))
    sheet.print_title_rows = f"1:{HEADER_ROWS}"
    setup = sheet.page_setup
    setup.paperSize, setup.orientation = sheet.PAPERSIZE_A4, "landscape"
    setup.fitToWidth, setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins = PageMargins(left=0.5, right=0.5, top=0.7, bottom=0.7)
    sheet.freeze_panes = f"A{HEADER_ROWS + 1}"
