"""A campaign's card and notices as Slack Block Kit: pure layout of bot.campaigns.card.

The same rules as the report's card (adapters.slack.inbox.cards): text from reports (the
persona's name, indicators) is escaped for mrkdwn, every mrkdwn object is verbatim (no
auto-linked addresses, no @here), and the notification text is our own words and the id.
Each button's value is the campaign's id; its action id is PREFIX + the CampaignAction.
"""

from __future__ import annotations

from typing import Final

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    PlainTextObject,
    SectionBlock,
)

from adapters.slack.blocks import escape
from adapters.slack.inbox.cards import SECTION_LIMIT, mrkdwn, shorten
from bot.campaigns.card import ACTION_TITLES, CampaignAction, CampaignCard, GoneCard, Notice
from bot.inbox import Theirs

PREFIX: Final = "campaign:"
ACTIONS_BLOCK_ID: Final = "campaign"
HEADER_LIMIT: Final = 150


def action_id(action: CampaignAction) -> str:
    return PREFIX + action.value


def campaign_action(action_id: str) -> CampaignAction | None:
    return CampaignAction.parse(action_id.removeprefix(PREFIX)) if action_id.startswith(PREFIX) else None


SHARE_STIX: Final = action_id(CampaignAction.SHARE_STIX)
CONFIRM: Final = action_id(CampaignAction.CONFIRM)
DISMISS: Final = action_id(CampaignAction.DISMISS)


def campaign_blocks(card: CampaignCard | GoneCard) -> list[Block]:
    if isinstance(card, GoneCard):
        return [
            HeaderBlock(text=PlainTextObject(text=f"Campaign {card.campaign_id}"), block_id="header"),
            SectionBlock(text=mrkdwn(card.text), block_id="gone"),
        ]
    headline = f"*{escape(card.name)}* — {escape(card.summary)}"
    facts = [
        f"*Status:* {escape(card.status_line)}",
        escape(card.seen_line),
    ]
    details = [
        _list("Where", card.channels),
        _list("Kinds of approach", card.kinds),
        _list("Offered", card.offered),
    ]
    indicators = [f"• {escape(i.kind)}: {escape(i.value)} (in {i.reports})" for i in card.indicators]
    references = ", ".join(card.references) + (
        f" and {card.more_references} more" if card.more_references else ""
    )
    approach = "\n".join(d for d in details if d)
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=_cut(f"🧩 {card.heading}", HEADER_LIMIT)), block_id="header"),
        SectionBlock(text=mrkdwn(shorten(headline, SECTION_LIMIT)), block_id="headline"),
        SectionBlock(text=mrkdwn("\n".join(facts)), block_id="status"),
        DividerBlock(),
    ]
    if approach:
        blocks.append(SectionBlock(text=mrkdwn(shorten(approach, SECTION_LIMIT)), block_id="approach"))
    if indicators:
        text = shorten("\n".join(["*Indicators*", *indicators]), SECTION_LIMIT)
        blocks.append(SectionBlock(text=mrkdwn(text), block_id="indicators"))
    listed = shorten(f"*Reports ({card.report_count})*\n{references}", SECTION_LIMIT)
    blocks += [
        SectionBlock(text=mrkdwn(listed), block_id="reports"),
        ContextBlock(elements=[mrkdwn(escape(card.hint))], block_id="hint"),
        ActionsBlock(
            elements=[_button(a, card.campaign_id) for a in card.actions], block_id=ACTIONS_BLOCK_ID
        ),
    ]
    return blocks


def notice_blocks(notice: Notice) -> list[Block]:
    text = "".join(escape(p.text) if isinstance(p, Theirs) else escape(str(p)) for p in notice.parts)
    return [
        SectionBlock(text=mrkdwn(f":rotating_light: {shorten(text, SECTION_LIMIT - 20)}"), block_id="notice")
    ]


def _list(title: str, items: tuple[str, ...]) -> str:
    return f"*{title}:* {escape(', '.join(items))}" if items else ""


def _button(action: CampaignAction, campaign_id: int) -> ButtonElement:
    confirm = None
    if action is CampaignAction.DISMISS:
        confirm = ConfirmObject(
            title="Dismiss this campaign?",
            text="Its reports stay as they are, and no new report joins it.",
            confirm="Dismiss",
            deny="Cancel",
        )
    return ButtonElement(
        text=PlainTextObject(text=ACTION_TITLES[action], emoji=True),
        action_id=action_id(action),
        value=str(campaign_id),
        style="primary" if action is CampaignAction.CONFIRM else None,
        confirm=confirm,
    )


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
