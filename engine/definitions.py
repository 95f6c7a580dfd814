"""Deploying definitions: lint, content-hash, version; and the cache of parsed specs per deployment."""
from __future__ import annotations

import hashlib
import json
import threading
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .errors import DefinitionError, LintFailed, NotFound
from .models import Deployment
from .spiff import ProcessSpecs, parse_bundle, specs_for

SHARED_FOLDER = "shared"  # processes/shared/: subprocesses every variant may call


def bundle_from_folder(folder: Path) -> dict[str, str]:
    """A folder's .bpmn/.dmn files, plus the shared subprocess library beside it if there is one."""
    files = {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.iterdir()) if p.suffix in (".bpmn", ".dmn")}
    shared = folder.parent / SHARED_FOLDER
    if shared.is_dir() and shared.resolve() != folder.resolve():
        for p in sorted(shared.iterdir()):
            if p.suffix in (".bpmn", ".dmn"):
                files[f"{SHARED_FOLDER}/{p.name}"] = p.read_text(encoding="utf-8")
    if not files:
        raise DefinitionError(f"目录 {folder} 中没有 .bpmn 或 .dmn 文件")
    return files


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
