"""A campaign created with a deadline already past is refused (by the engine's create), with the field
named; today (by the service clock, Beijing date) is still allowed."""
from __future__ import annotations

from tests.api.test_campaigns_api import capi, v001  # noqa: F401  (fixtures)


def test_past_deadline_is_refused_and_nothing_created(capi):
    # The fixtures' clock: Friday 26 September 2025, 10:00 in Beijing.
    refused = capi.post("/api/campaigns", "office", 422,
                        json={"variant": "001", "deadlines": {"submit_by": "2025-09-25"}}).json
    assert refused["errors"] == {
        "deadlines.submit_by": "截止日期 2025年9月25日 已过（今天是 2025年9月26日），请填写本次活动的截止日期"}
    assert refused["detail"] == "截止日期已过，不能创建评选活动"
    assert capi.get("/api/campaigns", "office").json == []
    capi.post("/api/campaigns", "office", 201, json={"variant": "001", "deadlines": {"submit_by": "2025-09-26"}})
    assert len(capi.get("/api/campaigns", "office").json) == 1
