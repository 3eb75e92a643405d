"""The report indicator index (backfilled from every report), and campaigns: their members and
the evidence of each link between two reports.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04

Written out in full rather than importing storage.models, like the revisions before it. The
backfill uses the index key and phone region the app passes in (storage.db.upgrade_database),
so a deployment with keyed (blind) indicators backfills them keyed.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from alembic import context, op
from sqlalchemy.dialects.postgresql import JSONB

from bot.normalise import DEFAULT_PHONE_REGION, contact_indicators, plain_index_key

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 1000
_JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "report_indicators",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("report_reference", sa.String(10), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("key", sa.String(600), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_reference"],
            ["reports.reference"],
            name="fk_report_indicators_report_reference_reports",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_report_indicators"),
    )
    op.create_index("ix_report_indicators_report_reference", "report_indicators", ["report_reference"])
    op.create_index(
        "ix_report_indicators_key_report_reference", "report_indicators", ["key", "report_reference"]
    )
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("title", sa.String(200), nullable=True),
        sa.Column("decided", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_campaigns"),
    )
    op.create_table(
        "campaign_members",
        sa.Column("report_reference", sa.String(10), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("added_by", sa.String(200), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_reference"],
            ["reports.reference"],
            name="fk_campaign_members_report_reference_reports",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name="fk_campaign_members_campaign_id_campaigns",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("report_reference", name="pk_campaign_members"),
    )
    op.create_index("ix_campaign_members_campaign_id", "campaign_members", ["campaign_id"])
    op.create_table(
        "campaign_links",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("reference_a", sa.String(10), nullable=False),
        sa.Column("reference_b", sa.String(10), nullable=False),
        sa.Column("strength", sa.Float(), nullable=False),
        sa.Column("evidence", _JSON, nullable=False),
        sa.Column("found_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["reference_a"],
            ["reports.reference"],
            name="fk_campaign_links_reference_a_reports",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reference_b"],
            ["reports.reference"],
            name="fk_campaign_links_reference_b_reports",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_campaign_links"),
        sa.UniqueConstraint("reference_a", "reference_b", name="uq_campaign_links_reference_a_reference_b"),
    )
    op.create_index("ix_campaign_links_reference_b", "campaign_links", ["reference_b"])
    _backfill_index()


def _backfill_index() -> None:
    attributes = context.config.attributes
    index_key = attributes.get("index_key") or plain_index_key
    region = attributes.get("phone_region") or DEFAULT_PHONE_REGION
    bind = op.get_bind()
    reports = sa.table(
        "reports", sa.column("id", sa.Integer()), sa.column("reference"), sa.column("document", _JSON)
    )
    indicators = sa.table(
        "report_indicators", sa.column("report_reference"), sa.column("kind"), sa.column("key")
    )
    last = 0
    while True:
        rows = bind.execute(
            sa.select(reports.c.id, reports.c.reference, reports.c.document)
            .where(reports.c.id > last)
            .order_by(reports.c.id)
            .limit(_BATCH)
        ).all()
        if not rows:
            return
        values: list[dict[str, Any]] = []
        for _, reference, document in rows:
            for kind, value in contact_indicators(_contact(document), region):
                values.append({"report_reference": reference, "kind": kind, "key": index_key(kind, value)})
        if values:
            bind.execute(sa.insert(indicators), values)
        last = rows[-1][0]


def _contact(document: dict[str, Any] | str) -> SimpleNamespace:
    # A sealed document (0008: only met when a database was taken below 0006 and back up) can't
    # be read here; the reports written before 0008 are all plain.
    contact = (document.get("contact") if isinstance(document, dict) else None) or {}
    return SimpleNamespace(
        name_used=contact.get("name_used"),
        organisation=contact.get("organisation"),
        profile_urls=list(contact.get("profile_urls") or []),
        emails=list(contact.get("emails") or []),
        phones=list(contact.get("phones") or []),
        websites=list(contact.get("websites") or []),
    )


def downgrade() -> None:
    op.drop_table("campaign_links")
    op.drop_table("campaign_members")
    op.drop_table("campaigns")
    op.drop_table("report_indicators")
