"""The audit trail becomes a hash chain: sequence, previous hash and hash on every entry, and
the chain head row; the entries already there are chained in the order they were written.
Retention: the stubs purged reports leave, the schedule of the daily purge, and the key of
the reporters' pseudonyms (made here, once, at random).

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-04

The hashing itself comes from bot.audit.chain (the one definition `audit verify` checks
against); the tables are written out here, like the revisions before.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from bot.audit.chain import GENESIS, at_of, entry_hash
from bot.ports import AuditEvent

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 1000


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("audit_events") as batch:
        batch.add_column(sa.Column("sequence", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("prev_hash", sa.String(64), nullable=True))
        batch.add_column(sa.Column("hash", sa.String(64), nullable=True))
    op.create_table(
        "audit_chain",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_chain"),
    )
    sequence, prev_hash = _chain_existing()
    op.get_bind().execute(
        sa.text("INSERT INTO audit_chain (id, sequence, hash) VALUES (1, :sequence, :hash)"),
        {"sequence": sequence, "hash": prev_hash},
    )
    with op.batch_alter_table("audit_events") as batch:
        batch.alter_column("sequence", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("prev_hash", existing_type=sa.String(64), nullable=False)
        batch.alter_column("hash", existing_type=sa.String(64), nullable=False)
        batch.create_unique_constraint("uq_audit_events_sequence", ["sequence"])
    _retention()


def _retention() -> None:
    op.create_table(
        "report_stubs",
        sa.Column("reference", sa.String(10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("purged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(40), nullable=True),
        sa.Column("severity", sa.String(20), nullable=False),
        sa.Column("approach_kinds", _json(), nullable=False),
        sa.Column("channel", sa.String(40), nullable=True),
        sa.Column("reported_from", sa.String(50), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("reference", name="pk_report_stubs"),
    )
    op.create_table(
        "scheduled_runs",
        sa.Column("name", sa.String(50), nullable=False),
        sa.Column("next_run_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_run_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("name", name="pk_scheduled_runs"),
    )
    op.create_table(
        "instance_secrets",
        sa.Column("name", sa.String(50), nullable=False),
        sa.Column("value", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_instance_secrets"),
    )
    op.get_bind().execute(
        sa.text("INSERT INTO instance_secrets (name, value) VALUES ('pseudonym_key', :value)"),
        {"value": secrets.token_hex(32)},
    )


def _chain_existing() -> tuple[int, str]:
    bind = op.get_bind()
    events = sa.table(
        "audit_events",
        sa.column("id", sa.Integer()),
        sa.column("at", sa.DateTime(timezone=True)),
        sa.column("actor", sa.String()),
        sa.column("platform", sa.String()),
        sa.column("action", sa.String()),
        sa.column("report_reference", sa.String()),
        sa.column("detail", _json()),
        sa.column("sequence", sa.Integer()),
        sa.column("prev_hash", sa.String()),
        sa.column("hash", sa.String()),
    )
    sequence, prev_hash, last_id = 0, GENESIS, 0
    while True:
        # In the order they were written: ids only grow (the entries' own clocks may not).
        rows = bind.execute(
            sa.select(events).where(events.c.id > last_id).order_by(events.c.id).limit(_BATCH)
        ).all()
        for row in rows:
            sequence += 1
            event = AuditEvent(
                at=at_of(row.at),
                actor=row.actor,
                platform=row.platform,
                action=row.action,
                report_reference=row.report_reference,
                detail=row.detail,
            )
            digest = entry_hash(prev_hash, sequence, event)
            bind.execute(
                sa.update(events)
                .where(events.c.id == row.id)
                .values(sequence=sequence, prev_hash=prev_hash, hash=digest)
            )
            prev_hash = digest
        if len(rows) < _BATCH:
            return sequence, prev_hash
        last_id = rows[-1].id


def downgrade() -> None:
    op.drop_table("instance_secrets")
    op.drop_table("scheduled_runs")
    op.drop_table("report_stubs")
    op.drop_table("audit_chain")
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_constraint("uq_audit_events_sequence", type_="unique")
        batch.drop_column("hash")
        batch.drop_column("prev_hash")
        batch.drop_column("sequence")
