"""Golden JSON per platform: what Slack, Teams and email show for every case in cases.py.

The files were written from the renderers before the neutral card existed, so they pin what the
security team sees. After an intended change to a card, rewrite them with
`GOLDEN_UPDATE=1 .venv/bin/pytest tests/inbox_card/test_golden.py` and read the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from adapters.inbox import email_body
from adapters.slack.inbox.cards import card_blocks, notification_text, thread_blocks, to_dicts
from adapters.teams.inbox_cards import card_activity, thread_activity
from bot import inbox
from bot.inbox_events import InboxEvent
from tests.inbox_card.cases import NAMES, cards, threads

GOLDEN = Path(__file__).parent / "golden"
_TOO_BIG_FOR_EMAIL = {"huge", "enormous"}  # their mail is megabytes of the same character


def _slack(event: InboxEvent, *, card: bool) -> dict[str, Any]:
    shown: dict[str, Any] = {"text": notification_text(event), "thread": to_dicts(thread_blocks(event))}
    if card:
        shown["card"] = to_dicts(card_blocks(event))
    return shown


def _teams(event: InboxEvent, *, card: bool) -> dict[str, Any]:
    shown: dict[str, Any] = {"thread": thread_activity(event, NAMES)}
    if card:
        shown["card"] = card_activity(event)
    return shown


def _email(event: InboxEvent, *, card: bool) -> dict[str, Any]:
    return {
        "subject": inbox.subject(event),
        "plain": email_body.plain_text(event).splitlines(),
        "html": email_body.html(event).splitlines(),
    }


def _rendered(platform: str) -> dict[str, Any]:
    render = {"slack": _slack, "teams": _teams, "email": _email}[platform]
    out: dict[str, Any] = {}
    for name, event in cards().items():
        if platform == "email" and name in _TOO_BIG_FOR_EMAIL:
            continue
        out[f"card:{name}"] = render(event, card=True)
    for name, event in threads().items():
        out[f"thread:{name}"] = render(event, card=False)
    return out


@pytest.mark.parametrize("platform", ["slack", "teams", "email"])
def test_each_platform_shows_what_its_golden_file_holds(platform: str) -> None:
    path = GOLDEN / f"{platform}.json"
    rendered = json.loads(json.dumps(_rendered(platform)))
    if os.environ.get("GOLDEN_UPDATE"):
        path.write_text(json.dumps(rendered, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
    golden = json.loads(path.read_text())
    assert sorted(rendered) == sorted(golden)
    for case in golden:
        assert rendered[case] == golden[case], case
