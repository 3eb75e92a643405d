"""Golden JSON per platform for a campaign's card and its notices (tests/campaign_cards/cases.py).

After an intended change, rewrite them with
`GOLDEN_UPDATE=1 .venv/bin/pytest tests/campaign_cards/test_golden.py` and read the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from adapters.slack.inbox.campaign_cards import campaign_blocks, notice_blocks
from adapters.slack.inbox.cards import all_text, to_dicts
from adapters.teams.campaign_cards import campaign_activity, campaign_submit, notice_activity
from bot.campaigns.card import CampaignAction, CampaignCard, alert_notice, formed_notice
from tests.campaign_cards.cases import amanda, cards, hostile, reference

GOLDEN = Path(__file__).parent / "golden"


def _slack() -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, card in cards().items():
        out[f"card:{name}"] = {"text": card.notification, "blocks": to_dicts(campaign_blocks(card))}
        if isinstance(card, CampaignCard):
            out[f"formed:{name}"] = to_dicts(notice_blocks(formed_notice(card)))
            out[f"alert:{name}"] = to_dicts(notice_blocks(alert_notice(card, 3)))
    return out


def _teams() -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, card in cards().items():
        out[f"card:{name}"] = campaign_activity(card)
        if isinstance(card, CampaignCard):
            out[f"formed:{name}"] = notice_activity(formed_notice(card))
            out[f"alert:{name}"] = notice_activity(alert_notice(card, 3))
    return out


@pytest.mark.parametrize("platform", ["slack", "teams"])
def test_each_platform_shows_what_its_golden_file_holds(platform: str) -> None:
    path = GOLDEN / f"{platform}.json"
    rendered = json.loads(json.dumps({"slack": _slack, "teams": _teams}[platform]()))
    if os.environ.get("GOLDEN_UPDATE"):
        path.write_text(json.dumps(rendered, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
    golden = json.loads(path.read_text())
    assert sorted(rendered) == sorted(golden)
    for case in golden:
        assert rendered[case] == golden[case], case


def test_the_card_says_who_how_many_over_how_long_where_and_what_was_offered() -> None:
    card = amanda()
    assert f"{card.name} — {card.summary}" == (
        "Amanda Qiu / BR-YR Executive Search — 7 staff approached over 12 days; LinkedIn; "
        "offered paid consultancy and trips"
    )
    assert card.actions == (CampaignAction.CONFIRM, CampaignAction.DISMISS, CampaignAction.SHARE_STIX)
    shown = all_text(to_dicts(campaign_blocks(card)))
    assert reference(0) in shown and reference(6) in shown and "Staff Member" not in shown


def test_nothing_a_reporter_typed_becomes_markup_a_mention_or_a_link() -> None:
    card = hostile()
    slack = json.dumps(to_dicts(campaign_blocks(card)) + to_dicts(notice_blocks(formed_notice(card))))
    for raw in ("<!channel>", "<@U123>", "<!here>", "<@U999>", "<https://", "https://evil"):
        assert raw not in slack
    assert "&lt;!channel&gt;" in slack and "&lt;!here&gt; &amp; *Bold* Ltd" in slack
    teams = json.dumps([campaign_activity(card), notice_activity(alert_notice(card, 3))])
    for raw in ("<at>Admin</at>", "[Boss](", "**urgent**", "https://evil"):
        assert raw not in teams
    assert "\\\\<at\\\\>Admin\\\\</at\\\\>" in teams and "\\\\[Boss\\\\]" in teams
    # Notifications (pop-ups) carry our words and the id, never the persona's name.
    assert card.notification == "Campaign 13: 2 reports about one persona"
    assert "Ltd" not in formed_notice(card).notification


def test_a_campaign_submit_is_read_back_and_anything_else_is_not_ours() -> None:
    submit = campaign_submit({"tipline_campaign": "share_stix", "campaign": 12})
    assert submit is not None and (submit.action, submit.campaign_id) == (CampaignAction.SHARE_STIX, 12)
    for value in (
        {"tipline_campaign": "explode", "campaign": 1},
        {"tipline_campaign": "confirm", "campaign": True},
        {"tipline_campaign": "confirm", "campaign": "x"},
        {"campaign": 3},
        "confirm",
        None,
    ):
        assert campaign_submit(value) is None
