"""Alembic environment: run programmatically by ``store.schema.migrate`` (``python app.py migrate``).

The connection is handed in through ``config.attributes["connection"]``;
``alembic -c`` with a URL works too (``sqlalchemy.url`` in the config).
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from store.models import metadata

config = context.config


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as conn:
        _run(conn)
