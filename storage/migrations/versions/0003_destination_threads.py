"""Where each report lives on a destination that threads (a Slack card's channel and ts).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07

Written out in full rather than importing storage.models, like 0001 and 0002.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamp() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "destination_threads",
        sa.Column("destination", sa.String(50), nullable=False),
        sa.Column("report_reference", sa.String(10), nullable=False),
        sa.Column("channel", sa.String(100), nullable=False),
        sa.Column("thread_id", sa.String(100), nullable=False),
        sa.Column("created_at", _timestamp(), nullable=False),
        sa.PrimaryKeyConstraint("destination", "report_reference", name="pk_destination_threads"),
    )


def downgrade() -> None:
    op.drop_table("destination_threads")
