"""A whole campaign's documents in one zip, with progress, in the foreground and as a background job."""
from __future__ import annotations

import io
import time
import zipfile

import pytest

from engine.documents.bundle import campaign_bundle
from engine.documents.jobs import DocumentJobs
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
    jobs = DocumentJobs(services)
    job = jobs.start(OFFICE, decided_000["campaign"], with_pdf=True)
    for _ in range(240):
        if jobs.get(OFFICE, job.id).state != "running":
            break
        time.sleep(0.5)
    assert job.state == "done", job.error
    assert job.done == job.total > 0
    names = zipfile.ZipFile(io.BytesIO(jobs.result(OFFICE, job.id).content)).namelist()
    assert sum(n.endswith("推荐审批表.pdf") for n in names) == 2


def test_a_units_staff_cannot_start_a_campaign_job(services, decided_000):
    with pytest.raises(Forbidden):
        DocumentJobs(services).start(staff("江津区"), decided_000["campaign"])
