"""The watchlist: entries, their normalised indicators (indexed), and the checks staff ask for.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03

Written out in full rather than importing storage.models, like the revisions before it.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "watchlist_entries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("content", sa.JSON().with_variant(JSONB(), "postgresql"), nullable=False),
        sa.Column("source", sa.String(300), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("added_by", sa.String(200), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_by", sa.String(200), nullable=True),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_watchlist_entries"),
        sa.UniqueConstraint("fingerprint", name="uq_watchlist_entries_fingerprint"),
    )
    op.create_table(
        "watchlist_indicators",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("value", sa.String(600), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["watchlist_entries.id"],
            name="fk_watchlist_indicators_entry_id_watchlist_entries",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_watchlist_indicators"),
    )
    op.create_index("ix_watchlist_indicators_entry_id", "watchlist_indicators", ["entry_id"])
    op.create_index("ix_watchlist_indicators_kind_value", "watchlist_indicators", ["kind", "value"])
    op.create_table(
        "watchlist_checks",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("checked_by", sa.String(200), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_watchlist_checks"),
    )
    op.create_index("ix_watchlist_checks_checked_by_at", "watchlist_checks", ["checked_by", "at"])


def downgrade() -> None:
    op.drop_table("watchlist_checks")
    op.drop_table("watchlist_indicators")
    op.drop_table("watchlist_entries")
