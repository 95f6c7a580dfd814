"""Ratio caps (比例) over a selected set of candidates, e.g. 处级干部 ≤ 20% of individuals."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CapStatus:
    id: str
    label: str
    count: int  # candidates in scope carrying the tag
    base: int  # candidates in scope
    ratio: float
    limit: float
    kind: str  # "max" or "min"
    ok: bool

    def describe(self) -> str:
        bound = "上限" if self.kind == "max" else "下限"
        return (f"{self.label}：当前 {self.count}/{self.base} = {self.ratio:.1%}，"
                f"{bound} {self.limit:.0%}{'' if self.ok else '，不符合'}")


def evaluate(caps: list[dict], candidates: list[dict]) -> list[CapStatus]:
    """`candidates`: dicts with award_type and tags. An empty scope breaches nothing."""
    statuses = []
    for cap in caps:
        scope = [c for c in candidates if cap["scope"] == "all" or c["award_type"] == cap["scope"]]
        count = sum(1 for c in scope if cap["tag"] in c["tags"])
        ratio = count / len(scope) if scope else 0.0
        kind = "max" if cap.get("max") is not None else "min"
        limit = cap[kind]
        ok = not scope or (ratio <= limit + 1e-9 if kind == "max" else ratio + 1e-9 >= limit)
        statuses.append(CapStatus(cap["id"], cap["label"], count, len(scope), ratio, limit, kind, ok))
    return statuses
