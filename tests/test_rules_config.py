"""The rule model is validated like the rest of campaign.json: a rule that cannot be evaluated as
written is refused at load (deploy, campaign creation) with a Chinese message naming it."""
from __future__ import annotations

import copy
import json

import pytest

from engine.campaigns import rules
from engine.campaigns.campaign_config import load_config
from engine.config import REPO_ROOT
from engine.errors import ValidationFailed


def config(variant="001") -> dict:
    return json.loads((REPO_ROOT / "processes" / variant / "campaign.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("variant", ["000", "001", "002", "003", "004"])
def test_every_variant_rule_quotes_its_notice(variant):
    loaded = load_config(config(variant))
    notice = REPO_ROOT / "docs" / "notices" / f"{variant}.txt"  # the notice as published
    assert loaded["rules"] and loaded["facts"]
    for rule in loaded["rules"]:
        assert rule["force"] in rules.FORCES and rule["quote"]
        text = "".join(notice.read_text(encoding="utf-8").split())
        for part in rule["quote"].split("…"):  # the notice's own words (an ellipsis marks an omission)
            assert "".join(part.split()) in text, (rule["id"], part)
    for fact in loaded["facts"]:
        assert "".join(fact["quote"].split()) in text, (fact["fact"], fact["quote"])


@pytest.mark.parametrize("change, message", [
    (lambda c: c["rules"].append({"id": "x", "kind": "cap", "quote": "q", "fact": "不存在", "max": 0.1}), "未定义的事实「不存在」"),
    (lambda c: c["rules"].append({"id": "x", "kind": "cap", "quote": "q", "fact": "处级干部", "max": 0.1, "min": 0.1}), "必须且只能填写一个"),
    (lambda c: c["rules"].append({"id": "x", "kind": "limit", "quote": "q", "fact": "处级干部"}), "须填写最多数量"),
    (lambda c: c["rules"].append({"id": "x", "kind": "pairing", "quote": "q", "fact": "处级干部"}), "须指明配套的事实"),
    (lambda c: c["rules"].append(dict(c["rules"][0])), "规则编号重复"),
    (lambda c: c["facts"].append({"fact": "x", "quote": "q"}), "二者选一"),
])
def test_a_broken_rule_is_refused_at_load(change, message):
    data = copy.deepcopy(config())
    change(data)
    with pytest.raises(ValidationFailed) as caught:
        load_config(data)
    assert message in json.dumps(caught.value.field_errors, ensure_ascii=False) + caught.value.message


def test_advisory_breach_warns_and_binding_breach_refuses():
    """The same numbers under 不超过 (binding) and 原则上不超过 (advisory)."""
    selected = [rules.Selected(str(i), "渝中区", "individual", frozenset({"处级干部"} if i < 2 else ())) for i in range(3)]
    rule = {"id": "r", "kind": "cap", "quote": "处级干部不超过先进个人总数的20%", "fact": "处级干部", "scope": "individual",
            "max": 0.2}
    for force, expect in (("binding", (1, 0)), ("advisory", (0, 1))):
        statuses = rules.evaluate([{**rule, "force": force}], selected, {}, "初审", True)
        binding, advisory = rules.breaches(statuses)
        assert (len(binding), len(advisory)) == expect
        assert "2/3 = 66.7%" in statuses[0].describe() and "上限 20%" in statuses[0].describe()


def test_a_minimum_over_the_fixed_total_fails_only_when_it_can_no_longer_be_met():
    rule = {"id": "m", "kind": "cap", "quote": "q", "fact": "基层组织", "scope": "collective", "min": 0.5, "base": "total"}
    config_ = {"totals": {"collective": 4}}
    one_other = [rules.Selected("a", "u", "collective", frozenset())]
    assert rules.evaluate([rule], one_other, config_, None, True)[0].ok  # 3 places left could still make 2
    three_others = [rules.Selected(x, "u", "collective", frozenset()) for x in "abc"]
    assert not rules.evaluate([rule], three_others, config_, None, True)[0].ok  # 1 place left: at most 1 of 4


def test_a_refusal_crosses_a_process_boundary_intact():
    """Simulation workers report a refused list to their parent: an exception that does not
    unpickle would leave the parent's pool waiting forever."""
    import pickle

    from engine.campaigns.selection import RuleBreached

    status = rules.RuleStatus("unit_quota", "各县可推荐3个集体和3名个人参评", "binding", "quota", False,
                              "先进个人 4 个", "名额 3 个", "城口县")
    again = pickle.loads(pickle.dumps(RuleBreached("审核", [status])))
    assert again.statuses == [status] and "城口县" in again.message and again.code == "rule_breached"
