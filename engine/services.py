"""Composition root: builds the runtime with its real collaborators from settings."""
from __future__ import annotations

import gc
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from engine.campaigns.campaigns import Campaigns
from engine.config import Settings
from engine.forms.forms import FormRegistry
from engine.runtime.runtime import Runtime, utcnow
from engine.scripting.hostfunctions import host_functions
from engine.scripting.scripting import RestrictedScriptEngine
from engine.storage.db import Database
from engine.storage.task_tables import forget_closed_assignments
from engine.timekeeping.calendar_store import CalendarCache, ensure_seeded
from engine.timekeeping.workdays import WorkdayCalendar


class CalendarProvider:
    """The stored calendar for host functions. `refresh` re-checks the table's stamp at most once a
    second, so an import is seen promptly without a query per expression; the runtime calls it
    before each command. Calling the provider (as host functions do, inside a command's
    transaction) only reads the database when nothing is loaded yet."""

    def __init__(self, db: Database, recheck_seconds: float = 1.0):
        self.db, self.recheck_seconds = db, recheck_seconds
        self._cache, self._checked, self._lock = CalendarCache(), 0.0, threading.Lock()
        self._calendar: WorkdayCalendar | None = None

    def __call__(self) -> WorkdayCalendar:
        with self._lock:
            return self._calendar or self._load()

    def refresh(self) -> WorkdayCalendar:
        with self._lock:
            if self._calendar is None or time.monotonic() - self._checked > self.recheck_seconds:
                return self._load()
            return self._calendar

    def _load(self) -> WorkdayCalendar:
        with self.db.transaction(write=False) as session:
            self._calendar = calendar = self._cache.get(session)
        self._checked = time.monotonic()
        return calendar

    def invalidate(self) -> None:
        with self._lock:
            self._calendar = None


@dataclass
class Services:
    settings: Settings
    db: Database
    runtime: Runtime
    calendar: CalendarProvider
    campaigns: Campaigns


def load_lanes(settings: Settings) -> dict:
    return json.loads((settings.processes_dir / "lanes.json").read_text(encoding="utf-8"))["lanes"]


def tune_gc() -> None:
    """For long-lived processes (server, timer worker, simulation): cached workflows are large
    graphs of small objects, and at Python's default threshold (a young collection every 700
    allocations, promoting them toward costly full scans) collection took 15% of a simulation."""
    gc.set_threshold(50_000, 20, 20)


def build(settings: Settings | None = None, db: Database | None = None,
          clock: Callable[[], datetime] = utcnow) -> Services:
    settings = settings or Settings()
    db = db or Database(settings.database_url)
    calendar = CalendarProvider(db)
    engine = RestrictedScriptEngine(host_functions(calendar), time_limit=settings.script_time_limit)
    runtime = Runtime(db, engine, lanes=load_lanes(settings), forms=FormRegistry(settings.forms_dir), clock=clock,
                      cache_size=settings.workflow_cache_size)
    runtime.before_command.append(calendar.refresh)
    runtime.observers.append(forget_closed_assignments)
    return Services(settings, db, runtime, calendar, Campaigns(runtime, settings.processes_dir))


def seed_calendar(db: Database) -> bool:
    with db.transaction() as session:
        return ensure_seeded(session)
