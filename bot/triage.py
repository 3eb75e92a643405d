"""What the security team does with a report: acknowledge, assign, close.

Platform-neutral: the CLI calls it today, chat buttons may later. Each action is one
transaction that changes the report and writes one audit event. Audit details hold
facts about the handling (statuses, outcome, assignee), never what the reporter wrote:
the audit trail is read more widely than the reports themselves.

Who may triage is not checked here yet; `actor` is carried through so it can be.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from bot.ports import AuditEvent, UnitOfWork, UnitOfWorkFactory
from bot.report import Outcome, Report, Status, normalise_reference

MAX_CLOSING_MESSAGE = 2000
MAX_ANALYST_NAME = 100

_REFERENCE = re.compile(r"^TIP-[2-9A-HJKMNP-TV-Z]{6}$")
# Bidirectional overrides can make text read differently from what it says.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Terminal escape sequences, removed whole so no "[31m" debris is left: CSI (ESC [ ...
# final byte), strings (OSC, DCS, SOS, PM, APC) ended by BEL or ST, their 8-bit C1 forms,
# and other two-character escapes or a lone ESC. An unterminated string loses only its
# introducer: swallowing the rest would let a sender hide text from the analyst.
_ESCAPES = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]?
    | \x9b[0-?]*[ -/]*[@-~]?
    | (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f]) [^\x07\x1b\x9c]* (?:\x07|\x1b\\|\x9c)
    | \x1b[ -/]*[0-~]?
    """,
    re.VERBOSE,
)


class TriageError(Exception):
    """The action cannot be done; the message says why, in words for the analyst."""


def clean_text(text: str, *, keep_newlines: bool) -> str:
    """Drop terminal escape sequences and control characters (bidi overrides, NUL...), and
    trim the ends. Tabs become spaces; newlines are kept only if asked for."""
    text = _ESCAPES.sub("", text.replace("\r\n", "\n"))
    kept = []
    for char in text:
        if char == "\n" and keep_newlines:
            kept.append(char)
        elif char == "\t":
            kept.append(" ")
        elif unicodedata.category(char) == "Cc" or char in _BIDI_CONTROLS:
            continue
        else:
            kept.append(char)
    return "".join(kept).strip()


def parse_reference(text: str) -> str:
    """The canonical form of a loosely typed reference, or TriageError if it cannot be one."""
    reference = normalise_reference(text)
    if not _REFERENCE.match(reference):
        shown = clean_text(text, keep_newlines=False)[:40]
        raise TriageError(f"{shown!r} is not a report reference; they look like TIP-7K3Q9D.")
    return reference


class TriageService:
    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Callable[[], datetime]) -> None:
        self._uow_factory = uow_factory
        self._clock = clock

    async def get(self, reference: str) -> Report:
        """The report, for showing it; TriageError if there is none."""
        ref = parse_reference(reference)
        async with self._uow_factory() as uow:
            return await _load(uow, ref)

    async def acknowledge(self, reference: str, actor: str, platform: str) -> Report:
        """new → acknowledged. Already acknowledged or in progress: nothing changes, and the
        returned report's status says so. Closed: TriageError."""
        ref = parse_reference(reference)
        now = self._now()
        async with self._uow_factory() as uow:
            report = await _load(uow, ref)
            if report.status is Status.CLOSED:
                await self._refuse(uow, report, "acknowledge", actor, platform, now)
                raise TriageError(f"{ref} is closed, so it can't be changed.")
            if report.status is not Status.NEW:
                # Two analysts acting on the same alert is normal; record it, change nothing.
                await self._audit(
                    uow, report, "report.already_acknowledged", actor, platform, now, status=report.status
                )
                await uow.commit()
                return report
            updated = report.model_copy(
                update={"status": Status.ACKNOWLEDGED, "acknowledged_at": now, "updated_at": now}
            )
            await uow.reports.update(updated)
            await self._audit(
                uow,
                updated,
                "report.acknowledged",
                actor,
                platform,
                now,
                from_status=report.status,
                to_status=updated.status,
            )
            await uow.commit()
            return updated

    async def assign(self, reference: str, analyst: str, actor: str, platform: str) -> Report:
        """Give the report to an analyst. A new or acknowledged report becomes in progress
        (assigning implies acknowledging). Closed: TriageError."""
        ref = parse_reference(reference)
        name = clean_text(analyst, keep_newlines=False)
        if not name:
            raise TriageError("Say who to assign it to.")
        if len(name) > MAX_ANALYST_NAME:
            raise TriageError(f"The analyst's name is too long (over {MAX_ANALYST_NAME} characters).")
        now = self._now()
        async with self._uow_factory() as uow:
            report = await _load(uow, ref)
            if report.status is Status.CLOSED:
                await self._refuse(uow, report, "assign", actor, platform, now)
                raise TriageError(f"{ref} is closed, so it can't be changed.")
            updated = report.model_copy(
                update={
                    "status": Status.IN_PROGRESS,
                    "assigned_to": name,
                    "acknowledged_at": report.acknowledged_at or now,
                    "updated_at": now,
                }
            )
            await uow.reports.update(updated)
            await self._audit(
                uow,
                updated,
                "report.assigned",
                actor,
                platform,
                now,
                from_status=report.status,
                to_status=updated.status,
                previous_assignee=report.assigned_to,
                assigned_to=name,
            )
            await uow.commit()
            return updated

    async def close(
        self, reference: str, outcome: Outcome, message_for_reporter: str, actor: str, platform: str
    ) -> Report:
        """Close with an outcome and the message the reporter will be told. Closing twice:
        TriageError."""
        ref = parse_reference(reference)
        message = clean_text(message_for_reporter, keep_newlines=True)
        if not message:
            raise TriageError("Write a message for the reporter: it is what they will be told.")
        if len(message) > MAX_CLOSING_MESSAGE:
            raise TriageError(
                f"The message for the reporter is {len(message)} characters; "
                f"the limit is {MAX_CLOSING_MESSAGE}. Please shorten it."
            )
        outcome = Outcome(outcome)
        now = self._now()
        async with self._uow_factory() as uow:
            report = await _load(uow, ref)
            if report.status is Status.CLOSED:
                await self._refuse(uow, report, "close", actor, platform, now)
                shown = report.outcome.value.replace("_", " ") if report.outcome else "no outcome"
                raise TriageError(f"{ref} is already closed ({shown}).")
            updated = report.model_copy(
                update={
                    "status": Status.CLOSED,
                    "outcome": outcome,
                    "closing_message": message,
                    "closed_at": now,
                    # Closing means someone looked at it, whether or not they acknowledged first.
                    "acknowledged_at": report.acknowledged_at or now,
                    "updated_at": now,
                }
            )
            await uow.reports.update(updated)
            await self._audit(
                uow,
                updated,
                "report.closed",
                actor,
                platform,
                now,
                from_status=report.status,
                to_status=updated.status,
                outcome=outcome,
                # The length, not the text: the message may repeat what the reporter said.
                message_length=len(message),
            )
            await uow.commit()
            return updated

    async def timeline(self, reference: str) -> list[AuditEvent]:
        """Everything recorded about the report, oldest first."""
        ref = parse_reference(reference)
        async with self._uow_factory() as uow:
            await _load(uow, ref)
            return list(await uow.audit.for_report(ref))

    def _now(self) -> datetime:
        now = self._clock()
        if now.tzinfo is None:
            raise ValueError("the triage clock must give timezone-aware times")
        return now.astimezone(UTC)

    async def _refuse(
        self, uow: UnitOfWork, report: Report, attempted: str, actor: str, platform: str, now: datetime
    ) -> None:
        # Committed before the caller raises, so refused attempts stay on the record.
        await self._audit(
            uow, report, "triage.refused", actor, platform, now, attempted=attempted, status=report.status
        )
        await uow.commit()

    async def _audit(
        self,
        uow: UnitOfWork,
        report: Report,
        action: str,
        actor: str,
        platform: str,
        now: datetime,
        **detail: Any,
    ) -> None:
        await uow.audit.add(
            AuditEvent(
                at=now,
                actor=actor,
                platform=platform,
                action=action,
                report_reference=report.reference,
                detail={key: _plain(value) for key, value in detail.items()},
            )
        )


async def _load(uow: UnitOfWork, reference: str) -> Report:
    report = await uow.reports.get(reference, for_update=True)
    if report is None:
        raise TriageError(f"No report {reference}")
    return report


def _plain(value: object) -> object:
    # The detail is stored as JSON; enums become their values.
    if isinstance(value, Status | Outcome):
        return value.value
    return value


__all__ = [
    "MAX_ANALYST_NAME",
    "MAX_CLOSING_MESSAGE",
    "TriageError",
    "TriageService",
    "clean_text",
    "parse_reference",
]
