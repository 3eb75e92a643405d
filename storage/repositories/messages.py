"""Report threads: messages between the security team and the reporter."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import exists, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.ports import TO_REPORTER, MessageKind, ReportMessage
from storage.models import ReportMessageRow, ReportRow
from storage.protection.fields import MESSAGE_BODY
from storage.protection.sealing import Sealer
from storage.repositories._sql import FRESH, NO_SYNC, rowcount

_TO_REPORTER_KINDS = sorted(kind.value for kind in TO_REPORTER)


def _message(row: ReportMessageRow, sealer: Sealer) -> ReportMessage:
    return ReportMessage(
        id=row.id,
        report_reference=row.report_reference,
        kind=MessageKind(row.kind),
        body=sealer.open_text(row.body, MESSAGE_BODY, row.report_reference),
        author=row.author,
        signed_by=row.signed_by,
        in_reply_to=row.in_reply_to,
        delivered_to_reporter_at=row.delivered_to_reporter_at,
        created_at=row.created_at,
    )


_OLDEST_FIRST = (ReportMessageRow.created_at, ReportMessageRow.id)


class SqlReportMessageRepository:
    def __init__(self, session: AsyncSession, sealer: Sealer) -> None:
        self._session = session
        self._sealer = sealer

    async def add(self, message: ReportMessage) -> int:
        result = await self._session.execute(
            insert(ReportMessageRow)
            .values(
                report_reference=message.report_reference,
                kind=message.kind.value,
                body=self._sealer.seal_text(message.body, MESSAGE_BODY, message.report_reference),
                author=message.author,
                signed_by=message.signed_by,
                in_reply_to=message.in_reply_to,
                delivered_to_reporter_at=message.delivered_to_reporter_at,
                created_at=message.created_at,
            )
            .returning(ReportMessageRow.id)
        )
        message_id: int = result.scalar_one()
        return message_id

    async def get(self, message_id: int) -> ReportMessage | None:
        row = await self._session.scalar(
            select(ReportMessageRow).where(ReportMessageRow.id == message_id).execution_options(**FRESH)
        )
        return None if row is None else _message(row, self._sealer)

    async def for_report(self, reference: str) -> Sequence[ReportMessage]:
        stmt = (
            select(ReportMessageRow)
            .where(ReportMessageRow.report_reference == reference)
            .order_by(*_OLDEST_FIRST)
            .execution_options(**FRESH)
        )
        return [_message(row, self._sealer) for row in await self._session.scalars(stmt)]

    async def waiting_for_reporter(self, platform: str, user_id: str) -> Sequence[ReportMessage]:
        stmt = (
            select(ReportMessageRow)
            .join(ReportRow, ReportRow.reference == ReportMessageRow.report_reference)
            .where(
                ReportRow.reporter_platform == platform,
                ReportRow.reporter_user_id == user_id,
                ReportMessageRow.kind.in_(_TO_REPORTER_KINDS),
                ReportMessageRow.delivered_to_reporter_at.is_(None),
            )
            .order_by(*_OLDEST_FIRST)
            .execution_options(**FRESH)
        )
        return [_message(row, self._sealer) for row in await self._session.scalars(stmt)]

    async def mark_delivered_to_reporter(self, message_id: int, now: datetime) -> bool:
        # Conditional, so of two replicas delivering the same message only one records it.
        result = await self._session.execute(
            update(ReportMessageRow)
            .where(ReportMessageRow.id == message_id, ReportMessageRow.delivered_to_reporter_at.is_(None))
            .values(delivered_to_reporter_at=now)
            .execution_options(**NO_SYNC)
        )
        return rowcount(result) == 1

    async def unanswered_questions(self, reference: str) -> Sequence[ReportMessage]:
        answer = aliased(ReportMessageRow)
        answered = exists().where(
            answer.in_reply_to == ReportMessageRow.id, answer.kind == MessageKind.ANSWER.value
        )
        stmt = (
            select(ReportMessageRow)
            .where(
                ReportMessageRow.report_reference == reference,
                ReportMessageRow.kind == MessageKind.QUESTION.value,
                ~answered,
            )
            .order_by(*_OLDEST_FIRST)
            .execution_options(**FRESH)
        )
        return [_message(row, self._sealer) for row in await self._session.scalars(stmt)]
