"""The approval chain printed on a 审批表: the levels the form itself defines (its `approvals`
groups, in order), each filled with what was recorded: the level's own entry in the form if the
unit wrote it there, else the conclusion of the process step that documents.toml maps it to."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from engine.documents.display import cn_date, get
from engine.documents.records import CandidateRecord, Step
from engine.documents.schema_fields import group_titles
from engine.documents.variant_docs import VariantDocs


@dataclass(frozen=True)
class ChainEntry:
    path: str
    label: str
    conclusion: str = ""  # the recorded conclusion, "" where the history has none yet
    signer: str = ""
    unit: str = ""
    date: str = ""  # 2025年8月10日
    source: str = ""  # "表单" or the process step's title

    @property
    def filled(self) -> bool:
        return bool(self.conclusion)


def override_of(data: dict) -> dict:
    """A review list's recorded override: {"reason", "breaches"} as the list recorded it — the
    rules' `override_reason` in the form (issue 10), or the older `ratio_override`."""
    if (data.get("ratio_override") or {}).get("reason"):
        return data["ratio_override"]
    reason = (data.get("override_reason") or "").strip()
    return {"reason": reason, "breaches": []} if reason else {}


@lru_cache(maxsize=64)  # schemas are files read once per process
def levels(forms_dir: Path, form: str) -> tuple[tuple[str, str], ...]:
    """(path, title) of the form's approval levels: groups under `approvals` with no sub-groups."""
    groups = {p: t for p, t in group_titles(forms_dir, form).items() if p.startswith("approvals.")}
    return tuple((p, t) for p, t in groups.items() if not any(q.startswith(p + ".") for q in groups))


def chain(forms_dir: Path, docs: VariantDocs, record: CandidateRecord, form: str, form_data: dict) -> list[ChainEntry]:
    entries = []
    for path, title in levels(forms_dir, form):
        own = get(form_data, path)
        if isinstance(own, dict) and (own.get("opinion") or "agree" in own):
            entries.append(_from_form(path, title, own))
            continue
        steps = record.steps_titled(docs.chain[path]) if path in docs.chain else []
        entries.append(_from_step(path, title, steps[-1], record.id) if steps else ChainEntry(path, title))
    return entries


def _from_form(path: str, title: str, own: dict) -> ChainEntry:
    conclusion = own.get("opinion") or ("同意推荐" if own.get("agree") else "不同意推荐")
    return ChainEntry(path, title, conclusion, own.get("signer", ""), "", cn_date(own.get("date")), "表单")


def _from_step(path: str, title: str, step: Step, candidate_id: str) -> ChainEntry:
    data = step.data
    mine = [d for d in data.get("decisions", []) if d.get("candidate_id") == candidate_id] or data.get("decisions", [])[:1]
    if mine:
        decision = mine[0]
        conclusion = decision.get("decision", "")
        if decision.get("reason"):
            conclusion += f"（{decision['reason']}）"
    else:
        conclusion = data.get("opinion") or data.get("conclusion") or "已办理"
    override = override_of(data)
    if override.get("reason"):
        conclusion += f"；突破比例理由：{override['reason']}"
    signer = data.get("reviewer") or data.get("signer") or ""
    return ChainEntry(path, title, conclusion, signer, data.get("reviewing_unit", "") or step.unit or "",
                      cn_date(data.get("date") or step.day), step.title)
