"""Whole-campaign generation in the background, with progress: a thread per job in this process,
the finished zip kept on disk (the system temp folder) until fetched or the process ends. Jobs are
not shared between server processes; a caller asks the process that started it (single-process
deployments, or sticky sessions)."""
from __future__ import annotations

import tempfile
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from engine.documents.bundle import campaign_bundle
from engine.documents.files import GeneratedFile
from engine.errors import NotFound, PingxuanError
from engine.people.access import Forbidden, Principal


@dataclass
class Job:
    id: str
    campaign_id: str
    owner: str
    with_pdf: bool
    state: str = "running"  # running | done | failed
    done: int = 0
    total: int = 0
    error: str = ""
    file_name: str = ""
    path: Path | None = field(default=None, repr=False)


class DocumentJobs:
    def __init__(self, services):
        self.services = services
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._folder = Path(tempfile.mkdtemp(prefix="pingxuan-documents-"))

    def start(self, principal: Principal, campaign_id: str, with_pdf: bool = False) -> Job:
        from engine.documents import records
        records.campaign(self.services, principal, campaign_id, wide_only=True)  # refused now, not in the thread
        job = Job(str(uuid.uuid4()), campaign_id, principal.name, with_pdf)
        with self._lock:
            self._jobs[job.id] = job
        threading.Thread(target=self._run, args=(job, principal), daemon=True, name=f"documents-{job.id[:8]}").start()
        return job

    def _run(self, job: Job, principal: Principal) -> None:
        def progress(done: int, total: int) -> None:
            job.done, job.total = done, total

        try:
            generated = campaign_bundle(self.services, principal, job.campaign_id, job.with_pdf, progress)
            job.path = self._folder / f"{job.id}.zip"
            job.path.write_bytes(generated.content)
            job.file_name, job.state = generated.file_name, "done"
        except PingxuanError as exc:
            job.error, job.state = exc.message, "failed"
        except Exception as exc:  # noqa: BLE001  a failed job reports why instead of dying silently
            job.error, job.state = f"生成失败：{type(exc).__name__}", "failed"

    def get(self, principal: Principal, job_id: str) -> Job:
        job = self._jobs.get(job_id)
        if job is None:
            raise NotFound(f"生成任务 {job_id} 不存在")
        if job.owner != principal.name and not principal.reads_all:
            raise Forbidden("只能查看本人发起的生成任务")
        return job

    def result(self, principal: Principal, job_id: str) -> GeneratedFile:
        job = self.get(principal, job_id)
        if job.state != "done" or job.path is None:
            raise NotFound("材料尚未生成完毕" if job.state == "running" else f"生成失败：{job.error}")
        return GeneratedFile(job.file_name, job.path.read_bytes())
