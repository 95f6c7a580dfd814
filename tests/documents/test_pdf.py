"""Every kind of .docx through LibreOffice: page count and Chinese text checked with poppler
(pdfinfo, pdftotext); each first page kept as a PNG under tests/artifacts/documents/ (git-ignored)."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

from engine.documents import approval_form, decision_list, opinion_forms, pdf, publicity, records, work_report
from engine.documents.postings import postings
from tests.documents.helpers import OFFICE

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts" / "documents"


def pdf_facts(content: bytes, tmp_path: Path, stem: str) -> tuple[int, str]:
    path = tmp_path / f"{stem}.pdf"
    path.write_bytes(content)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M)[1])
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(path),
                    str(ARTIFACTS / stem)], check=True)
    return pages, re.sub(r"\s+", "", text)


def test_each_kind_renders_to_pdf_with_its_chinese_text(services, decided_000, tmp_path, backend):
    campaign = records.campaign(services, OFFICE, decided_000["campaign"])
    national = next(p for p in postings(services, campaign) if p.title == "张贴全国公示")
    kinds = {
        "approval_individual": (approval_form.render(services, OFFICE, decided_000["individual"]),
                                ["全国有色金属行业先进个人推荐审批表", "李建国", "所在单位意见", "熔铸车间主任"], (3, 4)),
        "approval_collective": (approval_form.render(services, OFFICE, decided_000["collective"]),
                                ["全国有色金属行业先进集体推荐审批表", "某某铝业熔铸车间"], (2, 4)),
        "opinion_form": (opinion_forms.render(services, OFFICE, decided_000["individual"]),
                         ["全国有色金属行业先进个人征求意见表", "税务意见", "同意推荐"], (1, 1)),
        "publicity": (publicity.render(services, OFFICE, decided_000["campaign"], national.id),
                      ["拟推荐对象的公示", "李建国", "某某铝业熔铸车间", "5个工作日"], (1, 1)),
        "decision_list": (decision_list.render(services, OFFICE, decided_000["campaign"]),
                          ["表彰名单", "先进集体（1个）", "李建国（江津区）"], (1, 1)),
        "work_report": (work_report.render(services, OFFICE, decided_000["campaign"]),
                        ["推荐工作情况报告", "征求意见情况", "张贴全国公示"], (1, 2)),
    }
    converted = pdf.to_pdf([f for f, _words, _pages in kinds.values()])
    for (stem, (_docx, words, (low, high))), out in zip(kinds.items(), converted):
        assert out.file_name.endswith(".pdf") and out.content.startswith(b"%PDF")
        pages, text = pdf_facts(out.content, tmp_path, f"{stem}-{backend}")
        assert low <= pages <= high, (stem, pages)
        for word in words:
            assert word in text, (stem, word)
