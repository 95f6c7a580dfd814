"""公示 notices per posting (period from the calendar) and the 表彰 list."""
from __future__ import annotations

from datetime import date

import pytest

from engine.documents import decision_list, publicity, records
from engine.documents.display import cn_date
from engine.documents.postings import postings
from engine.people.access import Forbidden
from tests.documents.helpers import OFFICE, staff
from tests.documents.test_approval_form import text_of


def test_each_posting_prints_its_candidates_and_calendar_period(services, decided_000):
    campaign = records.campaign(services, OFFICE, decided_000["campaign"])
    found = postings(services, campaign)
    assert [p.title for p in found].count("张贴单位公示") == 2  # each unit posts its own
    national = next(p for p in found if p.title == "张贴全国公示")
    assert {c.name for c in national.candidates} == {"李建国", "某某铝业熔铸车间"}
    calendar = services.calendar()
    assert national.last_day == calendar.period_last_day(national.start, 5, "posting-day")
    assert sum(calendar.is_workday(date.fromordinal(d)) for d in
               range(national.start.toordinal(), national.last_day.toordinal() + 1)) == 5
    text = text_of(publicity.render(services, OFFICE, decided_000["campaign"], national.id).content)
    assert "李建国" in text and "某某铝业熔铸车间" in text
    assert f"{cn_date(national.start.isoformat())}至{cn_date(national.last_day.isoformat())}" in text
    assert national.form["objection_contact"]["phone"] in text


def test_unknown_posting_is_not_found(services, decided_000):
    from engine.errors import NotFound
    with pytest.raises(NotFound):
        publicity.render(services, OFFICE, decided_000["campaign"], "no-such-posting")


def test_decision_list_names_the_awarded(services, decided_000):
    text = text_of(decision_list.render(services, OFFICE, decided_000["campaign"]).content)
    assert "先进集体（1个）" in text and "先进个人（1个）" in text
    assert "李建国（江津区）" in text and "某某铝业熔铸车间（渝北区）" in text
    with pytest.raises(Forbidden):
        decision_list.render(services, staff("江津区"), decided_000["campaign"])
