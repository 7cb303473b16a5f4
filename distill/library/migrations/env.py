"""Alembic environment: runs on the connection the Library hands over (or the URL in the config)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from distill.library.schema import metadata

config = context.config


def run() -> None:
    """Run the migrations on the given connection, or on a new one from sqlalchemy.url."""
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = sa.create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run()
