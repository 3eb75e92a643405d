"""`reports forget-reporter`: at a reporter's request, their identity in a report is replaced
by a stable pseudonym. What they told us about the approach stays, so the report still counts
and still links to others; who they are goes: their platform id and name, their role, the
contact details they gave, and those same words wherever they wrote them in the report and in
their messages on its thread.

The pseudonym is an HMAC of the reporter's platform id under this installation's own random
key (made once by migration 0007), so the same person gets the same pseudonym in every report
forgotten — the team can still see "one person reported three times" — while the id cannot
be read back from it without the key.

After it, Tipline can no longer reach the reporter about the report: pushes not yet sent are
dropped, a question to them is refused, and an acknowledgement or closing message is kept on
the thread without being sent.

Deliveries of the report kept in the outbox (sent, or still to be sent to the security team)
carry a copy of the report as it was then: each copy is pseudonymised the same way, and the
thread messages they carry lose the same words, so a delivery still to go tells the team what
happened without saying who told them, and one already sent no longer holds the identity here.
Nothing else in them changes (reference, event, times, the approach), so a retry still
delivers the same event.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from bot.actors import Actor
from bot.analyst_text import parse_reference
from bot.conversation import ConversationKey
from bot.ports import AuditEvent, UnitOfWorkFactory
from bot.report import ContactPreference, Report, Reporter

PSEUDONYM_PREFIX = "pseudonym-"
PSEUDONYM_KEY = "pseudonym_key"
WITHHELD = "[the reporter]"


class ForgetError(ValueError):
    """One line for the security officer: which reference, and why nothing was changed."""


def is_pseudonymised(reporter: Reporter) -> bool:
    return reporter.user_id.startswith(PSEUDONYM_PREFIX)


def pseudonym(key: str, reporter: Reporter) -> str:
    digest = hmac.new(key.encode(), f"{reporter.platform}:{reporter.user_id}".encode(), hashlib.sha256)
    return PSEUDONYM_PREFIX + digest.hexdigest()[:16]


@dataclass(frozen=True)
class Forgotten:
    reference: str
    pseudonym: str
    already: bool = False
    messages: int = 0
    pushes_dropped: int = 0
    deliveries_scrubbed: int = 0  # outbox copies of the report, pseudonymised


def _identity(report: Report) -> list[str]:
    """The reporter's own words that name them, longest first (a full name before a part)."""
    values = [
        report.reporter.display_name,
        report.reporter.user_id,
        report.reporter_role,
        report.contact_preference.detail,
    ]
    return sorted({v.strip() for v in values if v and len(v.strip()) >= 3}, key=len, reverse=True)


def _without(identity: Sequence[str]) -> Callable[[str | None], str | None]:
    patterns = [re.compile(re.escape(value), re.IGNORECASE) for value in identity]

    def scrub(text: str | None) -> str | None:
        if text is None:
            return None
        for pattern in patterns:
            text = pattern.sub(WITHHELD, text)
        return text

    return scrub


def _scrubbed(report: Report, alias: str, scrub: Callable[[str | None], str | None]) -> Report:
    """The report without its reporter's identity; nothing else changed."""
    actions = report.actions.model_copy(
        update={
            "shared_detail": scrub(report.actions.shared_detail),
            "accepted_detail": scrub(report.actions.accepted_detail),
        }
    )
    contact = report.contact.model_copy(update={"described_as": scrub(report.contact.described_as)})
    timeline = report.timeline.model_copy(
        update={"first_contact_as_told": scrub(report.timeline.first_contact_as_told)}
    )
    return report.model_copy(
        update={
            "reporter": Reporter(platform=report.reporter.platform, user_id=alias),
            "reporter_role": None,
            "contact_preference": ContactPreference(may_contact=False),
            "what_happened": scrub(report.what_happened) or "",
            "asked_for_detail": scrub(report.asked_for_detail),
            "offered_detail": scrub(report.offered_detail),
            "actions": actions,
            "contact": contact,
            "timeline": timeline,
        }
    )


def _pseudonymised(report: Report, alias: str, now: datetime) -> Report:
    scrubbed = _scrubbed(report, alias, _without(_identity(report)))
    return scrubbed.model_copy(update={"revision": report.revision + 1, "updated_at": now})


def _delivery_without(report: Report, alias: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A delivery's payload without the reporter's identity: the copy of the report it carries
    (bot.inbox_events), the thread message, and the reporter a push went to."""
    current = _pseudonymised(report, alias, report.updated_at)
    pseudonymous = Reporter(platform=report.reporter.platform, user_id=alias).model_dump(mode="json")

    def rewrite(payload: dict[str, Any]) -> dict[str, Any]:
        fresh = dict(payload)
        if isinstance(payload.get("report"), dict):
            try:
                copy = Report.model_validate(payload["report"])
            except ValidationError:  # a copy this version can't read: the report as it is now
                fresh["report"] = current.model_dump(mode="json")
            else:
                # The words that named them then, and now: a name may have changed since.
                scrub = _without(sorted({*_identity(copy), *_identity(report)}, key=len, reverse=True))
                fresh["report"] = _scrubbed(copy, alias, scrub).model_dump(mode="json")
        scrub_now = _without(_identity(report))
        if isinstance(payload.get("message"), dict) and isinstance(payload["message"].get("body"), str):
            fresh["message"] = {**payload["message"], "body": scrub_now(payload["message"]["body"])}
        if isinstance(payload.get("reporter"), dict):
            fresh["reporter"] = pseudonymous
        return fresh

    return rewrite


class ReporterForgetting:
    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Callable[[], datetime]) -> None:
        self._uow_factory = uow_factory
        self._clock = clock

    async def forget(self, references: Sequence[str], actor: Actor) -> list[Forgotten]:
        """Every reference is checked first: one that is wrong changes nothing at all."""
        wanted = []
        for text in references:
            try:
                wanted.append(parse_reference(text))
            except ValueError as exc:
                raise ForgetError(f"{exc} Nothing was changed.") from None
        async with self._uow_factory(readonly=True) as uow:
            for reference in wanted:
                if await uow.reports.get(reference) is None:
                    raise ForgetError(f"No report {reference}; nothing was changed.")
        return [await self._forget_one(reference, actor) for reference in dict.fromkeys(wanted)]

    async def _forget_one(self, reference: str, actor: Actor) -> Forgotten:
        now = self._clock()
        async with self._uow_factory() as uow:
            report = await uow.reports.get(reference, for_update=True)
            if report is None:
                raise ForgetError(f"No report {reference}; it was purged meanwhile.")
            if is_pseudonymised(report.reporter):
                return Forgotten(reference, report.reporter.user_id, already=True)
            alias = pseudonym(await uow.retention.instance_secret(PSEUDONYM_KEY), report.reporter)
            old, new = report.reporter, f"{report.reporter.platform}:{alias}"
            scrub = _without(_identity(report))
            renamed = await uow.retention.rewrite_reporter_messages(
                reference, f"{old.platform}:{old.user_id}", new, scrub
            )
            dropped = await uow.retention.drop_reporter_deliveries(reference)
            scrubbed = await uow.retention.rewrite_deliveries(reference, _delivery_without(report, alias))
            key = ConversationKey(old.platform, old.workspace or "", old.user_id)
            await uow.retention.delete_finished_conversation(str(key), reference)
            await uow.reports.update(_pseudonymised(report, alias, now))
            await uow.audit.add(
                AuditEvent(
                    at=now,
                    actor=actor.id,
                    platform=actor.platform,
                    action="report.reporter_pseudonymised",
                    report_reference=reference,
                    detail={
                        "pseudonym": alias,
                        "messages": renamed,
                        "pushes_dropped": dropped,
                        "deliveries_scrubbed": scrubbed,
                    },
                )
            )
            await uow.commit()
        return Forgotten(
            reference, alias, messages=renamed, pushes_dropped=dropped, deliveries_scrubbed=scrubbed
        )
