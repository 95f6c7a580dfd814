"""The rules a notice decides, evaluated from a variant's data (campaign.json `facts` and `rules`).

Facts are derived from a candidate's submitted 审批表 (or, where the form has no field for a fact,
declared at nomination). Rules are evaluated over the selected set at a level: every candidate
selected so far at that review step of the campaign, plus the list being decided. No rule names a
variant; docs/rules.md explains the model and quotes each notice's words.

Kinds:
- cap: a share of a fact among a scope (award type or all), `max` or `min`; the base is the
  selected set at the level (`selected`) or the notice's fixed total (`total`, from `totals`).
- limit: at most `max` candidates with the fact (per unit, or over the level).
- minimum: at least `min_count` candidates (with the fact, if one is named) in the scope.
- total: at most `max` (default: the notice's total for the scope) selected at the level.
- quota: per unit at most its quota (campaign.json `quotas`) selected at the level where it forwards.
- pairing: per unit, each candidate with `fact` needs one more candidate with `requires`.
Force: `binding` (不超过、不低于、最多、须) refuses a list unless an override reason is recorded;
`advisory` (原则上、一般、应占一定比例) never refuses, and the warning is recorded in the event.
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from engine.forms import datapath

KINDS = ("cap", "limit", "minimum", "total", "quota", "pairing")
FORCES = ("binding", "advisory")


@dataclass(frozen=True)
class Selected:
    """One candidate of the selected set at a level."""
    id: str
    unit: str
    award_type: str
    facts: frozenset


@dataclass(frozen=True)
class RuleStatus:
    id: str
    quote: str  # the notice's own words
    force: str
    kind: str
    ok: bool
    value: str  # what the list amounts to, e.g. "2/3 = 66.7%"
    limit: str  # what the notice allows, e.g. "上限 20%"
    group: str | None = None  # the unit a per-unit rule speaks of
    absolute: bool = False  # beyond what even a recorded reason may allow (quota + its extra place)

    def describe(self) -> str:
        where = f"（{self.group}）" if self.group else ""
        verdict = "" if self.ok else ("，不符合" if self.force == "binding" else "，超出（原则性规定，予以提示）")
        return f"「{self.quote}」{where}：当前 {self.value}，{self.limit}{verdict}"


# --- facts --------------------------------------------------------------------------------------

def _field(data: dict, path: str):
    return datapath.get(data, path)


def _holds(condition: dict, data: dict) -> bool:
    value = _field(data, condition["field"])
    if "equals" in condition:
        return value == condition["equals"]
    if "in" in condition:
        return value in condition["in"]
    if "not_in" in condition:  # e.g. 民族 not 汉族 (少数民族); an empty field establishes nothing
        return value is not None and value not in condition["not_in"]
    if "contains" in condition:  # free text such as 政治面貌 "民盟盟员" or a 民主党派 name
        return isinstance(value, str) and any(word in value for word in condition["contains"])
    return False


def derived_facts(fact_rules: list[dict], data: dict, declared=()) -> set[str]:
    """The facts a candidate's data establishes. A fact with conditions is the form's to decide
    (a declared tag cannot add it); a fact marked `declared` comes from the nomination's tags."""
    facts = set()
    for rule in fact_rules:
        if rule.get("declared"):
            if rule["fact"] in declared:
                facts.add(rule["fact"])
        elif any(_holds(c, data) for c in rule.get("any", [])):
            facts.add(rule["fact"])
    return facts


def form_decided(fact_rules: list[dict]) -> set[str]:
    return {r["fact"] for r in fact_rules if not r.get("declared")}


# --- rules --------------------------------------------------------------------------------------

def applies_at(rule: dict, stage: str | None, checks_caps: bool) -> bool:
    """A rule names the review steps (reviewStage) that check it; without `at`, every step
    marked checksRatioCaps does."""
    if rule.get("at"):
        return stage in rule["at"]
    return checks_caps


def _in_scope(rule: dict, c: Selected) -> bool:
    scope = rule.get("scope", "all")
    return scope == "all" or c.award_type == scope


def _groups(rule: dict, selected: list[Selected], unit_kinds: dict[str, str]):
    """Per-unit rules speak of each unit; `unit_kinds` keeps the units whose kind in the quota table
    begins with one of them (区, 县, 市级部门, 镇街 …)."""
    kinds = rule.get("unit_kinds")
    members = [c for c in selected if not kinds or any(unit_kinds.get(c.unit, "").startswith(k) for k in kinds)]
    if rule.get("per") != "unit":
        yield None, members
        return
    by_unit = defaultdict(list)
    for c in members:
        by_unit[c.unit].append(c)
    yield from sorted(by_unit.items())


def _pct(x: float) -> str:
    return f"{x:.0%}" if abs(x * 100 - round(x * 100)) < 1e-9 else f"{x:.1%}"


def _cap(rule: dict, group: list[Selected], config: dict) -> tuple[bool, str, str]:
    scope = [c for c in group if _in_scope(rule, c)]
    count = sum(1 for c in scope if rule["fact"] in c.facts)
    bound = "max" if rule.get("max") is not None else "min"
    share = rule[bound]
    word = "上限" if bound == "max" else "下限"
    if rule.get("base", "selected") == "total":
        total = _total(rule, config)
        if bound == "max":
            allowed = math.floor(share * total + 1e-9)
            return count <= allowed, f"{count} 个（{'/'.join([str(count), str(total)])}）", \
                f"{word} {_pct(share)} × {total} = {allowed} 个"
        needed = math.ceil(share * total - 1e-9)
        reachable = count + max(0, total - len(scope))  # the places still open could still meet it
        return reachable >= needed, f"{count} 个，尚余 {max(0, total - len(scope))} 个名额", \
            f"{word} {_pct(share)} × {total} = {needed} 个"
    if not scope:
        return True, "0/0", f"{word} {_pct(share)}"
    ratio = count / len(scope)
    ok = ratio <= share + 1e-9 if bound == "max" else ratio + 1e-9 >= share
    return ok, f"{count}/{len(scope)} = {_pct(ratio)}", f"{word} {_pct(share)}"


def _total(rule: dict, config: dict) -> int:
    if rule.get("max") is not None and rule["kind"] == "total":
        return int(rule["max"])
    totals = config.get("totals", {})
    of = rule.get("total_of") or ([rule["scope"]] if rule.get("scope", "all") != "all" else list(totals))
    return sum(int(totals.get(k, 0)) for k in of)


def evaluate(rules: list[dict], selected: list[Selected], config: dict, stage: str | None,
             checks_caps: bool) -> list[RuleStatus]:
    unit_kinds = {q["unit"]: q.get("kind", "") for q in config.get("quotas", [])}
    limits = {q["unit"]: q["limits"] for q in config.get("quotas", [])}
    labels = config.get("award_types", {})
    statuses = []
    for rule in rules:
        if not applies_at(rule, stage, checks_caps):
            continue
        for group_name, group in _groups(rule, selected, unit_kinds):
            kind = rule["kind"]
            if kind == "cap":
                results = [_cap(rule, group, config)]
            elif kind == "limit":
                count = sum(1 for c in group if _in_scope(rule, c) and rule["fact"] in c.facts)
                results = [(count <= rule["max"], f"{count} 个", f"最多 {rule['max']} 个")]
            elif kind == "minimum":
                count = sum(1 for c in group if _in_scope(rule, c) and (not rule.get("fact") or rule["fact"] in c.facts))
                results = [(count >= rule["min_count"], f"{count} 个", f"至少 {rule['min_count']} 个")]
            elif kind == "total":
                count = sum(1 for c in group if _in_scope(rule, c))
                total = _total(rule, config)
                results = [(count <= total, f"{count} 个", f"{labels.get(rule.get('scope'), '合计')}总数 {total} 个")]
            elif kind == "quota":
                for ok, value, limit, unit, absolute in _quota(rule, group, limits, labels):
                    statuses.append(RuleStatus(rule["id"], rule["quote"], rule.get("force", "binding"), kind,
                                               ok, value, limit, unit, absolute))
                continue
            else:  # pairing
                having = sum(1 for c in group if _in_scope(rule, c) and rule["fact"] in c.facts)
                paired = sum(1 for c in group if rule["requires"] in c.facts)
                results = [(paired >= having, f"{rule['fact']} {having} 个、{rule['requires']} {paired} 个",
                            f"每 1 个{rule['fact']}须同时有 1 个{rule['requires']}")]
            for ok, value, limit in results:
                statuses.append(RuleStatus(rule["id"], rule["quote"], rule.get("force", "binding"), kind,
                                           ok, value, limit, group_name))
    return statuses


def _quota(rule: dict, group: list[Selected], limits: dict, labels: dict):
    """Each unit's quota counted over what it forwards (the selected set at its own review step).
    `extra`: places beyond the quota a recorded reason may justify (000: 有特别优秀的，可多推荐1个)."""
    extra = int(rule.get("extra", 0))
    bonus = rule.get("bonus")  # 在推荐名额之外再推荐1名: each pair of (fact, requires) adds a place
    by_unit = defaultdict(list)
    for c in group:
        by_unit[c.unit].append(c)
    for unit, members in sorted(by_unit.items()):
        unit_limits = limits.get(unit, {})
        added = 0
        if bonus:
            added = min(sum(1 for c in members if bonus["fact"] in c.facts),
                        sum(1 for c in members if bonus["requires"] in c.facts))
        for key, limit in unit_limits.items():
            if bonus and key in (bonus.get("scope", "individual"), "total"):
                limit += added
            count = len(members) if key == "total" else sum(1 for c in members if c.award_type == key)
            label = labels.get(key, "推荐对象（合计）")
            allowed = f"名额 {limit} 个" + (f"（另可多推荐 {extra} 个，须写明理由）" if extra else "")
            # Where the notice itself names the exceptional room (多推荐1个), beyond it no reason helps.
            yield count <= limit, f"{label} {count} 个", allowed, unit, bool(extra) and count > limit + extra


def breaches(statuses: list[RuleStatus]) -> tuple[list[RuleStatus], list[RuleStatus]]:
    """(binding breaches, advisory warnings)."""
    failing = [s for s in statuses if not s.ok]
    return [s for s in failing if s.force == "binding"], [s for s in failing if s.force == "advisory"]
