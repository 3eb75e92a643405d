"""Encryption at rest: the table of the database's key check and sealed index key.

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-04

No column changes type and no row is rewritten here: a sealed value is a JSON string (or, for
a message body, text) in the column that held the plaintext, so rows written before this
revision stay readable as they are, and `python app.py keys rotate` seals them when the
operator chooses (docs/data-protection.md).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table("data_protection"):
        return  # kept by a downgrade (below): the key check and the index key are still needed
    op.create_table(
        "data_protection",
        sa.Column("name", sa.String(50), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_data_protection"),
    )


def downgrade() -> None:
    # Once anything is sealed, the key check and the sealed index key must outlive a downgrade:
    # without them nothing sealed can be checked or found again. An empty table goes.
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT count(*) FROM data_protection")).scalar() == 0:
        op.drop_table("data_protection")
