"""排序上报: a list that records the order in which a level reports its candidates (003: "将推荐对象
排序上报"). The step is marked by its `ranking` property (the field the order is kept within:
award_type, so collectives and individuals are ranked apart). Checked in the engine's command over
the whole list, since each candidate's own form only carries its own entry: within each award type
the ranks must be 1 … n, each once."""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy.orm import Session

from engine.campaigns.campaign_models import Campaign
from engine.errors import ValidationFailed
from engine.storage.db import Writes
from engine.storage.index import form_properties


def own_entry(data: dict, candidate_id: str) -> dict | None:
    return next((r for r in data.get("rankings") or [] if r.get("candidate_id") == candidate_id), None)


def check(session: Session, items: list, _writes: Writes) -> None:
    """Completion guard: refuse a ranking list whose order is incomplete, repeated or has gaps."""
    groups: dict[str, list[tuple[str, int]]] = defaultdict(list)
    labels: dict[str, str] = {}
    for instance_id, task, payload in items:
        within = form_properties(task).get("ranking")
        if not within:
            continue
        name = task.data.get("candidate_name") or instance_id
        entry = own_entry(payload.get("data") or {}, task.data.get("candidate_id", instance_id))
        if entry is None or not isinstance(entry.get("rank"), int):
            raise ValidationFailed(f"排序名单中缺少「{name}」的名次", {"rankings": f"请填写「{name}」的名次"})
        value = str(task.data.get(within, ""))
        if value not in labels:
            campaign = session.get(Campaign, task.data.get("campaign_id")) if task.data.get("campaign_id") else None
            labels[value] = ((campaign.config.get("award_types") or {}) if campaign else {}).get(value, value)
        groups[value].append((name, entry["rank"]))
    for value, ranked in groups.items():
        label, n = labels[value], len(ranked)
        by_rank: dict[int, list[str]] = defaultdict(list)
        for name, rank in ranked:
            by_rank[rank].append(name)
        repeated = {r: names for r, names in by_rank.items() if len(names) > 1}
        if repeated:
            r, names = min(repeated.items())
            raise ValidationFailed(f"{label}的名次 {r} 重复（{'、'.join(names)}）：同一类别的名次不得重复",
                                   {"rankings": f"{label}名次 {r} 重复"})
        outside = sorted(r for r in by_rank if not 1 <= r <= n)
        if outside:
            raise ValidationFailed(f"本名单有 {n} 个{label}，名次应为 1 至 {n}，不能为 {outside[0]}",
                                   {"rankings": f"{label}名次应为 1 至 {n} 的连续编号"})
