"""Gzipped size of what a staff member's browser downloads for the inbox and a task page: the entry
chunk, the login, inbox and task routes, and every chunk they import (from Vite's build manifest).
Run after `make web`: .venv/bin/python benchmarks/web_bundle.py"""
from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

DIST = Path(__file__).resolve().parent.parent / "web" / "dist"
STAFF_ROUTES = ("src/auth/LoginPage.tsx", "src/pages/inbox/InboxPage.tsx", "src/pages/task/TaskPage.tsx")
OFFICE_ROUTES = ("src/pages/campaigns/CampaignDashboard.tsx", "src/pages/campaigns/BatchReview.tsx")


def closure(manifest: dict, keys) -> set[str]:
    """Files of the given manifest entries and of everything they import statically."""
    seen, files, todo = set(), set(), list(keys)
    while todo:
        key = todo.pop()
        if key in seen:
            continue
        seen.add(key)
        chunk = manifest[key]
        files.add(chunk["file"])
        files.update(chunk.get("css", []))
        todo.extend(chunk.get("imports", []))
    return files


def gz(files) -> int:
    return sum(len(gzip.compress((DIST / f).read_bytes(), 9)) for f in files)


def main() -> int:
    manifest = json.loads((DIST / ".vite" / "manifest.json").read_text())
    entry = next(k for k, v in manifest.items() if v.get("isEntry"))
    staff = closure(manifest, [entry, *STAFF_ROUTES])
    office = closure(manifest, [entry, *OFFICE_ROUTES])
    first = closure(manifest, [entry, "src/pages/inbox/InboxPage.tsx"])
    print(f"staff bundle (entry + login + inbox + task page): {gz(staff) / 1024:.1f} KB gzipped, {len(staff)} files")
    print(f"first page (entry + inbox):                      {gz(first) / 1024:.1f} KB gzipped")
    print(f"office pages (entry + dashboard + batch review):  {gz(office) / 1024:.1f} KB gzipped")
    print(f"modeler-free staff bundle: {'yes' if not any('bpmn' in f for f in staff) else 'NO'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
