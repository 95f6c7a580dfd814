"""推荐对象汇总表: the notice's columns, recorded values, recommendation order, A4 landscape."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from engine.documents import records, summary
from engine.people.access import Forbidden
from tests.documents.helpers import OFFICE, staff


def workbook(generated):
    return load_workbook(io.BytesIO(generated.content))


def test_campaign_summary_lists_every_candidate_with_recorded_values(services, decided_000):
    book = workbook(summary.render(services, OFFICE, decided_000["campaign"]))
    assert book.sheetnames == ["先进集体", "先进个人"]
    people = book["先进个人"]
    assert people["A1"].value == "全国有色金属行业先进个人推荐对象汇总表"
    header = [c.value for c in people[3]]
    assert header[:4] == ["序号", "姓名", "性别", "民族"] and header[-2:] == ["推荐单位", "备注"]
    record = records.candidate(services, OFFICE, decided_000["individual"])
    form = next(s for s in record.steps if s.form == "000/recommend_individual.json").data
    row = [c.value for c in people[4]]
    assert row[0] == 1 and row[1] == form["person"]["name"] == "李建国"
    assert form["person"]["id_card"] in row and row[-2:] == ["江津区", "表彰"]
    assert people.max_row == 4
    collectives = book["先进集体"]
    assert collectives["B4"].value == "某某铝业熔铸车间"
    for sheet in book:
        assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9  # A4
        assert sheet.print_title_rows == "$1:$3" and sheet.page_setup.fitToWidth == 1


def test_unit_summary_holds_only_that_unit(services, decided_000):
    book = workbook(summary.render(services, staff("江津区"), decided_000["campaign"]))
    assert book["先进个人"].max_row == 4 and book["先进集体"].max_row == 3
    assert "江津区" in book["先进个人"]["A2"].value


def test_staff_cannot_print_another_units_summary(services, decided_000):
    with pytest.raises(Forbidden):
        summary.render(services, staff("江津区"), decided_000["campaign"], unit="渝北区")


def test_recommendation_order_within_a_unit(services, clock):
    from datetime import datetime, timezone

    from tests.documents.helpers import campaign, nominate_filled
    campaign_id = campaign(services, clock, {"variant": "001", "start": datetime(2026, 6, 15, 2, tzinfo=timezone.utc)})
    names = ["张一", "王二", "李三"]
    for name in names:
        nominate_filled(services, campaign_id, "001", "渝中区", "individual", name, "国有企业", photo_seed=None)
        clock.advance(minutes=1)
    sheet = workbook(summary.render(services, OFFICE, campaign_id))["先进个人"]
    assert [sheet.cell(row=r, column=2).value for r in range(4, 7)] == names
    assert [sheet.cell(row=r, column=1).value for r in range(4, 7)] == [1, 2, 3]
