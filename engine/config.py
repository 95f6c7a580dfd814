"""Settings read from the environment, with defaults that make `make run` work on a fresh clone."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

REPO_ROOT = Path(__file__).resolve().parent.parent
TIMEZONE = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Settings:
    database_url: str = field(
        default_factory=lambda: os.environ.get(
            "DATABASE_URL", f"sqlite:///{REPO_ROOT / 'var' / 'pingxuan.db'}"
        )
    )
    processes_dir: Path = field(
        default_factory=lambda: Path(os.environ.get("PINGXUAN_PROCESSES", REPO_ROOT / "processes"))
    )
    forms_dir: Path = field(
        default_factory=lambda: Path(os.environ.get("PINGXUAN_FORMS", REPO_ROOT / "forms_schema"))
    )
    # Script/expression wall-clock budget; BPMN expressions here are one-liners, so a second is generous.
    script_time_limit: float = float(os.environ.get("PINGXUAN_SCRIPT_TIME_LIMIT", "1.0"))
    # Workflows a runtime keeps in memory between commands (least recently used go first).
    workflow_cache_size: int = int(os.environ.get("PINGXUAN_WORKFLOW_CACHE", "2000"))
    # How often the in-process scheduler wakes the timer sweep.
    timer_sweep_seconds: float = float(os.environ.get("PINGXUAN_TIMER_SWEEP_SECONDS", "10"))
