"""推荐审批表: every printed value is the recorded one, the chain carries each level's conclusion."""
from __future__ import annotations

import io

import pytest
from docx import Document

from engine.documents import approval_form, records
from engine.documents.display import cn_date
from engine.people.access import Forbidden
from tests.documents.helpers import OFFICE, staff


def text_of(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(c.text for c in row.cells)
    return "\n".join(parts)


def recorded(services, candidate_id):
    record = records.candidate(services, OFFICE, candidate_id)
    form = next(s for s in record.steps if s.form and "/recommend_" in s.form)
    return record, form


def test_individual_form_prints_the_record_and_the_chain(services, decided_000):
    cid = decided_000["individual"]
    generated = approval_form.render(services, OFFICE, cid)
    record, form = recorded(services, cid)
    text = text_of(generated.content)
    person = form.data["person"]
    assert "全国有色金属行业先进个人推荐审批表" in text
    for value in (person["name"], person["id_card"], person["employer"], form.data["recommending_unit"],
                  cn_date(form.data["fill_date"]), form.data["deeds"][:40]):
        assert value in text
    assert "{{" not in text and "{%" not in text
    # the unit's own opinion from the form, the later levels from the recorded reviews
    assert form.data["approvals"]["unit"]["signer"] in text
    for title in ("区县审核筛选", "市级初审和初步推荐", "全国复审"):
        [step] = record.steps_titled(title)
        assert cn_date(step.data["date"]) in text
        assert step.data["reviewer"] in text
    assert "通过" in text
    document = Document(io.BytesIO(generated.content))
    assert len(document.inline_shapes) == 1  # the uploaded photo
    with services.db.transaction(write=False) as session:
        from engine.forms.uploads import Upload
        upload = session.get(Upload, form.data["photo"]["upload_id"])
    blobs = [part.blob for part in document.part.package.parts if part.partname.startswith("/word/media/")]
    assert upload.content in blobs


def test_collective_form_has_no_photo_and_the_collective_fields(services, decided_000):
    generated = approval_form.render(services, OFFICE, decided_000["collective"])
    _record, form = recorded(services, decided_000["collective"])
    text = text_of(generated.content)
    assert "全国有色金属行业先进集体推荐审批表" in text
    assert form.data["collective"]["name"] in text and form.data["collective"]["leader"]["name"] in text
    assert len(Document(io.BytesIO(generated.content)).inline_shapes) == 0


def test_fonts_are_named(services, decided_000):
    document = Document(io.BytesIO(approval_form.render(services, OFFICE, decided_000["individual"]).content))
    normal = document.styles["Normal"]
    assert normal.font.name == "仿宋_GB2312" and normal.font.size.pt == 12
    east_asian = normal.element.rPr.rFonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")
    assert east_asian == "仿宋_GB2312"
    title_fonts = {r.font.name for p in document.paragraphs for r in p.runs if "审批表" in r.text}
    assert title_fonts == {"黑体"}


def test_unit_staff_print_only_their_own_candidates(services, decided_000):
    assert approval_form.render(services, staff("江津区"), decided_000["individual"]).content
    with pytest.raises(Forbidden):
        approval_form.render(services, staff("渝北区"), decided_000["individual"])


def test_unknown_candidate_is_not_found(services, decided_000):
    from engine.errors import NotFound
    with pytest.raises(NotFound):
        approval_form.render(services, OFFICE, "00000000-0000-0000-0000-000000000000")
