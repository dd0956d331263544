"""Published tables, their figures, boundaries, units and the audit log.

Revision ID: 0001
Revises:
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "publications",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("period", sa.String(16), nullable=False),
        sa.Column("period_start", sa.Date, nullable=False),
        sa.Column("period_end", sa.Date, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False, server_default="published"),
        sa.Column("level", sa.String(16)),
        sa.Column("title", sa.Text),
        sa.Column("source", sa.Text),
        sa.Column("file_name", sa.Text),
        sa.Column("disaggregate", sa.String(16), nullable=False, server_default="population"),
        sa.Column("synthetic", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("report", sa.Text, nullable=False),
        sa.Column("published_by", sa.String(120), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retracted_by", sa.String(120)),
        sa.Column("retracted_at", sa.DateTime(timezone=True)),
        sa.Column("retract_reason", sa.Text),
        sa.UniqueConstraint("kind", "period", "version", name="uq_publications_kind_period_version"),
    )
    op.create_index("ix_publications_kind_period", "publications", ["kind", "period_end"])
    op.create_table(
        "figures",
        sa.Column("publication_id", sa.Integer, sa.ForeignKey("publications.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("field", sa.String(64), primary_key=True),
        sa.Column("level", sa.String(16)),
        sa.Column("row", sa.Integer),
        sa.Column("value", sa.Float),
        sa.Column("text", sa.Text),
    )
    op.create_table(
        "boundaries",
        sa.Column("publication_id", sa.Integer, sa.ForeignKey("publications.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("pcode", sa.String(32)),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("name", sa.Text),
        sa.Column("area_km2", sa.Float),
        sa.Column("geometry", sa.LargeBinary, nullable=False),
        sa.Column("geometry_full", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "units",
        sa.Column("publication_id", sa.Integer, sa.ForeignKey("publications.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("pcode", sa.String(32)),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("name_uk", sa.Text),
        sa.Column("name_en", sa.Text),
        sa.Column("hromada_type", sa.String(32)),
        sa.Column("oblast_code", sa.String(32)),
        sa.Column("raion_code", sa.String(32)),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("target", sa.Text),
        sa.Column("detail", sa.Text),
    )
    op.create_index("ix_audit_log_action", "audit_log", ["action"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_action", "audit_log")
    op.drop_table("audit_log")
    op.drop_table("units")
    op.drop_table("boundaries")
    op.drop_table("figures")
    op.drop_index("ix_publications_kind_period", "publications")
    op.drop_table("publications")
