"""Report threads (messages between the security team and the reporter) and deadlines.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30

Written out in full rather than importing storage.models, like 0001.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamp() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    # New tables only, so the foreign keys are declared inline: no ALTER, which SQLite lacks.
    op.create_table(
        "report_messages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("report_reference", sa.String(10), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("signed_by", sa.String(200), nullable=True),
        sa.Column("in_reply_to", sa.Integer(), nullable=True),
        sa.Column("delivered_to_reporter_at", _timestamp(), nullable=True),
        sa.Column("created_at", _timestamp(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_report_messages"),
        sa.ForeignKeyConstraint(
            ["report_reference"],
            ["reports.reference"],
            name="fk_report_messages_report_reference_reports",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["in_reply_to"],
            ["report_messages.id"],
            name="fk_report_messages_in_reply_to_report_messages",
        ),
    )
    op.create_index("ix_report_messages_report_reference", "report_messages", ["report_reference"])

    op.create_table(
        "deadlines",
        sa.Column("report_reference", sa.String(10), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("due_at", _timestamp(), nullable=False),
        sa.Column("warn_at", _timestamp(), nullable=False),
        sa.Column("warned_at", _timestamp(), nullable=True),
        sa.Column("missed_at", _timestamp(), nullable=True),
        sa.Column("met_at", _timestamp(), nullable=True),
        sa.PrimaryKeyConstraint("report_reference", "kind", name="pk_deadlines"),
    )
    op.create_index("ix_deadlines_met_at_warn_at", "deadlines", ["met_at", "warn_at"])
    op.create_index("ix_deadlines_met_at_due_at", "deadlines", ["met_at", "due_at"])


def downgrade() -> None:
    op.drop_table("deadlines")
    op.drop_table("report_messages")
