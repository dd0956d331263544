"""The store's tables (SQLAlchemy Core). The migrations in ``store/migrations`` create them.

``publications``  one row per published table: kind, period, version, status,
                  source, validation report (JSON), who published it and when,
                  who retracted it and why. ``(kind, period, version)`` is unique:
                  two analysts publishing the same period at once cannot both win.
``figures``       the figures of a published table, one value a row
                  (publication, row of the table, field): a number in ``value``
                  or a text (territorial status) in ``text``; only known values
                  are kept.
``boundaries``    polygons of a published boundary layer (WKB, EPSG:4326), both
                  the display geometry and the full one; the vintage is the
                  publication's period.
``units``         a published administrative-unit table (codifier vintage).
``audit_log``     publications, retractions, assumption and user changes.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    true,
)

__all__ = ["metadata", "publications", "figures", "boundaries", "units", "audit_log", "users"]

metadata = MetaData()

publications = Table(
    "publications",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(40), nullable=False),
    Column("period", String(16), nullable=False),
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("version", Integer, nullable=False),
    Column("status", String(16), nullable=False, server_default="published"),
    Column("level", String(16)),
    Column("title", Text),
    Column("source", Text),
    Column("file_name", Text),
    Column("disaggregate", String(16), nullable=False, server_default="population"),
    Column("synthetic", Boolean, nullable=False, server_default=false()),
    Column("sha256", String(64), nullable=False),
    Column("rows", Integer, nullable=False),
    Column("report", Text, nullable=False),
    Column("published_by", String(120), nullable=False),
    Column("published_at", DateTime(timezone=True), nullable=False),
    Column("retracted_by", String(120)),
    Column("retracted_at", DateTime(timezone=True)),
    Column("retract_reason", Text),
    UniqueConstraint("kind", "period", "version", name="uq_publications_kind_period_version"),
)
Index("ix_publications_kind_period", publications.c.kind, publications.c.period_end)


def _row_key() -> tuple[Column, Column, Column]:
    """The columns that place a row of a published table: its publication, its order there, its unit's code."""
    return (
        Column("publication_id", Integer, ForeignKey("publications.id", ondelete="CASCADE"), primary_key=True),
        Column("seq", Integer, primary_key=True),
        Column("code", String(32), nullable=False),
    )


figures = Table(
    "figures",
    metadata,
    *_row_key(),
    Column("field", String(64), primary_key=True),
    Column("level", String(16)),
    Column("row", Integer),
    Column("value", Float),
    Column("text", Text),
)

boundaries = Table(
    "boundaries",
    metadata,
    *_row_key(),
    Column("pcode", String(32)),
    Column("level", String(16), nullable=False),
    Column("name", Text),
    Column("area_km2", Float),
    Column("geometry", LargeBinary, nullable=False),
    Column("geometry_full", LargeBinary, nullable=False),
)

units = Table(
    "units",
    metadata,
    *_row_key(),
    Column("pcode", String(32)),
    Column("level", String(16), nullable=False),
    Column("name_uk", Text),
    Column("name_en", Text),
    Column("hromada_type", String(32)),
    Column("oblast_code", String(32)),
    Column("raion_code", String(32)),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(120), nullable=False),
    Column("action", String(32), nullable=False),
    Column("target", Text),
    Column("detail", Text),
)
Index("ix_audit_log_action", audit_log.c.action)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(120), nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),
    Column("role", String(16), nullable=False),
    Column("active", Boolean, nullable=False, server_default=true()),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
