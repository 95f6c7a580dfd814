"""The Alembic migrations build exactly the schema the models describe, on both databases."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from engine import migrate
from engine.models import Base


def test_upgrade_from_empty_matches_models(empty_db):
    migrate.upgrade(empty_db)
    migrate.upgrade(empty_db)  # idempotent
    with empty_db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
