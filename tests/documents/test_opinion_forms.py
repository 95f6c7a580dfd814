"""征求意见表: one row per consulted department with its recorded opinion and date."""
from __future__ import annotations

import pytest

from engine.documents import opinion_forms, records
from engine.documents.display import cn_date
from engine.errors import NotFound
from tests.documents.helpers import OFFICE
from tests.documents.test_approval_form import text_of


def test_every_department_with_its_opinion_and_date(services, decided_000):
    cid = decided_000["individual"]
    record = records.candidate(services, OFFICE, cid)
    given = opinion_forms.opinions(record)
    assert len(given) == 9  # 非公企业 in 000: 公安 … 工商联, consulted at 市级
    text = text_of(opinion_forms.render(services, OFFICE, cid).content)
    assert "全国有色金属行业先进个人征求意见表" in text and "李建国" in text
    for step in given:
        assert f"{step.data['department']}意见" in text
        assert step.data["opinion"]["opinion"] in text
    assert cn_date(given[0].data["opinion"]["date"]) in text


def test_one_department_alone(services, decided_000):
    text = text_of(opinion_forms.render(services, OFFICE, decided_000["individual"], department="税务").content)
    assert "税务意见" in text and "公安意见" not in text
    with pytest.raises(NotFound):
        opinion_forms.render(services, OFFICE, decided_000["individual"], department="不存在的部门")
