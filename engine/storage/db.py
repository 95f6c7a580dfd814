"""Database engine and session factory; SQLite gets WAL and a busy timeout, PostgreSQL works as is."""
from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from engine.errors import Conflict

SQLITE_CACHE_MB = int(os.environ.get("PINGXUAN_SQLITE_CACHE_MB", "64"))
SQLITE_SYNCHRONOUS = {"FULL": "FULL", "NORMAL": "NORMAL"}.get(
    os.environ.get("PINGXUAN_SQLITE_SYNCHRONOUS", "FULL").upper(), "FULL")


def make_engine(url: str, sqlite_cache_mb: int | None = None, **kwargs) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        cache_mb = sqlite_cache_mb or SQLITE_CACHE_MB
        event.listen(engine, "connect", lambda dbapi_conn, _record: _sqlite_pragmas(dbapi_conn, cache_mb))
        # pysqlite's own transaction handling defers BEGIN; emit it ourselves so that a write
        # transaction takes the write lock up front (and waits for it) instead of failing with
        # SQLITE_BUSY when a deferred reader later tries to upgrade.
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    # Plans are left to PostgreSQL (generic plans suit the runtime's key lookups and writes); the
    # inbox, whose filters are skewed, asks for custom plans in its own transaction.
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _sqlite_begin(conn) -> None:
    immediate = conn.get_execution_options().get("sqlite_immediate", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _sqlite_pragmas(dbapi_conn, cache_mb: int) -> None:
    dbapi_conn.isolation_level = None  # autocommit at the driver; SQLAlchemy's "begin" event issues BEGIN
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    # FULL: a commit is on disk before it is acknowledged, also across a power loss (NORMAL in WAL
    # mode survives a process kill but may lose the last commits to a power cut).
    cur.execute(f"PRAGMA synchronous={SQLITE_SYNCHRONOUS}")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    # A page cache of `cache_mb` per connection (grown as used) instead of 2 MB: a campaign's task
    # rows soon outgrow 2 MB, and every command then re-reads index pages through the operating system.
    cur.execute(f"PRAGMA cache_size=-{cache_mb * 1024}")
    cur.close()


_STATEMENTS: dict[tuple, object] = {}


def built_once(key: tuple, build):
    """A statement built on first use and reused: on the command path, building a statement and
    computing its cache key costs more than running it. `key` must name everything `build` varies."""
    statement = _STATEMENTS.get(key)
    if statement is None:
        statement = _STATEMENTS[key] = build()
    return statement


class Database:
    """One engine and its session factory; the unit of work is `with db.transaction() as s:`."""

    def __init__(self, url: str, sqlite_cache_mb: int | None = None, **kwargs):
        self.url = url
        self.engine = make_engine(url, sqlite_cache_mb, **kwargs)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._write_sessions = sessionmaker(
            self.engine.execution_options(sqlite_immediate=True), expire_on_commit=False
        )

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @contextmanager
    def transaction(self, write: bool = True) -> Iterator[Session]:
        factory = self._write_sessions if write else self.sessions
        with factory() as session:
            with session.begin():
                yield session

    @contextmanager
    def read_then_write(self) -> Iterator[tuple[Session, Callable]]:
        """One pooled connection (one checkout, one liveness ping: a round trip each) for a read
        transaction and then a write transaction: yields the read session and `write()`, a
        context manager that ends the read transaction and opens the write one."""
        with self.engine.connect() as connection:
            if self.is_postgres:
                # No transaction for the reads (BEGIN and COMMIT are a round trip each): under READ
                # COMMITTED each statement sees what is committed anyway, and the writes are guarded
                # by the versions read. SQLite keeps its read transaction (in-process, free).
                connection.execution_options(isolation_level="AUTOCOMMIT")
            session = Session(bind=connection, expire_on_commit=False)
            reading = session.begin()

            @contextmanager
            def write() -> Iterator:
                reading.commit()
                session.close()
                if self.is_postgres:
                    connection.execution_options(isolation_level=self.engine.dialect.default_isolation_level)
                with connection.execution_options(sqlite_immediate=True).begin():
                    yield connection
            try:
                yield session, write
            finally:
                session.close()

    def ping(self) -> str:
        """Reach the database once; returns its dialect name ("sqlite", "postgresql")."""
        with self.engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
        return self.engine.dialect.name

    def dispose(self) -> None:
        self.engine.dispose()


class StaleRow(Conflict):
    """A row moved by another transaction since it was read: a guarded write found its version
    gone, or a workflow's rows were read across another transaction's commit. The runtime works a
    command out again; anywhere else it is the user's conflict."""

    def __init__(self):
        super().__init__("数据已被他人同时更新，请刷新后重试")


class Writes:
    """A command's writes, recorded while it runs and executed in order once it holds the write
    lock: the runtime works out a command outside the write transaction, so on SQLite another
    process can compute its next command meanwhile (see ADR 0007)."""

    def __init__(self):
        self._guards: list[tuple] = []
        self._statements: list[tuple] = []

    def execute(self, statement, params, alone: bool = False) -> None:
        """`params`: a dict, or a list of dicts for one row each; `alone`: never merged with other
        commands' rows (a statement with an expanding IN list cannot run as an executemany)."""
        self._statements.append((statement, params, alone))

    def guard(self, key: str, statement, params: dict) -> None:
        """A write that must change exactly one row (an UPDATE guarded by a version); guards run
        first, ordered by `key`, so that two transactions lock shared rows in the same order."""
        self._guards.append((key, len(self._guards), statement, params))

    def __bool__(self) -> bool:
        return bool(self._guards or self._statements)

    def run(self, connection, merge: bool = False) -> None:
        """With `merge`, the rows of one statement from all recorded commands go in one
        executemany (a list act's hundreds of commands then cost a dozen round trips, not
        thousands). Only for commands on distinct instances: their rows never overlap, so the
        order between commands does not matter, while each statement keeps its rows in order."""
        for _key, _order, statement, params in sorted(self._guards, key=lambda g: g[:2]):
            if connection.execute(statement, params).rowcount != 1:
                raise StaleRow()
        if not merge:
            for statement, params, _alone in self._statements:
                connection.execute(statement, params)
            return
        batches: dict[object, tuple[object, list]] = {}
        for position, (statement, params, alone) in enumerate(self._statements):
            rows = batches.setdefault(position if alone else statement, (statement, []))[1]
            rows.extend(params if isinstance(params, list) else [params])
        for statement, rows in batches.values():
            connection.execute(statement, rows if len(rows) > 1 else rows[0])


def is_uuid(value: str) -> bool:
    """Whether a client-given id can be an instance id at all: PostgreSQL refuses a malformed uuid
    in a query, so such an id is answered as not found without asking the database."""
    try:
        uuid.UUID(str(value))
        return True
    except ValueError:
        return False
