"""Alembic environment: the URL and connection come from engine.storage.migrate, never from an ini file."""
from alembic import context

from engine.storage.models import Base

config = context.config
target_metadata = Base.metadata

connectable = config.attributes.get("connection")
if connectable is None:
    raise RuntimeError("run migrations through engine.storage.migrate.upgrade()")
context.configure(connection=connectable, target_metadata=target_metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
