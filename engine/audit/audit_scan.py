"""`pingxuan audit scan`: verify every instance (or a campaign's) the way an auditor verifies one, the
hash chain and then replay against the stored snapshot, and name those that fail. An instance whose
stored state went astray (issue 9: a candidate stuck after its opinions) is found this way."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select

from engine.audit.audit_views import verify
from engine.campaigns.campaign_models import Campaign, Candidate
from engine.errors import NotFound
from engine.storage.db import StaleRow
from engine.storage.models import Instance

_ATTEMPTS = 3  # an instance that moves while it is checked is checked again


@dataclass(frozen=True)
class ScanFailure:
    instance_id: str
    name: str | None  # the candidate's name (the instance's business key)
    reason: str  # the chain's verdict, or the first difference replay found
    differences: int = 0  # how many differences replay found (0: the chain failed, or replay could not run)


@dataclass
class ScanReport:
    checked: int = 0
    failures: list[ScanFailure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


def instances_to_scan(services, campaign_id: str | None = None) -> list[tuple[str, str | None]]:
    """(id, business key) of every instance, or of the campaign's candidates, oldest first."""
    with services.db.transaction(write=False) as session:
        query = select(Instance.id, Instance.business_key).order_by(Instance.created_at, Instance.id)
        if campaign_id is not None:
            if session.get(Campaign, campaign_id) is None:
                raise NotFound(f"评选活动 {campaign_id} 不存在")
            query = query.join(Candidate, Candidate.id == Instance.id).where(Candidate.campaign_id == campaign_id)
        return [(row.id, row.business_key) for row in session.execute(query)]


def check_instance(services, instance_id: str, name: str | None) -> ScanFailure | None:
    """None if the chain is whole and replay reproduces the stored snapshot."""
    for attempt in range(_ATTEMPTS):
        try:
            chain, replay = verify(services, instance_id)
            break
        except StaleRow:
            if attempt == _ATTEMPTS - 1:
                return ScanFailure(instance_id, name, "核验期间实例一直在变化，未能核验，请稍后重试")
        except Exception as exc:  # noqa: BLE001  (a history that cannot even be replayed is a finding, not a crash)
            return ScanFailure(instance_id, name, f"无法重放：{exc}")
    if not chain.ok:
        return ScanFailure(instance_id, name, f"哈希链校验失败：{chain.reason}")
    if not replay.ok:
        return ScanFailure(instance_id, name, f"重放与存储快照不一致：{replay.differences[0]}", len(replay.differences))
    return None


def scan(services, targets: list[tuple[str, str | None]],
         on_progress: Callable[[int], None] | None = None) -> ScanReport:
    """Check each of `targets` (from `instances_to_scan`) in its own read transaction;
    `on_progress(1)` after each."""
    report = ScanReport()
    for instance_id, name in targets:
        failure = check_instance(services, instance_id, name)
        if failure is not None:
            report.failures.append(failure)
        report.checked += 1
        if on_progress is not None:
            on_progress(1)
    return report
