"""A campaign's card and notices as Adaptive Cards for the Teams security inbox channel: pure
layout of bot.campaigns.card, and reading a campaign action's submit back.

As for the report's card (adapters.teams.inbox_cards): every text is Markdown-escaped
(adapters.teams.text), so a persona's name typed as "[Boss](https://evil.example)" or
"<at>Admin</at>" shows as those characters; the notification summary is our own words and the
id. Each action submits {"tipline_campaign": <CampaignAction>, "campaign": <id>}.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from adapters.teams.card_parts import MAX_CARD_BYTES, activity, card_bytes, subtle, text_block
from adapters.teams.text import escape, fit, plain
from bot.campaigns.card import ACTION_TITLES, CampaignAction, CampaignCard, GoneCard, Notice
from bot.inbox import Theirs

KEY: Final = "tipline_campaign"
SUMMARY_LIMIT: Final = 250
NAME_LIMIT: Final = 300
VALUE_LIMIT: Final = 200


def campaign_activity(card: CampaignCard | GoneCard) -> dict[str, Any]:
    summary = plain(card.notification, SUMMARY_LIMIT)
    if isinstance(card, GoneCard):
        return activity(
            summary,
            [
                text_block(escape(f"Campaign {card.campaign_id}"), weight="Bolder"),
                text_block(escape(card.text)),
            ],
        )
    for references in (len(card.references), 5):  # cut the list if the card is too large
        made = activity(
            summary, _body(card, references), [_action(a, card.campaign_id) for a in card.actions]
        )
        if card_bytes(made) < MAX_CARD_BYTES:
            break
    return made


def _body(card: CampaignCard, shown_references: int) -> list[dict[str, Any]]:
    facts = [
        {"title": escape("Status"), "value": escape(card.status_line)},
        {"title": escape("Seen"), "value": escape(card.seen_line)},
    ]
    for title, items in (
        ("Where", card.channels),
        ("Kinds of approach", card.kinds),
        ("Offered", card.offered),
    ):
        if items:
            facts.append({"title": escape(title), "value": escape(", ".join(items))})
    body: list[dict[str, Any]] = [
        {
            "type": "Container",
            "style": "attention",
            "bleed": True,
            "items": [text_block(escape(f"🧩 {card.heading}"), size="Large", weight="Bolder")],
        },
        text_block(fit(card.name, NAME_LIMIT) + escape(f" — {card.summary}"), weight="Bolder"),
        {"type": "FactSet", "facts": facts},
    ]
    if card.indicators:
        body.append(text_block(escape("Indicators"), weight="Bolder", separator=True))
        body.append(
            {
                "type": "FactSet",
                "facts": [
                    {
                        "title": escape(i.kind),
                        "value": fit(i.value, VALUE_LIMIT) + escape(f" (in {i.reports})"),
                    }
                    for i in card.indicators
                ],
            }
        )
    shown = card.references[:shown_references]
    more = card.report_count - len(shown)
    references = ", ".join(shown) + (f" and {more} more" if more else "")
    body.append(text_block(escape(f"Reports ({card.report_count})"), weight="Bolder", separator=True))
    body.append(text_block(escape(references)))
    body.append(subtle(escape(card.hint), separator=True))
    return body


def _action(action: CampaignAction, campaign_id: int) -> dict[str, Any]:
    submit: dict[str, Any] = {
        "type": "Action.Submit",
        "title": ACTION_TITLES[action],
        "data": {KEY: action.value, "campaign": campaign_id},
    }
    if action is CampaignAction.CONFIRM:
        submit["style"] = "positive"
    return submit


def notice_activity(notice: Notice) -> dict[str, Any]:
    text = "".join(fit(p.text, NAME_LIMIT) if isinstance(p, Theirs) else escape(str(p)) for p in notice.parts)
    return activity(plain(notice.notification, SUMMARY_LIMIT), [text_block("🚨 " + text, weight="Bolder")])


@dataclass(frozen=True)
class CampaignSubmit:
    action: CampaignAction
    campaign_id: int


def campaign_submit(value: object) -> CampaignSubmit | None:
    """A submitted campaign card's `value`; None when it is not ours or is malformed (never raises)."""
    if not isinstance(value, Mapping):
        return None
    action = CampaignAction.parse(value.get(KEY))
    campaign = value.get("campaign")
    if action is None or isinstance(campaign, bool):
        return None
    if isinstance(campaign, str) and campaign.strip().isdigit():
        campaign = int(campaign.strip())
    if not isinstance(campaign, int) or campaign <= 0:
        return None
    return CampaignSubmit(action, campaign)
