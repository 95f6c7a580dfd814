"""Shared fixtures: a fresh real database per test (SQLite always; PostgreSQL too when
TEST_DATABASE_URL is set, each test in its own schema) and services with a controllable clock."""
from __future__ import annotations

import os
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from engine.config import REPO_ROOT, Settings
from engine.definitions import catalog, definitions
from engine.runtime import stepping
from engine.services import build, seed_calendar
from engine.storage.db import Database
from engine.storage.models import Base

PG_URL = os.environ.get("TEST_DATABASE_URL")
# Every engine pass in the suite checks the fast ready-task scan against SpiffWorkflow's own walk.
stepping.VERIFY = True

BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


def pytest_sessionstart(session):
    # CI sets TEST_DATABASE_URL and must fail, not skip, when the server is unreachable.
    if PG_URL:
        try:
            with create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1)).connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception as exc:  # noqa: BLE001
            raise pytest.UsageError(f"TEST_DATABASE_URL={PG_URL} is unreachable: {exc}") from exc


class PgSchema:
    """A throw-away schema on the test server; the Database's connections see only it."""

    def __init__(self):
        self.name = "t_" + uuid.uuid4().hex[:12]
        self.admin = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
        with self.admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{self.name}"'))

    def database(self, **kwargs) -> Database:
        return Database(PG_URL, connect_args={"options": f"-csearch_path={self.name}"}, **kwargs)

    @property
    def url_options(self) -> str:
        return f"-csearch_path={self.name}"

    def drop(self):
        with self.admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{self.name}" CASCADE'))
        self.admin.dispose()


@pytest.fixture(params=BACKENDS)
def backend(request):
    return request.param


@pytest.fixture
def empty_db(backend, tmp_path):
    """A database with no tables yet."""
    if backend == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'test.db'}")
        yield db
        db.dispose()
    else:
        schema = PgSchema()
        db = schema.database()
        db.pg_schema = schema.name
        yield db
        db.dispose()
        schema.drop()


@pytest.fixture
def db(empty_db):
    Base.metadata.create_all(empty_db.engine)
    seed_calendar(empty_db)
    return empty_db


class Clock:
    """A clock the test moves by hand; starts on a working day in Beijing time."""

    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs) -> None:
        self.now += timedelta(**kwargs)

    def set(self, value: datetime) -> None:
        self.now = value.astimezone(timezone.utc)


@pytest.fixture
def clock():
    return Clock(datetime(2025, 9, 26, 2, 0, tzinfo=timezone.utc))  # Fri 10:00 Beijing


@pytest.fixture
def services(db, clock):
    return build(Settings(database_url=db.url), db=db, clock=clock)


def deploy_folder(services, folder: Path, name: str | None = None, lint: bool = True):
    """Deploy as `pingxuan deploy` does (lint first), or unlinted for deliberately odd fixtures."""
    files = definitions.bundle_from_folder(folder)
    if lint:
        return catalog.deploy(services, name or folder.name, files, "test")[0]
    with services.db.transaction() as session:
        return definitions.deploy(session, name or folder.name, files, "test")[0]


@pytest.fixture
def sample(services):
    """Services with processes/sample deployed."""
    deploy_folder(services, REPO_ROOT / "processes" / "sample")
    return services
