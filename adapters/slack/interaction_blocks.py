"""Block Kit for what follows an interaction: the clicked message made read-only, the form to
answer the security team or add to a report, and a flagged message quoted back to the reporter.
Built from adapters.slack.blocks' limits and escaping."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from slack_sdk.models.blocks import Block, InputBlock, PlainTextInputElement, PlainTextObject
from slack_sdk.models.views import View

from adapters.slack.blocks import (
    BLOCKS_PER_MESSAGE,
    CONTEXT_TEXT,
    HOW,
    MODAL_INPUT,
    MODAL_TITLE,
    REPLY_MODAL,
    SECTION_TEXT,
    SlackMessage,
    as_dicts,
    context,
    fallback_text,
    fit,
    plain,
    section,
)

# ---- after a click ---------------------------------------------------------------------------------


def answered(blocks: Sequence[Mapping[str, Any]], chosen_label: str) -> list[dict[str, Any]]:
    """The clicked message without its buttons, showing what was chosen (for chat.update)."""
    kept: list[dict[str, Any]] = []
    for block in blocks:
        if block.get("type") == "actions" or str(block.get("block_id", "")).endswith(f"|{HOW}"):
            continue
        copy = dict(block)
        accessory = copy.get("accessory")
        if isinstance(accessory, Mapping) and accessory.get("type") in ("button", "static_select"):
            del copy["accessory"]
        kept.append(copy)
    kept = kept[: BLOCKS_PER_MESSAGE - 1]
    kept.append(context(":white_check_mark: " + fit(chosen_label, CONTEXT_TEXT - 25)).to_dict())
    return kept


# ---- the forms and views ---------------------------------------------------------------------------


def reply_modal(
    token: str, key: str, prompt: str, channel: str | None, max_length: int = MODAL_INPUT
) -> View:
    """A form to answer the security team's question or add to a report; submitted as SubmitForm."""
    answering = token.startswith("answer:")
    title = "Answer" if answering else "Add information"
    label = plain(prompt, 1900) if prompt else ("Your answer" if answering else "What would you like to add?")
    metadata = json.dumps({"token": token, "channel": channel})
    field = InputBlock(
        block_id=key,
        label=PlainTextObject(text=label),
        element=PlainTextInputElement(
            action_id="value", multiline=True, max_length=min(max_length, MODAL_INPUT)
        ),
    )
    return View(
        type="modal",
        callback_id=REPLY_MODAL,
        title=PlainTextObject(text=title[:MODAL_TITLE]),
        submit=PlainTextObject(text="Send"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=metadata,
        blocks=[field],
    )


def quoted_message(text: str, where: str | None) -> SlackMessage:
    """The message a reporter flagged with "Report this message", quoted back to them."""
    quote = ">" + fit(text or "(no text)", SECTION_TEXT - 200, "(shortened)").replace("\n", "\n>")
    blocks: list[Block] = [
        section(":paperclip: You flagged this message; it goes with your report:\n" + quote)
    ]
    if where:
        blocks.append(context(fit(where, CONTEXT_TEXT)))
    return SlackMessage(fallback_text("You flagged a message for your report"), as_dicts(blocks))
