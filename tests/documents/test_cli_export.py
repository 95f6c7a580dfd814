"""`pingxuan export …` as an operator runs it: a real process on the test database."""
from __future__ import annotations

import os
import subprocess
import sys
import zipfile

import pytest
from docx import Document
from openpyxl import load_workbook

from engine.config import REPO_ROOT
from tests.conftest import PG_URL


@pytest.fixture
def cli(services, tmp_path):
    url = services.db.url
    schema = getattr(services.db, "pg_schema", None)
    if schema:
        url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    env = dict(os.environ, DATABASE_URL=str(url))

    def run(*args, ok=True):
        proc = subprocess.run([sys.executable, "-m", "pingxuan.cli", "export", *args], env=env, cwd=REPO_ROOT,
                              capture_output=True, text=True, timeout=300)
        if ok:
            assert proc.returncode == 0, proc.stderr
        return proc
    return run


def test_export_commands_write_the_documents(cli, decided_000, tmp_path):
    individual, campaign = decided_000["individual"], decided_000["campaign"]
    out = tmp_path / "out"
    cli("approval-form", individual, "--out", str(out / "form.docx"))
    assert "李建国" in "\n".join(c.text for t in Document(out / "form.docx").tables for r in t.rows for c in r.cells)
    cli("approval-form", individual, "--format", "pdf", "--out", str(out / "form.pdf"))
    assert (out / "form.pdf").read_bytes().startswith(b"%PDF")
    cli("opinion-forms", individual, "--department", "税务", "--out", str(out / "opinion.docx"))
    cli("summary", campaign, "--unit", "江津区", "--out", str(out / "summary.xlsx"))
    assert load_workbook(out / "summary.xlsx")["先进个人"]["B4"].value == "李建国"
    postings = cli("postings", campaign).stdout.strip().splitlines()
    national = next(line.split("\t")[0] for line in postings if "张贴全国公示" in line)
    cli("publicity", national, "--out", str(out / "publicity.docx"))
    assert any("李建国" in c.text for t in Document(out / "publicity.docx").tables for r in t.rows for c in r.cells)
    cli("report", campaign, "--out", str(out))
    cli("decision", campaign, "--out", str(out))
    cli("photos", campaign, "--out", str(out / "photos.zip"))
    assert zipfile.ZipFile(out / "photos.zip").namelist() == ["李建国—19800505.jpg"]
    written = sorted(p.name for p in out.iterdir())
    assert any(n.endswith("推荐工作情况报告.docx") for n in written) and any(n.endswith("表彰名单.docx") for n in written)


def test_export_refusals_are_clear_chinese(cli, decided_000):
    bad_format = cli("summary", decided_000["campaign"], "--format", "docx", ok=False)
    assert bad_format.returncode == 1 and "推荐对象汇总表不能导出为 docx 格式" in bad_format.stderr
    missing = cli("approval-form", "00000000-0000-0000-0000-000000000000", ok=False)
    assert missing.returncode == 1 and "不存在" in missing.stderr
