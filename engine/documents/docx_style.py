"""Page and font settings the notices ask for: A4, body in 仿宋_GB2312 小四 (12 pt), titles in
黑体. Fonts are named in the document (including the East Asian slot Word uses for Chinese);
where a machine lacks them, Word and LibreOffice substitute (on Debian with fonts-wqy-zenhei
installed, LibreOffice falls back to 文泉驿正黑 for the Chinese glyphs). See docs/documents.md."""
from __future__ import annotations

from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "黑体"
BODY_SIZE = Pt(12)  # 小四
TITLE_SIZE = Pt(22)  # 二号
HEADING_SIZE = Pt(16)  # 三号


def add_run(paragraph, text: str):
    """paragraph.add_run(text) clears the new run first through an XPath query compiled per call,
    which made half of a document's cost; a new run has nothing to clear."""
    run = paragraph.add_run()
    run._r.add_t(text)
    return run


def set_font(run_or_style, name: str, size=None, bold: bool | None = None) -> None:
    font = run_or_style.font
    font.name = name
    if size is not None:
        font.size = size
    if bold is not None:
        font.bold = bold
    rpr = run_or_style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), name)


def setup(document, landscape: bool = False) -> None:
    """A4 with the notices' margins; Normal style in the body font."""
    for section in document.sections:
        section.page_width, section.page_height = (Cm(29.7), Cm(21.0)) if landscape else (Cm(21.0), Cm(29.7))
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        section.top_margin = section.bottom_margin = Cm(2.54)
        section.left_margin = section.right_margin = Cm(2.8)
    set_font(document.styles["Normal"], BODY_FONT, BODY_SIZE)
    document.styles["Normal"].paragraph_format.space_after = Pt(0)


def title(document, text: str, size=TITLE_SIZE):
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_font(add_run(paragraph, text), TITLE_FONT, size)
    return paragraph


def line(document, text: str = "", align=None, bold: bool = False, font: str = BODY_FONT, size=None):
    paragraph = document.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    if text:
        set_font(add_run(paragraph, text), font, size or BODY_SIZE, bold or None)
    return paragraph


def cell_text(cell, text: str, bold: bool = False, align=None) -> None:
    """One run per paragraph, so a docxtpl tag in `text` stays whole."""
    lines = text.split("\n")
    first = cell.paragraphs[0]
    for i, value in enumerate(lines):
        paragraph = first if i == 0 else cell.add_paragraph()
        if align is not None:
            paragraph.alignment = align
        if value:
            set_font(add_run(paragraph, value), BODY_FONT, BODY_SIZE, bold or None)


def table(document, rows: int, cols: int, widths_cm: tuple[float, ...] | None = None):
    grid = document.add_table(rows=rows, cols=cols)
    grid.style = "Table Grid"
    if widths_cm:
        fix_widths(grid, widths_cm)
    return grid


def fix_widths(grid, widths_cm) -> None:
    """Column widths in cm, on the grid (what LibreOffice lays out by) and on every cell (Word)."""
    grid.autofit = False
    for column, width in zip(grid.columns, widths_cm):
        column.width = Cm(width)
    for row in grid.rows:
        for cell, width in zip(row.cells, widths_cm):
            cell.width = Cm(width)
