"""Deploying definitions: lint, content-hash, version; and the cache of parsed specs per deployment."""
from __future__ import annotations

import hashlib
import json
import re
import threading
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.errors import DefinitionError, LintFailed, NotFound
from engine.runtime.spiff import ProcessSpecs, parse_bundle, specs_for
from engine.storage.models import Deployment

SHARED_FOLDER = "shared"  # processes/shared/: subprocesses every variant may call
# Only used to decide which shared files go into a bundle; the real parse is lxml + SpiffWorkflow.
_CALLED = re.compile(r'calledElement="([^"]+)"')
_PROCESS_ID = re.compile(r'<bpmn:process\s[^>]*\bid="([^"]+)"')


def bundle_from_folder(folder: Path) -> dict[str, str]:
    """A folder's .bpmn/.dmn files, plus the shared subprocesses (processes/shared/) it calls."""
    files = {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.iterdir()) if p.suffix in (".bpmn", ".dmn")}
    if not files:
        raise DefinitionError(f"目录 {folder} 中没有 .bpmn 或 .dmn 文件")
    shared = folder.parent / SHARED_FOLDER
    if shared.is_dir() and shared.resolve() != folder.resolve():
        files.update(_called_shared_files(files, shared))
    return files


def _called_shared_files(files: dict[str, str], shared: Path) -> dict[str, str]:
    """Shared files defining a process that the bundle calls, directly or through each other."""
    library = {f"{SHARED_FOLDER}/{p.name}": p.read_text(encoding="utf-8") for p in sorted(shared.glob("*.bpmn"))}
    defines = {name: set(_PROCESS_ID.findall(text)) for name, text in library.items()}
    chosen: dict[str, str] = {}
    wanted = {c for text in files.values() for c in _CALLED.findall(text)}
    while True:
        new = {name for name, ids in defines.items() if ids & wanted and name not in chosen}
        if not new:
            return chosen
        for name in new:
            chosen[name] = library[name]
            wanted |= set(_CALLED.findall(library[name]))


def bundles_under(path: Path) -> dict[str, dict[str, str]]:
    """`path` is one bundle folder, or a folder of bundle folders (like processes/)."""
    path = Path(path)
    if not path.exists():
        raise DefinitionError(f"路径不存在：{path}")
    if any(p.suffix in (".bpmn", ".dmn") for p in path.iterdir()):
        return {path.name: bundle_from_folder(path)}
    return {
        sub.name: bundle_from_folder(sub)
        for sub in sorted(path.iterdir())
        if sub.is_dir() and sub.name != SHARED_FOLDER and any(p.suffix in (".bpmn", ".dmn") for p in sub.iterdir())
    }


def content_hash(files: dict[str, str]) -> str:
    canonical = json.dumps(files, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def deploy(session: Session, name: str, files: dict[str, str], actor: str, lint=None) -> tuple[Deployment, bool]:
    """Returns (deployment, created). Identical content deploys once; `lint` returns messages."""
    digest = content_hash(files)
    existing = session.scalar(select(Deployment).where(Deployment.content_hash == digest))
    if existing is not None:
        return existing, False
    if lint is not None:
        messages = lint(files)
        if messages:
            raise LintFailed(messages)
    _parser, process_ids = parse_bundle(files)
    if not process_ids:
        raise DefinitionError(f"{name} 中没有可执行的流程（isExecutable）")
    version = (session.scalar(select(func.max(Deployment.version)).where(Deployment.name == name)) or 0) + 1
    deployment = Deployment(
        name=name, version=version, content_hash=digest, files=files, process_ids=process_ids,
        deployed_by=actor, deployed_at=datetime.now(timezone.utc),
    )
    session.add(deployment)
    session.flush()
    return deployment, True


def latest_for_process(session: Session, process_id: str) -> Deployment:
    """The newest deployment that can start `process_id`."""
    for deployment in session.scalars(select(Deployment).order_by(Deployment.id.desc())):
        if process_id in deployment.process_ids:
            return deployment
    raise NotFound(f"没有已部署的流程 {process_id}")


class SpecLibrary:
    """Parsed specs per deployment: a deployment never changes, so parse it once per process."""

    def __init__(self):
        self._parsers: dict[int, object] = {}
        self._specs: dict[tuple[int, str], ProcessSpecs] = {}
        self._lock = threading.Lock()

    def get(self, deployment: Deployment, process_id: str) -> ProcessSpecs:
        key = (deployment.id, process_id)
        with self._lock:
            if key not in self._specs:
                if deployment.id not in self._parsers:
                    self._parsers[deployment.id] = parse_bundle(deployment.files)[0]
                self._specs[key] = specs_for(self._parsers[deployment.id], process_id)
            return self._specs[key]
