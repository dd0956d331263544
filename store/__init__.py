"""The store of published data: one shared, versioned record of the workforce over time.

SQLite by default (a file the app owns, nothing to install), PostgreSQL for
shared deployments (``ATLAS_DATABASE_URL=postgresql+psycopg://...``), both
through SQLAlchemy, with Alembic migrations in ``store/migrations``. See
:mod:`store.store` for publishing and retracting, :mod:`store.periods` for
reference periods and :mod:`store.db` for the database itself.
"""

from .db import SchemaOutdated, StoreError, StoreUnavailable, database_url, migrate, redact
from .demo import DEMO_PERIODS, publish_demo
from .periods import Period, parse_period, quarters
from .store import (
    Prepared,
    Publication,
    PublicationLookup,
    PublishConflict,
    PublishRefused,
    Store,
    Table,
    open_store,
)

__all__ = [
    "DEMO_PERIODS",
    "Period",
    "Prepared",
    "Publication",
    "PublishConflict",
    "PublicationLookup",
    "PublishRefused",
    "SchemaOutdated",
    "Store",
    "StoreError",
    "StoreUnavailable",
    "Table",
    "database_url",
    "migrate",
    "open_store",
    "parse_period",
    "publish_demo",
    "quarters",
    "redact",
]
