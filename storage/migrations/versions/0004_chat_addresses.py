"""Where a chat platform can reach someone first (a Teams conversation reference).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02

Written out in full rather than importing storage.models, like the revisions before it.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "chat_addresses",
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("address_key", sa.String(200), nullable=False),
        sa.Column("address", sa.JSON().with_variant(JSONB(), "postgresql"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("platform", "address_key", name="pk_chat_addresses"),
    )


def downgrade() -> None:
    op.drop_table("chat_addresses")
