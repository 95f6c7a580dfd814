"""A whole campaign's documents in one zip, with progress, in the foreground and as a background job."""
from __future__ import annotations

import io
import time
import uuid
import zipfile

import pytest
from sqlalchemy import select

from engine.documents.bundle import campaign_bundle
from engine.documents.job_rows import DocumentJobRow
from engine.documents.jobs import STALE_AFTER, DocumentJobs
from engine.errors import NotFound
from engine.people.access import Forbidden
from tests.documents.helpers import OFFICE, staff


def test_bundle_holds_every_document_and_reports_progress(services, decided_000):
    seen = []
    generated = campaign_bundle(services, OFFICE, decided_000["campaign"], progress=lambda d, t: seen.append((d, t)))
    names = zipfile.ZipFile(io.BytesIO(generated.content)).namelist()
    assert sum(n.endswith("推荐审批表.docx") for n in names) == 2
    assert sum("征求意见表" in n for n in names) == 2
    assert sum(n.startswith("公示/") for n in names) == 4  # two unit postings, 全市, 全国
    assert any(n.endswith(".xlsx") for n in names) and any(n.endswith("照片.zip") for n in names)
    assert any(n.endswith("推荐工作情况报告.docx") for n in names) and any(n.endswith("表彰名单.docx") for n in names)
    total = seen[-1][1]
    assert [d for d, _t in seen] == list(range(1, total + 1)) and seen[-1] == (total, total)


def test_background_job_with_pdf(services, decided_000):
    """The job is a row: another server process (here a second DocumentJobs, as a second gunicorn
    worker would hold) reports its progress and hands out the file."""
    job = DocumentJobs(services).start(OFFICE, decided_000["campaign"], with_pdf=True)
    elsewhere = DocumentJobs(services)
    for _ in range(480):
        seen = elsewhere.get(OFFICE, job.id)
        if seen.state != "running":
            break
        time.sleep(0.5)
    assert seen.state == "done", seen.error
    assert seen.done == seen.total > 0
    names = zipfile.ZipFile(io.BytesIO(elsewhere.result(OFFICE, job.id).content)).namelist()
    assert sum(n.endswith("推荐审批表.pdf") for n in names) == 2
    with pytest.raises(Forbidden):
        elsewhere.get(staff("江津区"), job.id)


def test_a_job_whose_process_died_reads_as_failed(services, clock):
    """A row left "running" by a process that died is not running forever: once untouched for
    STALE_AFTER it reads as failed, asking for a new job."""
    now = clock()
    with services.db.transaction() as session:
        session.add(DocumentJobRow(id=str(uuid.uuid4()), campaign_id=str(uuid.uuid4()), owner=OFFICE.name,
                                   with_pdf=False, state="running", done=3, total=10, error="", file_name="",
                                   content=None, created_at=now, updated_at=now))
        job_id = session.scalars(select(DocumentJobRow.id)).one()
    jobs = DocumentJobs(services)
    assert jobs.get(OFFICE, job_id).state == "running"
    clock.advance(seconds=STALE_AFTER.total_seconds() + 1)
    got = jobs.get(OFFICE, job_id)
    assert (got.state, got.done) == ("failed", 3) and "请重新发起" in got.error
    with pytest.raises(NotFound):
        jobs.result(OFFICE, job_id)
    with pytest.raises(NotFound):
        jobs.get(OFFICE, "不存在的编号")


def test_a_units_staff_cannot_start_a_campaign_job(services, decided_000):
    with pytest.raises(Forbidden):
        DocumentJobs(services).start(staff("江津区"), decided_000["campaign"])
