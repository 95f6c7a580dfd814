"""The inbox as the browser uses it: campaign and candidate-name filters, campaign facts on each row,
and keyset paging (next_cursor / after) walking the same order as page numbers."""
from __future__ import annotations

from tests.api.conftest import START
from tests.api.test_campaigns_api import capi, create, nominate, v001  # noqa: F401  (fixtures)


def test_campaign_filter_name_search_and_campaign_facts(capi):
    first, second = create(capi, name="第一届"), create(capi, name="第二届")
    nominate(capi, first, "张三")
    nominate(capi, first, "李四")
    nominate(capi, second, "张小三")
    mine = capi.get("/api/tasks", "yuzhong").json
    assert mine["total"] == 3
    assert {(i["business_key"], i["campaign_name"]) for i in mine["items"]} == {
        ("张三", "第一届"), ("李四", "第一届"), ("张小三", "第二届")}
    in_first = capi.get("/api/tasks", "yuzhong", query_string={"campaign_id": first}).json
    assert sorted(i["business_key"] for i in in_first["items"]) == ["张三", "李四"] and in_first["total"] == 2
    named = capi.get("/api/tasks", "yuzhong", query_string={"q": "张"}).json
    assert sorted(i["business_key"] for i in named["items"]) == ["张三", "张小三"] and named["total"] == 2
    both = capi.get("/api/tasks", "yuzhong", query_string={"q": "三", "campaign_id": second}).json
    assert [i["business_key"] for i in both["items"]] == ["张小三"]
    # LIKE wildcards in the search are taken literally.
    assert capi.get("/api/tasks", "yuzhong", query_string={"q": "%"}).json["total"] == 0


def test_keyset_pages_match_numbered_pages_across_undated_tasks(api, clock, sample):
    for day in ("2025-09-30", "2025-09-28", "2025-10-15", "2025-10-01"):
        api.start(data={**START, "submit_by": day})
    api.to_opinions(clock, sample)  # adds two undated opinion tasks
    everything = [i["task_id"] for i in api.get("/api/tasks?per_page=100", "auditor").json["items"]]
    assert len(everything) == 6
    walked, cursor = [], None
    while True:
        query = {"per_page": 2, **({"after": cursor} if cursor else {})}
        body = api.get("/api/tasks", "auditor", query_string=query).json
        assert body["total"] == 6
        walked += [i["task_id"] for i in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert walked == everything


def test_bad_cursor_is_a_clear_422(api):
    r = api.get("/api/tasks", "auditor", 422, query_string={"after": "not-a-cursor"})
    assert r.json["errors"] == {"after": "无效的分页游标"}
    r = api.get("/api/tasks", "auditor", 422, query_string={"after": "eyJ9", "sort": "created_at"})
    assert "after" in r.json["errors"]
