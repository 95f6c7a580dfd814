"""Writes the Word templates of the 推荐审批表 (forms_schema/<variant>/<form>.docx) from each
notice's documents.toml and the form schema it prints: cover, field table in the form's order
(photo top right), long-text rows, and one row per approval level with 签字/盖章/日期.

Run once per new notice (`.venv/bin/python tools/make_document_templates.py [VARIANT …]`) and
commit the .docx; an office may then refine a template in Word, keeping the {{ … }} tags whole.
The tags are docxtpl (Jinja2): v['path'] is a recorded value, chain[i] an approval level."""
from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Pt

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from engine.config import REPO_ROOT  # noqa: E402
from engine.documents import docx_style as style  # noqa: E402
from engine.documents.chain import levels  # noqa: E402
from engine.documents.schema_fields import form_fields  # noqa: E402
from engine.documents.variant_docs import variant_docs  # noqa: E402

FORMS = REPO_ROOT / "forms_schema"
COVER_ONLY = ("recommending_unit", "fill_date")
PHOTO_ROWS = 4
# Text width of A4 with the margins of docx_style.setup is 15.4 cm; the photo column holds 2 inches.
FIELD_WIDTHS = {5: (2.5, 3.2, 2.5, 3.6, 3.6), 4: (2.8, 4.9, 2.8, 4.9)}
CHAIN_WIDTHS = (4.4, 11.0)



def build(form: str, rule) -> Document:
    document = Document()
    style.setup(document)
    for _ in range(4):
        style.line(document)
    style.title(document, rule.title)
    for _ in range(3):
        style.line(document)
    for label, path in rule.cover:
        style.line(document, f"{label}：{{{{ v['{path}'] }}}}", size=Pt(16))
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    fields = [f for f in form_fields(FORMS, form)
              if not f.path.startswith(("approvals.", "photo.")) and f.path not in COVER_ONLY]
    short, long = [f for f in fields if not f.long], [f for f in fields if f.long]
    has_photo = any(f.path.startswith("photo.") for f in form_fields(FORMS, form))
    pairs = [short[i:i + 2] for i in range(0, len(short), 2)]
    cols = 5 if has_photo else 4
    grid = style.table(document, len(pairs) + len(long), cols)
    style.fix_widths(grid, FIELD_WIDTHS[cols])
    for r, pair in enumerate(pairs):
        for c, field in enumerate(pair):
            style.cell_text(grid.cell(r, 2 * c), field.title, bold=True)
            style.cell_text(grid.cell(r, 2 * c + 1), f"{{{{ v['{field.path}'] }}}}")
        if has_photo and r >= PHOTO_ROWS:
            grid.cell(r, 3).merge(grid.cell(r, 4))
    if has_photo:
        photo = grid.cell(0, 4).merge(grid.cell(min(PHOTO_ROWS, len(pairs)) - 1, 4))
        style.cell_text(photo, "{{ photo }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    for i, field in enumerate(long):
        row = len(pairs) + i
        style.cell_text(grid.cell(row, 0), field.title, bold=True)
        style.cell_text(grid.cell(row, 1).merge(grid.cell(row, cols - 1)), f"{{{{ v['{field.path}'] }}}}")

    style.line(document)
    chain = style.table(document, len(levels(FORMS, form)), 2)
    style.fix_widths(chain, CHAIN_WIDTHS)
    for i, (_path, title) in enumerate(levels(FORMS, form)):
        style.cell_text(chain.cell(i, 0), title, bold=True)
        style.cell_text(chain.cell(i, 1), f"{{{{ chain[{i}].conclusion }}}}\n\n"
                        f"签字：{{{{ chain[{i}].signer }}}}　　　　（盖章）\n"
                        f"日期：{{{{ chain[{i}].date or '　　年　　月　　日' }}}}")
    return document


def main(variants: list[str]) -> None:
    for variant in variants or sorted(p.parent.name for p in FORMS.glob("*/documents.toml")):
        docs = variant_docs(FORMS, variant)
        for form, rule in docs.approval_forms.items():
            build(form, rule).save(rule.template)
            print(rule.template.relative_to(REPO_ROOT))


if __name__ == "__main__":
    main(sys.argv[1:])
