"""推荐工作情况报告: drafted from a history with an adverse opinion, an upheld objection and a
ratio override, each told with what the record says."""
from __future__ import annotations

import pytest

from engine.documents import work_report
from engine.documents.display import cn_date
from engine.people.access import Forbidden
from pingxuan.actors import Actors, Policy
from tests.documents.helpers import OFFICE, campaign, nominate_filled, staff
from tests.documents.test_approval_form import text_of
from tests.scenarios.helpers import demo, ready_tasks
from tests.scenarios.test_000 import V000, run_until_publicity


@pytest.fixture
def eventful(services, clock):
    campaign_id = campaign(services, clock, V000)
    nominate_filled(services, campaign_id, "000", "江津区", "individual", "周企业", "非公企业",
                    person={"identity": "企业负责人"})  # the 审批表 says so: 企业负责人 ≤10% is then broken
    nominate_filled(services, campaign_id, "000", "万州区", "individual", "吴否定", "非公企业", photo_seed=3)
    objected = nominate_filled(services, campaign_id, "000", "涪陵区", "individual", "郑异议", "非公企业", photo_seed=4)
    actors = Actors(services, Policy(adverse={"吴否定": "税务"}))
    run_until_publicity(services, actors, objected)
    ref = {"candidate_id": objected, "name": "郑异议", "kind": "先进个人", "unit": "涪陵区"}
    services.campaigns.lodge_objection(objected, demo("common/objection.json") | {
        "candidate": ref, "received_date": actors.today()}, "异议受理人")
    [verify] = [t for t in ready_tasks(services, objected) if t.form == "common/objection_verification.json"]
    services.runtime.complete_task(objected, verify.task_id, demo("common/objection_verification.json") | {
        "candidate": ref, "date": actors.today(), "upheld": True, "finding": "事迹数据与台账不符。",
        "reason": "反映问题属实。", "handling": "取消推荐资格，不予递补。"}, "核实人", None)
    actors.run_to_decision(campaign_id, clock)
    return campaign_id


def test_report_tells_the_history(services, eventful):
    text = text_of(work_report.render(services, OFFICE, eventful).content)
    assert "推荐工作情况报告" in text and "渝人社〔2025〕375号" in text
    assert "推荐3个推荐对象" in text
    assert "税务对吴否定（万州区）出具否定意见" in text
    assert "公示期间共收到异议1件，核实1件" in text and "事迹数据与台账不符" in text and "不予递补" in text
    assert "周企业" in text and "经评选表彰工作专班研究，确需突破比例（模拟）" in text
    # The office, within 000's binding 企业负责人 ≤10%, screens the head out at the next level.
    assert "终止推荐（征求意见有否定意见）1个" in text and "取消资格（不予递补）1个" in text
    assert f"本次评选自{cn_date(V000['start'].date().isoformat())}开始推荐，共有3个推荐单位" in text
    assert "区县审核筛选：2025年8月" in text and "张贴单位公示（涪陵区）：2025年8月4日至2025年8月8日（5个工作日）" in text


def test_report_needs_a_campaign_wide_role(services, eventful):
    with pytest.raises(Forbidden):
        work_report.render(services, staff("江津区"), eventful)
