"""Schema migrations (Alembic), run programmatically so `pingxuan db upgrade` needs no ini file."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from engine.storage.db import Database

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _config(connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade(db: Database, revision: str = "head") -> None:
    with db.engine.begin() as connection:
        command.upgrade(_config(connection), revision)


def revision(db: Database, message: str) -> None:
    """Developer helper: autogenerate a migration from the models against an up-to-date database."""
    with db.engine.begin() as connection:
        command.revision(_config(connection), message=message, autogenerate=True)


def downgrade(db: Database, revision: str) -> None:
    with db.engine.begin() as connection:
        command.downgrade(_config(connection), revision)


def schema_revisions(db: Database) -> tuple[str | None, str | None]:
    """(the database's Alembic revision or None, the code's head revision)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_config(None)).get_current_head()
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision(), head


def stamp(db: Database, revision: str = "head") -> None:
    """Record `revision` as applied without running it (a schema built from the models)."""
    with db.engine.begin() as connection:
        command.stamp(_config(connection), revision)
