"""The watchlist in a Teams personal chat, over the authenticated endpoint with the recording
Connector: flagged as the reporter types, and "check <contact>" before anyone replies."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot.watchlist.model import EntryContent
from tests.teams.test_reporting import CHAT, words
from tests.teams.tipline import Tipline, running_tipline

ALERT = "This contact matches a profile named in a security alert"


@pytest.fixture
async def tipline(tmp_path, empty_database, connector, token_issuer, teams_sdk) -> AsyncIterator[Tipline]:
    async with running_tipline(tmp_path, empty_database, connector, token_issuer, sdk=teams_sdk) as running:
        yield running


async def add_entry(tipline: Tipline, **fields) -> None:
    entry = EntryContent(source="MI5 espionage alert to Parliament, 18 November 2025", **fields)
    async with tipline.runtime.unit_of_work() as uow:
        await uow.watchlist.add(entry, entry.indicators(), "cli:alice", datetime.now(UTC))
        await uow.commit()


async def test_check_named_then_questions_then_a_match_while_reporting(tipline):
    await add_entry(tipline, names=["Amanda Qiu"], organisations=["BR-YR Executive Search"])
    await tipline.say("check Amanda Qiu at BR YR Exec Search")
    await tipline.settle()
    assert ALERT in words(tipline) and "MI5" not in words(tipline)

    seen = len(tipline.connector.posted(CHAT))
    await tipline.say("check +44 20 7946 0123")
    await tipline.say("6, 9")  # non-public matters, secrecy
    await tipline.settle()
    assert "High risk" in words(tipline, seen) and "non-public or internal" in words(tipline, seen)

    seen = len(tipline.connector.posted(CHAT))
    await tipline.say("report")
    await tipline.say("A headhunter wrote to me")
    await tipline.say("Qiu, Amanda — BRYR Executive Search Ltd")
    await tipline.settle()
    assert ALERT in words(tipline, seen) and "stop all contact" in words(tipline, seen)
