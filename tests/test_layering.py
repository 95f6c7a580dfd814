"""The folder tree's promise, checked: web → api → engine, never back; api/ holds no SQL."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# What api/ may not import: the database layer and the tables it maps.
API_BANNED = ("sqlalchemy", "engine.storage.models", "engine.campaigns.campaign_models", "engine.storage.task_tables", "engine.storage.db")
ENGINE_BANNED = ("flask", "api", "pingxuan")  # werkzeug.security hashes passwords; no web code


def imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
            found += [f"{node.module}.{alias.name}" for alias in node.names]
    return found


def offending(folder: str, banned: tuple[str, ...], root: Path = ROOT) -> list[str]:
    return [f"{path.relative_to(root)}: {name}" for path in sorted((root / folder).rglob("*.py"))
            for name in imports(path) if any(name == b or name.startswith(b + ".") for b in banned)]


@pytest.mark.parametrize("folder,banned", [("api", API_BANNED), ("engine", ENGINE_BANNED)])
def test_dependencies_point_one_way(folder, banned):
    assert offending(folder, banned) == []


def test_the_check_sees_a_banned_import(tmp_path):
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "bad.py").write_text("from sqlalchemy import select\nimport engine.storage.models\n", encoding="utf-8")
    assert offending("api", API_BANNED, tmp_path) == ["api/bad.py: sqlalchemy", "api/bad.py: sqlalchemy.select",
                                                      "api/bad.py: engine.storage.models"]


def test_every_engine_module_imports_first():
    """No import circle: each engine module can be the first one a process imports (the documents
    export did not, through engine/storage/models.py's table registrations)."""
    import subprocess
    import sys

    modules = sorted(".".join(p.relative_to(ROOT).with_suffix("").parts) for p in (ROOT / "engine").rglob("*.py")
                     if "migrations" not in p.parts and p.name != "__init__.py")
    script = ("import importlib, sys\nfailed = []\n"
              f"for name in {modules!r}:\n"
              "    for loaded in [m for m in sys.modules if m == 'engine' or m.startswith('engine.')]:\n"
              "        del sys.modules[loaded]\n"
              "    try:\n        importlib.import_module(name)\n"
              "    except ImportError as exc:\n        failed.append(f'{name}: {exc}')\n"
              "print('\\n'.join(failed))\n")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
