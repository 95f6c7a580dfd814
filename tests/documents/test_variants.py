"""Every variant's 审批表 templates print their forms: run each variant to its decision and check
the title, the candidate, the approval levels the form defines and the recorded conclusions."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from engine.documents import approval_form, records
from engine.documents.chain import levels
from engine.documents.display import cn_date
from engine.documents.variant_docs import variant_docs
from tests.documents.helpers import OFFICE, campaign, nominate_filled, run
from tests.documents.test_approval_form import text_of
from tests.scenarios.test_003 import V003
from tests.scenarios.test_004 import V004


def beijing(y, m, d):
    return datetime(y, m, d, 2, tzinfo=timezone.utc)


CASES = {
    "001": (beijing(2026, 6, 15), [("渝中区", "individual", "国有企业", "刘制造", []),
                                   ("渝中区", "collective", "国有企业", "某某智能工厂", [])]),
    "002": (beijing(2023, 12, 25), [("界石镇", "individual", "非国有企业其他人员", "赵巴南", []),
                                    ("界石镇", "collective", "其他企业", "某某汽车零部件公司", ["规上工业企业"])]),
    "003": (V003["start"], [("忻府区", "individual", "机关事业单位", "张忻州", ["女同志"]),
                            ("忻府区", "collective", "企业", "忻州某某装备制造有限公司", ["制造业企业"])]),
    "004": (V004["start"], [("财政经济专业组", "individual", "机关事业单位", "陈代表", ["基层一线"]),
                            ("渝中区联系组", "collective", "其他", "市人大代表渝中区联系组", []),
                            ("渝中区联系组", "suggestion", "其他", "关于加快老旧小区改造的建议", [])]),
}


@pytest.mark.parametrize("variant", sorted(CASES))
def test_variant_forms_print_the_record(services, clock, variant):
    start, nominees = CASES[variant]
    campaign_id = campaign(services, clock, {"variant": variant, "start": start, "created": V003["created"]}
                           if variant == "003" else {"variant": variant, "start": start})
    ids = [nominate_filled(services, campaign_id, variant, unit, award, name, ctype, tags, photo_seed=i + 1)
           for i, (unit, award, ctype, name, tags) in enumerate(nominees)]
    outcomes = run(services, clock, campaign_id)
    assert sum(outcomes.values()) == len(ids)
    docs = variant_docs(services.settings.forms_dir, variant)
    for cid, (_unit, _award, _ctype, name, _tags) in zip(ids, nominees):
        record = records.candidate(services, OFFICE, cid)
        form = next(s for s in record.steps if s.form in docs.approval_forms)
        text = text_of(approval_form.render(services, OFFICE, cid).content)
        assert docs.approval_forms[form.form].title in text
        assert "{{" not in text
        if record.award_type != "suggestion":
            assert name in text
        for _path, title in levels(services.settings.forms_dir, form.form):
            assert title in text
        for path, step_title in docs.chain.items():
            done = record.steps_titled(step_title)
            if done and any(p == path for p, _t in levels(services.settings.forms_dir, form.form)):
                assert cn_date(done[-1].data.get("date") or done[-1].day) in text
