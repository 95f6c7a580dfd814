"""Scenarios for variant 002: 巴南区制造业高质量发展工作先进集体和先进个人 (巴南经信〔2023〕184号).

unit → 区工作专班 (资格审查, 联合评审, 征求意见) → 区委区政府审定; publicities in the unit and 全区.
Driven by the shared helpers in test_000.py."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from tests.scenarios.test_000 import (
    BEIJING_10AM,
    check_adverse,
    check_deadline,
    check_happy,
    check_holiday_publicity,
    check_objection,
    check_quota,
    check_ratio_cap,
)

V002 = {
    "variant": "002",
    "start": datetime(2023, 12, 25, BEIJING_10AM, tzinfo=timezone.utc),  # Mon, before the 2024-01-12 deadline
    "deadline": "2024-01-12",
    "unit": "区经济信息委",  # 区级部门: 1 collective + 2 individuals
    "other_unit": "界石镇",
    "collective": {"name": "区经济信息委产业发展科", "candidate_type": "机关事业单位"},
    "individual": {"name": "李某某", "candidate_type": "其他企业"},
    "adverse_department": "市场监管",
    # 各区级部门原则上可推荐 1 个集体、2 名个人参评: advisory, a warning where the office screens
    "quota_limit": {"key": "individual", "label": "先进个人", "limit": 2, "review": "资格审查和初步筛选",
                    "force": "advisory"},
    "cap_breach": {"award_type": "individual", "candidate_type": "机关事业单位",
                   "quote": "机关事业单位和区属国有企业干部占比原则上不超过先进个人评选总数的20%"},
    "cap_review": "资格审查和初步筛选",
    "cap_force": "advisory",
}
HAPPY = V002 | {"collective": {"name": "某某汽车零部件公司", "candidate_type": "其他企业"},
                "individual": {"name": "赵某某", "candidate_type": "非国有企业其他人员"},
                "unit": "界石镇", "other_unit": "区经济信息委"}


def test_002_happy_path(services, clock):
    check_happy(services, clock, HAPPY)


def test_002_adverse_opinion(services, clock):
    check_adverse(services, clock, V002)


def test_002_objection_upheld(services, clock):
    check_objection(services, clock, V002)


def test_002_missed_deadline(services, clock):
    check_deadline(services, clock, V002)


def test_002_quota_exceeded(services, clock):
    check_quota(services, clock, V002)


def test_002_ratio_cap(services, clock):
    check_ratio_cap(services, clock, V002)


@pytest.mark.parametrize("posted_on, last_day", [
    # 2026 春节 02-15..02-23 off, 02-14 Sat and 02-28 Sat make-up workdays. Posted Fri 02-13:
    # 02-13 (1), 02-14 (2), 02-24 (3), 02-25 (4), 02-26 (5).
    (datetime(2026, 2, 13, BEIJING_10AM, tzinfo=timezone.utc), "2026-02-26"),
    # 2024 春节 02-10..02-17 off, 02-04 Sun and 02-18 Sun make-up workdays. Posted Thu 02-08:
    # 02-08 (1), 02-09 (2), 02-18 Sun (3), 02-19 (4), 02-20 (5).
    (datetime(2024, 2, 8, BEIJING_10AM, tzinfo=timezone.utc), "2024-02-20"),
])
def test_002_publicity_across_spring_festival(services, clock, posted_on, last_day):
    check_holiday_publicity(services, clock, V002, posted_on, last_day)
