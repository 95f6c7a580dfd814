"""Issue 13: a whole campaign's documents. Simulates a campaign to its decision (pingxuan.simulation,
as `pingxuan simulate` does), then, each in a fresh process, generates the campaign bundle
(every 审批表 and 征求意见表, 汇总表, 公示 notices, 表彰名单, 报告, photos) as .docx/.xlsx, and again
with every .docx converted to PDF by LibreOffice. Reports wall time and peak memory (the
generating process, and separately the LibreOffice children).

    .venv/bin/python benchmarks/bench_documents.py --candidates 300 --variant 001
"""
from __future__ import annotations

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def generate(database_url: str, campaign_id: str, with_pdf: bool) -> dict:
    from engine.config import Settings
    from engine.documents.bundle import campaign_bundle
    from engine.people.access import Principal
    from engine.services import build
    from engine.storage.db import Database

    services = build(Settings(database_url=database_url), db=Database(database_url))
    started, cpu = time.perf_counter(), time.process_time()
    bundle = campaign_bundle(services, Principal(0, "bench", "admin"), campaign_id, with_pdf)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    names = zipfile.ZipFile(io.BytesIO(bundle.content)).namelist()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"seconds": round(seconds, 1), "cpu_seconds": round(cpu, 1),
            "children_cpu_seconds": round(children.ru_utime + children.ru_stime, 1), "files": len(names),
            "docx": sum(n.endswith(".docx") for n in names), "pdf": sum(n.endswith(".pdf") for n in names),
            "zip_mb": round(len(bundle.content) / 2**20, 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "children_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--candidates", type=int, default=300)
    parser.add_argument("--variant", default="001")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-pdf", action="store_true", help="only the .docx/.xlsx run")
    parser.add_argument("--generate", nargs=3, metavar=("URL", "CAMPAIGN", "PDF"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        url, campaign_id, pdf = args.generate
        print(json.dumps(generate(url, campaign_id, pdf == "1")))
        return
    from engine.config import Settings
    from pingxuan import simulation

    with tempfile.TemporaryDirectory(prefix="bench-documents-") as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        shares = simulation.prepare(Settings(database_url=url), url, args.variant, args.candidates, args.workers)
        result = simulation.run(shares, args.candidates)
        print(f"simulated {args.candidates} candidates of {args.variant} in {result.seconds:.1f} s: {result.outcomes}")
        for pdf in ("0",) if args.no_pdf else ("0", "1"):
            out = subprocess.run([sys.executable, __file__, "--generate", url, shares[0].campaign_id, pdf],
                                 capture_output=True, text=True, check=True, env=dict(os.environ))
            print(("with PDF: " if pdf == "1" else "docx/xlsx: ") + out.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
