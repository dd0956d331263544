"""Boundaries as PostGIS geometry where the PostgreSQL server has PostGIS (else WKB, as before).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

On PostgreSQL with the ``postgis`` extension available, the extension is
created (when the role may) and both geometry columns of ``boundaries``
become ``geometry(Geometry, 4326)`` (their WKB converted in place), with a
GiST index on the display geometry, so the database itself can answer
spatial questions. SQLite, and PostgreSQL without PostGIS, keep WKB in a
binary column; :class:`store.Store` reads and writes both.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

LOG = logging.getLogger("atlas.store")
_COLUMNS = ("geometry", "geometry_full")


def _postgis_installed(bind) -> bool:
    return bool(bind.execute(sa.text("SELECT count(*) FROM pg_extension WHERE extname = 'postgis'")).scalar())


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    available = bind.execute(sa.text("SELECT count(*) FROM pg_available_extensions WHERE name = 'postgis'")).scalar()
    if available and not _postgis_installed(bind):
        try:
            with bind.begin_nested():
                bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS postgis"))
        except sa.exc.DBAPIError as exc:  # e.g. the role may not create extensions
            LOG.warning("PostGIS is available but could not be created (%s); geometry stays WKB", exc.orig)
    if not _postgis_installed(bind):
        LOG.warning("the PostgreSQL server has no PostGIS: boundaries are kept as WKB")
        return
    for column in _COLUMNS:
        op.execute(
            f"ALTER TABLE boundaries ALTER COLUMN {column} TYPE geometry(Geometry, 4326) "
            f"USING ST_SetSRID(ST_GeomFromWKB({column}), 4326)"
        )
    op.execute("CREATE INDEX ix_boundaries_geometry ON boundaries USING gist (geometry)")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    kind = bind.execute(
        sa.text(
            "SELECT udt_name FROM information_schema.columns "
            "WHERE table_name = 'boundaries' AND column_name = 'geometry' AND table_schema = current_schema()"
        )
    ).scalar()
    if kind != "geometry":
        return
    op.execute("DROP INDEX IF EXISTS ix_boundaries_geometry")
    for column in _COLUMNS:
        op.execute(f"ALTER TABLE boundaries ALTER COLUMN {column} TYPE bytea USING ST_AsBinary({column})")
