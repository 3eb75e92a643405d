"""Purging reports past their retention period, their stubs, and the schedule of the purge."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.outbox import REPORTER_DESTINATION
from bot.ports import ConversationStatus, OutboxStatus
from bot.report import Status
from bot.retention.ports import Held, ReportStub
from storage.models import (
    CampaignLinkRow,
    CampaignMemberRow,
    ConversationRow,
    DeadlineRow,
    DestinationThreadRow,
    InstanceSecretRow,
    OutboxRow,
    ReportIndicatorRow,
    ReportMessageRow,
    ReportRow,
    ReportStubRow,
    ScheduledRunRow,
)
from storage.protection.fields import CONVERSATION_STATE, INSTANCE_SECRET, MESSAGE_BODY, OUTBOX_PAYLOAD
from storage.protection.sealing import Sealer
from storage.repositories._sql import FRESH, NO_SYNC, insert_unless_exists, rowcount


class SqlRetentionRepository:
    def __init__(self, session: AsyncSession, sealer: Sealer) -> None:
        self._sealer = sealer  # a conversation's state is sealed at rest: opened to be read
        self._session = session

    async def closed_before(self, cutoff: datetime, after: str, limit: int) -> Sequence[str]:
        rows = await self._session.scalars(
            select(ReportRow.reference)
            .where(
                ReportRow.status == Status.CLOSED.value,
                ReportRow.updated_at < cutoff,
                ReportRow.reference > after,
            )
            .order_by(ReportRow.reference)
            .limit(limit)
        )
        return list(rows)

    async def _count(self, *where: ColumnElement[bool]) -> int:
        return int(await self._session.scalar(select(func.count()).where(*where)) or 0)

    async def held(self, reference: str) -> Held:
        return Held(
            messages=await self._count(ReportMessageRow.report_reference == reference),
            deadlines=await self._count(DeadlineRow.report_reference == reference),
            deliveries=await self._count(OutboxRow.report_reference == reference),
            pending_deliveries=await self._count(
                OutboxRow.report_reference == reference, OutboxRow.status == OutboxStatus.PENDING.value
            ),
            threads=await self._count(DestinationThreadRow.report_reference == reference),
            indicators=await self._count(ReportIndicatorRow.report_reference == reference),
        )

    async def delete_report(self, reference: str) -> Held:
        held = await self.held(reference)
        # Replies point at the messages they answer: the replies go first.
        await self._session.execute(
            update(ReportMessageRow)
            .where(ReportMessageRow.report_reference == reference)
            .values(in_reply_to=None)
            .execution_options(**NO_SYNC)
        )
        for where in (
            ReportMessageRow.report_reference == reference,
            DeadlineRow.report_reference == reference,
            DestinationThreadRow.report_reference == reference,
            OutboxRow.report_reference == reference,
            ReportIndicatorRow.report_reference == reference,
            CampaignMemberRow.report_reference == reference,
            CampaignLinkRow.reference_a == reference,
            CampaignLinkRow.reference_b == reference,
        ):
            table = where.left.table
            await self._session.execute(delete(table).where(where))
        await self._session.execute(
            delete(ReportRow).where(ReportRow.reference == reference).execution_options(**NO_SYNC)
        )
        return held

    async def add_stub(self, stub: ReportStub) -> bool:
        values = {
            "reference": stub.reference,
            "created_at": stub.created_at,
            "closed_at": stub.closed_at,
            "purged_at": stub.purged_at,
            "outcome": stub.outcome,
            "severity": stub.severity,
            "approach_kinds": list(stub.approach_kinds),
            "channel": stub.channel,
            "reported_from": stub.reported_from,
            "acknowledged_at": stub.acknowledged_at,
            "campaign_id": stub.campaign_id,
        }
        return await insert_unless_exists(self._session, ReportStubRow, values, ["reference"])

    async def stubs(self) -> Sequence[ReportStub]:
        rows = await self._session.scalars(
            select(ReportStubRow).order_by(ReportStubRow.reference).execution_options(**FRESH)
        )
        return [
            ReportStub(
                reference=row.reference,
                created_at=row.created_at,
                closed_at=row.closed_at,
                purged_at=row.purged_at,
                outcome=row.outcome,
                severity=row.severity,
                approach_kinds=tuple(row.approach_kinds),
                channel=row.channel,
                reported_from=row.reported_from,
                acknowledged_at=row.acknowledged_at,
                campaign_id=row.campaign_id,
            )
            for row in rows
        ]

    def _expired(self, now: datetime) -> list[ColumnElement[bool]]:
        return [
            ConversationRow.status == ConversationStatus.CANCELLED.value,
            ConversationRow.expires_at.is_not(None),
            ConversationRow.expires_at <= now,
        ]

    async def expired_drafts(self, now: datetime) -> Sequence[tuple[str, int, list[Any]]]:
        rows = await self._session.execute(
            select(ConversationRow.key, ConversationRow.version, ConversationRow.state)
            .where(*self._expired(now))
            .order_by(ConversationRow.key)
        )
        return [
            (row.key, row.version, list(self._state(row.key, row.state).get("files") or [])) for row in rows
        ]

    async def delete_draft(self, key: str, version: int, now: datetime) -> int:
        result = await self._session.execute(
            delete(ConversationRow)
            .where(ConversationRow.key == key, ConversationRow.version == version, *self._expired(now))
            .execution_options(**NO_SYNC)
        )
        return rowcount(result)

    def _quiet(self, quiet_since: datetime) -> list[ColumnElement[bool]]:
        return [
            ConversationRow.status == ConversationStatus.ACTIVE.value,
            ConversationRow.updated_at < quiet_since,
        ]

    async def abandoned_drafts(self, quiet_since: datetime) -> Sequence[tuple[str, int, list[Any]]]:
        rows = await self._session.execute(
            select(ConversationRow.key, ConversationRow.version, ConversationRow.state)
            .where(*self._quiet(quiet_since))
            .order_by(ConversationRow.key)
        )
        found = []
        for row in rows:
            # The state is sealed: which quiet conversations are drafts is read in it, here.
            state = self._state(row.key, row.state)
            if state.get("flow") and not state.get("report_reference") and not state.get("awaiting"):
                found.append((row.key, row.version, list(state.get("files") or [])))
        return found

    async def delete_abandoned_draft(self, key: str, version: int, quiet_since: datetime) -> int:
        result = await self._session.execute(
            delete(ConversationRow)
            .where(ConversationRow.key == key, ConversationRow.version == version, *self._quiet(quiet_since))
            .execution_options(**NO_SYNC)
        )
        return rowcount(result)

    def _state(self, key: str, stored: Any) -> dict[str, Any]:
        state = self._sealer.open_json(stored, CONVERSATION_STATE, key)
        return state if isinstance(state, dict) else {}

    async def delete_finished_conversation(self, key: str, reference: str) -> bool:
        row = await self._session.scalar(
            select(ConversationRow).where(ConversationRow.key == key).execution_options(**FRESH)
        )
        if row is None or row.status != ConversationStatus.FINISHED.value:
            return False
        if self._state(row.key, row.state).get("report_reference") != reference:
            return False
        result = await self._session.execute(
            delete(ConversationRow)
            .where(ConversationRow.key == key, ConversationRow.version == row.version)
            .execution_options(**NO_SYNC)
        )
        return rowcount(result) == 1

    async def drop_reporter_deliveries(self, reference: str) -> int:
        result = await self._session.execute(
            delete(OutboxRow)
            .where(
                OutboxRow.report_reference == reference,
                OutboxRow.destination == REPORTER_DESTINATION,
                OutboxRow.status != OutboxStatus.DELIVERED.value,
            )
            .execution_options(**NO_SYNC)
        )
        return rowcount(result)

    async def rewrite_deliveries(
        self, reference: str, rewrite: Callable[[dict[str, Any]], dict[str, Any]]
    ) -> int:
        rows = await self._session.execute(
            select(OutboxRow.id, OutboxRow.idempotency_key, OutboxRow.payload)
            .where(OutboxRow.report_reference == reference)
            .order_by(OutboxRow.id)
        )
        changed = 0
        for row in rows.all():
            # The payload is sealed at rest, bound to the delivery: opened, rewritten, sealed again.
            payload = self._sealer.open_json(row.payload, OUTBOX_PAYLOAD, row.idempotency_key)
            fresh = rewrite(payload)
            if fresh == payload:
                continue
            await self._session.execute(
                update(OutboxRow)
                .where(OutboxRow.id == row.id)
                .values(payload=self._sealer.seal_json(fresh, OUTBOX_PAYLOAD, row.idempotency_key))
                .execution_options(**NO_SYNC)
            )
            changed += 1
        return changed

    async def rewrite_reporter_messages(
        self, reference: str, old_author: str, new_author: str, scrub: Callable[[str | None], str | None]
    ) -> int:
        rows = await self._session.execute(
            select(ReportMessageRow.id, ReportMessageRow.body).where(
                ReportMessageRow.report_reference == reference, ReportMessageRow.author == old_author
            )
        )
        changed = 0
        for row in rows.all():
            # The body is sealed at rest (storage.protection): opened, scrubbed, sealed again.
            body = scrub(self._sealer.open_text(row.body, MESSAGE_BODY, reference)) or ""
            await self._session.execute(
                update(ReportMessageRow)
                .where(ReportMessageRow.id == row.id)
                .values(author=new_author, body=self._sealer.seal_text(body, MESSAGE_BODY, reference))
                .execution_options(**NO_SYNC)
            )
            changed += 1
        return changed

    async def claim_run(self, name: str, now: datetime, next_run_at: datetime) -> bool:
        # First run ever: the row appears due now. A second caller's insert finds it there.
        await insert_unless_exists(
            self._session,
            ScheduledRunRow,
            {"name": name, "next_run_at": now, "last_run_at": None},
            ["name"],
        )
        result = await self._session.execute(
            update(ScheduledRunRow)
            .where(ScheduledRunRow.name == name, ScheduledRunRow.next_run_at <= now)
            .values(next_run_at=next_run_at, last_run_at=now)
            .execution_options(**NO_SYNC)
        )
        return rowcount(result) == 1

    async def instance_secret(self, name: str) -> str:
        value = await self._session.scalar(
            select(InstanceSecretRow.value).where(InstanceSecretRow.name == name)
        )
        if value is None:
            raise LookupError(f"no instance secret {name!r}; run `python app.py db upgrade`")
        return self._sealer.open_text(value, INSTANCE_SECRET, name)  # sealed by migration 0009
