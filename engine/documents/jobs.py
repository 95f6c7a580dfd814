"""Whole-campaign generation in the background, with progress. The job is a database row, so any
server process or node answers "how far is it" and hands out the finished zip, whichever process
runs it (gunicorn's workers share no memory). The work itself runs in a thread of the process that
was asked; a process that dies mid-job stops touching its row, and a row not touched for
`STALE_AFTER` reads as failed ("请重新发起") instead of running forever. Finished jobs are kept for
`KEPT_FOR`, then removed when the next job starts."""
from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, update

from engine.documents.bundle import campaign_bundle
from engine.documents.files import GeneratedFile
from engine.documents.job_rows import DocumentJobRow
from engine.errors import NotFound, PingxuanError
from engine.people.access import Forbidden, Principal
from engine.storage.db import is_uuid

HEARTBEAT = timedelta(seconds=20)  # a running job touches its row at least this often
STALE_AFTER = timedelta(minutes=2)
KEPT_FOR = timedelta(hours=24)


@dataclass(frozen=True)
class Job:
    id: str
    campaign_id: str
    owner: str
    with_pdf: bool
    state: str
    done: int
    total: int
    error: str
    file_name: str


class DocumentJobs:
    def __init__(self, services):
        self.services = services

    @property
    def _db(self):
        return self.services.db

    def _now(self) -> datetime:
        return self.services.runtime.clock()

    def start(self, principal: Principal, campaign_id: str, with_pdf: bool = False) -> Job:
        from engine.documents import records
        records.campaign(self.services, principal, campaign_id, wide_only=True)  # refused now, not in the thread
        now = self._now()
        row = DocumentJobRow(id=str(uuid.uuid4()), campaign_id=campaign_id, owner=principal.name, with_pdf=with_pdf,
                             state="running", done=0, total=0, error="", file_name="", content=None,
                             created_at=now, updated_at=now)
        with self._db.transaction() as session:
            session.execute(delete(DocumentJobRow).where(DocumentJobRow.created_at < now - KEPT_FOR))
            session.add(row)
            job = _job(row, now)
        threading.Thread(target=self._run, args=(job, principal), daemon=True, name=f"documents-{job.id[:8]}").start()
        return job

    def _set(self, job_id: str, **values) -> None:
        with self._db.transaction() as session:
            session.execute(update(DocumentJobRow).where(DocumentJobRow.id == job_id)
                            .values(**values, updated_at=self._now()))

    def _run(self, job: Job, principal: Principal) -> None:
        def progress(done: int, total: int) -> None:
            self._set(job.id, done=done, total=total)

        # One step (a batch PDF conversion) may take minutes: a heartbeat keeps the row fresh meanwhile.
        finished = threading.Event()

        def heartbeat() -> None:
            while not finished.wait(HEARTBEAT.total_seconds()):
                self._set(job.id)

        threading.Thread(target=heartbeat, daemon=True, name=f"documents-heartbeat-{job.id[:8]}").start()
        try:
            generated = campaign_bundle(self.services, principal, job.campaign_id, job.with_pdf, progress)
            self._set(job.id, state="done", file_name=generated.file_name, content=generated.content)
        except PingxuanError as exc:
            self._set(job.id, state="failed", error=exc.message[:500])
        except Exception as exc:  # noqa: BLE001  a failed job reports why instead of dying silently
            self._set(job.id, state="failed", error=f"生成失败：{type(exc).__name__}")
        finally:
            finished.set()

    def _row(self, session, principal: Principal, job_id: str) -> DocumentJobRow:
        row = session.get(DocumentJobRow, job_id) if is_uuid(job_id) else None
        if row is None:
            raise NotFound(f"生成任务 {job_id} 不存在")
        if row.owner != principal.name and not principal.reads_all:
            raise Forbidden("只能查看本人发起的生成任务")
        return row

    def get(self, principal: Principal, job_id: str) -> Job:
        with self._db.transaction(write=False) as session:
            return _job(self._row(session, principal, job_id), self._now())

    def result(self, principal: Principal, job_id: str) -> GeneratedFile:
        with self._db.transaction(write=False) as session:
            row = self._row(session, principal, job_id)
            job = _job(row, self._now())
            if job.state != "done" or row.content is None:
                raise NotFound("材料尚未生成完毕" if job.state == "running" else f"生成失败：{job.error}")
            return GeneratedFile(row.file_name, row.content)


def _job(row: DocumentJobRow, now: datetime) -> Job:
    state, error = row.state, row.error
    if state == "running" and now - row.updated_at > STALE_AFTER:
        state, error = "failed", "生成进程已中断（服务重启或异常退出），请重新发起"
    return Job(row.id, row.campaign_id, row.owner, row.with_pdf, state, row.done, row.total, error, row.file_name)

