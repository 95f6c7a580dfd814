"""/api/documents over the real app: downloads, the unit rule, format refusals, background jobs."""
from __future__ import annotations

import io
import time
import zipfile
from datetime import timedelta
from urllib.parse import quote

import pytest
from docx import Document
from openpyxl import load_workbook

from api import create_app
from engine.people import users


@pytest.fixture
def http(services, clock):
    client = create_app(services).test_client()
    tokens = {}
    with services.db.transaction() as session:
        for name, role, unit in (("office", "office", None), ("jiangjin", "staff", "江津区"),
                                 ("yubei", "staff", "渝北区"), ("designer", "designer", None)):
            user = users.create_user(session, name, role, clock(), unit=unit)
            tokens[name] = users.issue_token(session, user.id, clock(), ttl=timedelta(days=1))[0]

    def get(path, who, **kwargs):
        return client.get(path, headers={"Authorization": f"Bearer {tokens[who]}"}, **kwargs)

    def post(path, who, **kwargs):
        return client.post(path, headers={"Authorization": f"Bearer {tokens[who]}"}, **kwargs)
    return get, post


def test_downloads_follow_the_unit_rule(http, decided_000):
    get, _post = http
    individual, campaign = decided_000["individual"], decided_000["campaign"]
    r = get(f"/api/documents/approval-form/{individual}", "jiangjin")
    assert r.status_code == 200 and r.mimetype.endswith("wordprocessingml.document")
    assert quote("李建国") in r.headers["Content-Disposition"]
    assert any("李建国" in c.text for t in Document(io.BytesIO(r.data)).tables for row in t.rows for c in row.cells)
    refused = get(f"/api/documents/approval-form/{individual}", "yubei")
    assert refused.status_code == 403 and "本单位" in refused.get_json()["detail"]
    sheet = load_workbook(io.BytesIO(get(f"/api/documents/summary/{campaign}", "yubei").data))
    assert sheet["先进个人"].max_row == 3 and sheet["先进集体"]["B4"].value == "某某铝业熔铸车间"
    assert get(f"/api/documents/summary/{campaign}?unit=江津区", "yubei").status_code == 403
    assert get(f"/api/documents/report/{campaign}", "jiangjin").status_code == 403
    assert get(f"/api/documents/approval-form/{individual}", "designer").status_code == 403


def test_formats_postings_and_errors(http, decided_000):
    get, _post = http
    campaign = decided_000["campaign"]
    bad = get(f"/api/documents/summary/{campaign}?format=pdf", "office")
    assert bad.status_code == 422 and "不能导出为 pdf" in bad.get_json()["detail"]
    assert get(f"/api/documents/nonsense/{campaign}", "office").status_code == 404
    postings = get(f"/api/documents/campaigns/{campaign}/postings", "office").get_json()
    national = next(p for p in postings if p["title"] == "张贴全国公示")
    assert national["candidates"] == 2
    r = get(f"/api/documents/publicity/{national['id']}?format=pdf", "office")
    assert r.status_code == 200 and r.mimetype == "application/pdf" and r.data.startswith(b"%PDF")
    photos = get(f"/api/documents/photos/{campaign}", "office")
    assert zipfile.ZipFile(io.BytesIO(photos.data)).namelist() == ["李建国—19800505.jpg"]


def test_background_job_reports_progress_and_serves_the_zip(http, decided_000):
    get, post = http
    job = post(f"/api/documents/campaigns/{decided_000['campaign']}/jobs", "office", json={})
    assert job.status_code == 202, job.get_json()
    job_id = job.get_json()["id"]
    for _ in range(120):
        state = get(f"/api/documents/jobs/{job_id}", "office").get_json()
        if state["state"] != "running":
            break
        time.sleep(0.25)
    assert state["state"] == "done" and state["done"] == state["total"] > 0
    names = zipfile.ZipFile(io.BytesIO(get(f"/api/documents/jobs/{job_id}/file", "office").data)).namelist()
    assert sum(n.endswith("推荐审批表.docx") for n in names) == 2
    assert post(f"/api/documents/campaigns/{decided_000['campaign']}/jobs", "jiangjin", json={}).status_code == 403
