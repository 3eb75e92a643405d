"""Adding an entry hunts back: open and recent reports that match are updated (findings,
critical on a match, the escalation route) and the inbox hears "N earlier reports match"."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.inbox_events import EventKind
from bot.ports import MessageKind
from bot.report import Contact, Severity, Status
from bot.watchlist.findings import Strength
from tests.factories import CREATED_AT
from tests.triage.support import inbox_event, outbox, store, stored, thread

QIU_PROFILE = "https://www.linkedin.com/in/amanda-qiu-br-yr"


async def test_three_earlier_reports_match_the_new_entry(wl, uow_factory, tmp_path: Path):
    by_profile = await store(
        uow_factory, contact=Contact(profile_urls=["uk.linkedin.com/in/Amanda-Qiu-BR-YR/"])
    )
    by_name_and_firm = await store(
        uow_factory, contact=Contact(name_used="QIU Amanda", organisation="BR YR Exec Search")
    )
    in_their_words = await store(
        uow_factory, what_happened="Amanda Qiu of BR-YR Executive Search offered paid work", contact=Contact()
    )
    name_only = await store(
        uow_factory, contact=Contact(name_used="Amanda Qiu", organisation="Other Firm Ltd")
    )
    unrelated = await store(uow_factory, contact=Contact(name_used="Amanda Chen", organisation="Northbridge"))
    long_closed = await store(
        uow_factory,
        contact=Contact(profile_urls=[QIU_PROFILE]),
        status=Status.CLOSED,
        closed_at=CREATED_AT - timedelta(days=400),
    )

    code, out, err = await wl(
        "add", "--name", "Amanda Qiu", "--organisation", "BR-YR Executive Search",
        "--profile", QIU_PROFILE, "--source", "MI5 espionage alert to Parliament, 18 November 2025",
    )  # fmt: skip
    assert (code, err) == (0, "")
    matched = sorted(r.reference for r in (by_profile, by_name_and_firm, in_their_words, name_only))
    assert f"4 earlier reports match the new entry: {', '.join(matched)}" in out

    for report in (by_profile, by_name_and_firm, in_their_words):
        now = await stored(uow_factory, report.reference)
        assert now.severity is Severity.CRITICAL
        assert now.severity_reasons[0].startswith("Matches a profile named in a security alert: MI5")
        assert [f.strength for f in now.watchlist] == [Strength.MATCH]
        assert now.routed_to == ["file", "escalation"]
        [note] = [m for m in await thread(uow_factory, report.reference) if m.kind is MessageKind.NOTE]
        assert "Watchlist entry #1 was just added" in note.body
        assert "4 earlier reports match the new entry" in note.body

    possible = await stored(uow_factory, name_only.reference)
    assert [f.strength for f in possible.watchlist] == [Strength.POSSIBLE]
    assert possible.severity is name_only.severity and possible.routed_to == ["file"]
    assert (await stored(uow_factory, unrelated.reference)).watchlist == []
    assert (await stored(uow_factory, long_closed.reference)).watchlist == []

    events = [inbox_event(e) for e in await outbox(uow_factory)]
    escalated = [e.reference for e in events if e.event is EventKind.SUBMITTED]
    assert sorted(escalated) == sorted(r.reference for r in (by_profile, by_name_and_firm, in_their_words))
    notes = [e for e in events if e.event is EventKind.MESSAGE]
    # A note on each matching report's thread, to every route it has: 3 escalated, 1 not.
    assert len(notes) == 3 * 2 + 1
