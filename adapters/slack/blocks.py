"""Neutral messages -> Slack Block Kit. Pure: no I/O.

Built with slack_sdk's block models, so Slack's limits are checked as each block is made.
Everything a person typed is escaped for mrkdwn (& < >), so `<!channel>`, `<@U123>` or
`<https://x|click>` in an answer shows as text and never notifies anyone or hides a link;
long text is cut below Slack's limits with a note saying so.

Which question a click belongs to travels in the block_id: `<token>|<part>`. Action ids:
"pick:<n>" (a button or the select of a single-choice question), "choose" (checkboxes or a
multi-select: a change, nothing to do), "done" (the multiple choice is finished),
"edit:<n>" (a summary row's Edit), "reply:open" (open a form to answer or add),
"home:*" (the App Home buttons). "triage:*" belongs to the security channel's half.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    Option,
    PlainTextObject,
    SectionBlock,
    StaticMultiSelectElement,
    StaticSelectElement,
)

from bot.messages import (
    Choice,
    Guidance,
    Message,
    Question,
    SummaryCard,
    SummaryField,
    Text,
    TextQuestion,
    Tone,
)
from bot.text_safety import strip_unsafe

# Slack's limits, with a margin (Slack and Python may count some characters differently).
SECTION_TEXT = 2900  # 3000
CONTEXT_TEXT = 1900  # 2000
HEADER_TEXT = 145  # 150
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
OPTION_TEXT = 75
OPTION_VALUE = 150
BUTTONS_PER_BLOCK = 24  # 25 elements in an actions block; one kept for "Done"
CHECKBOXES = 10
SELECT_OPTIONS = 100
BLOCKS_PER_MESSAGE = 48  # 50
FALLBACK_TEXT = 2900
MODAL_INPUT = 3000
MODAL_TITLE = 24
SHORTENED = "(shortened — the full text is in the report)"
HOW = "how"  # the block saying how to answer: gone once the question is answered

PICK = "pick:"
SELECT = "pick:select"
CHOOSE = "choose"
DONE = "done"
EDIT = "edit:"
REPLY = "reply:open"
HOME_REPORT = "home:report"
HOME_MY_REPORTS = "home:my_reports"
HOME_CHECK = "home:check"
HOME_ADD = "home:add:"
REPLY_MODAL = "reply_modal"
ACTION_IDS = re.compile(r"^(?:pick:[0-9a-z]+|edit:\d+|choose|done|reply:open|home:[a-z_]+(?::\d+)?)$")
"""The reporter's action ids (Bolt listens for these; "triage:*" is the security channel's)."""

_TONE = {
    Tone.INFO: "",
    Tone.SUCCESS: ":white_check_mark: ",
    Tone.WARNING: ":warning: ",
    Tone.REASSURANCE: ":shield: ",
}
_GUIDANCE_TONE = {
    Tone.INFO: ":information_source:",
    Tone.SUCCESS: ":white_check_mark:",
    Tone.WARNING: ":warning:",
    Tone.REASSURANCE: ":shield:",
}


@dataclass(frozen=True)
class SlackMessage:
    """One chat.postMessage: `text` is the notification fallback, `blocks` what is shown."""

    text: str
    blocks: list[dict[str, Any]]


# ---- text safety -----------------------------------------------------------------------------------


def clean(text: str) -> str:
    """Control, direction-override and invisible characters removed (bot.text_safety: they can
    disguise what is shown)."""
    return strip_unsafe(text)


def escape(text: str) -> str:
    """mrkdwn-safe: Slack's three control characters escaped, so nothing typed can become markup."""
    return clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def fit(text: str, limit: int, note: str = SHORTENED) -> str:
    """`text` escaped, cut (on a character, never inside an escape) so that it fits in `limit`."""
    escaped = escape(text)
    if len(escaped) <= limit:
        return escaped
    budget = max(0, limit - len(note) - 2)
    kept: list[str] = []
    used = 0
    for ch in clean(text):
        piece = escape(ch)
        if used + len(piece) > budget:
            break
        kept.append(piece)
        used += len(piece)
    return "".join(kept).rstrip() + "… " + note


def plain(text: str, limit: int) -> str:
    """For plain_text objects (button labels, headers): not parsed by Slack, only cut to size."""
    cleaned = " ".join(clean(text).split())
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1].rstrip() + "…"


# ---- block ids -------------------------------------------------------------------------------------


def block_id(token: str, part: str) -> str:
    return f"{token}|{part}"


def token_of(block: str) -> str:
    """The question token a block_id carries ("" when it carries none)."""
    return block.rsplit("|", 1)[0] if "|" in block else ""


# ---- messages --------------------------------------------------------------------------------------


def render_all(messages: Iterable[Message]) -> list[SlackMessage]:
    return [slack for message in messages for slack in render(message)]


def render(message: Message) -> list[SlackMessage]:
    """One neutral message as one Slack message (a very long summary card as several)."""
    if isinstance(message, Text):
        return [_text(message)]
    if isinstance(message, Question):
        return [_question(message)]
    if isinstance(message, TextQuestion):
        return [_text_question(message)]
    if isinstance(message, Guidance):
        return [_guidance(message)]
    return _summary(message)


def as_dicts(blocks: Sequence[Block]) -> list[dict[str, Any]]:
    return [block.to_dict() for block in blocks]  # to_dict() runs slack_sdk's validation


def section(text: str, block: str | None = None, accessory: ButtonElement | None = None) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=text), block_id=block, accessory=accessory)


def context(text: str, block: str | None = None) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=text)], block_id=block)


def _prompt(text: str) -> str:
    """A question's wording, bold when it is one line (Slack's bold doesn't cross line breaks)."""
    body = fit(text, SECTION_TEXT - 2)
    return body if "\n" in body else f"*{body}*"


def fallback_text(text: str) -> str:
    return fit(" ".join(text.split()), FALLBACK_TEXT)


def _text(message: Text) -> SlackMessage:
    prefix = _TONE[message.tone]
    body = prefix + fit(message.text, SECTION_TEXT - len(prefix))
    return SlackMessage(fallback_text(message.text), as_dicts([section(body)]))


def _problem(problem: str | None) -> list[Block]:
    return [section(":warning: " + fit(problem, SECTION_TEXT - 10))] if problem else []


def _question(q: Question) -> SlackMessage:
    blocks: list[Block] = [*_problem(q.problem), section(_prompt(q.text))]
    if q.hint:
        blocks.append(context(fit(q.hint, CONTEXT_TEXT)))
    if q.current:
        again = "Pick again, or type 'keep'."
        blocks.append(context(f"Your answer was: {fit(q.current, CONTEXT_TEXT - 60)}. {again}"))
    blocks.append(_choices(q))
    how = "Or type your answers, for example: 1, 3" if q.multiple else "Or type your answer."
    blocks.append(context(how, block_id(q.token, HOW)))
    return SlackMessage(fallback_text(q.text), as_dicts(blocks))


def _option(choice: Choice) -> Option:
    return Option(value=choice.value[:OPTION_VALUE], text=plain(choice.label, OPTION_TEXT))


def _choices(q: Question) -> ActionsBlock:
    block = block_id(q.token, "choices")
    if q.multiple:
        options = [_option(o) for o in q.options[:SELECT_OPTIONS]]
        chooser: CheckboxesElement | StaticMultiSelectElement
        if len(options) <= CHECKBOXES:
            chooser = CheckboxesElement(action_id=CHOOSE, options=options)
        else:
            chooser = StaticMultiSelectElement(
                action_id=CHOOSE, options=options, placeholder=PlainTextObject(text="Pick all that fit")
            )
        done = ButtonElement(text="Done", action_id=DONE, value="done", style="primary")
        return ActionsBlock(block_id=block, elements=[chooser, done])
    if len(q.options) <= BUTTONS_PER_BLOCK and all(len(o.value) <= BUTTON_VALUE for o in q.options):
        buttons = [
            ButtonElement(text=plain(o.label, BUTTON_TEXT), action_id=f"{PICK}{n}", value=o.value)
            for n, o in enumerate(q.options)
        ]
        return ActionsBlock(block_id=block, elements=buttons)
    select = StaticSelectElement(
        action_id=SELECT,
        options=[_option(o) for o in q.options[:SELECT_OPTIONS]],
        placeholder=PlainTextObject(text="Choose one"),
    )
    return ActionsBlock(block_id=block, elements=[select])


def is_reply_token(token: str) -> bool:
    """The security team's question ("answer:<id>") or adding to a report ("add:<ref>")."""
    return token.startswith(("answer:", "add:"))


def _text_question(q: TextQuestion) -> SlackMessage:
    blocks: list[Block] = [*_problem(q.problem)]
    if q.problem and q.kept:
        note = f"(shortened — {len(q.kept):,} characters in all)"
        blocks.append(section("What you wrote:\n>" + fit(q.kept, 1500, note).replace("\n", "\n>")))
    blocks.append(section(_prompt(q.text)))
    if q.current:
        blocks.append(
            context(f"Your answer was: {fit(q.current, CONTEXT_TEXT - 60)}. Type a new one, or 'keep'.")
        )
    typing = ":pencil2: Type your answer below."
    if q.hint and not q.problem:
        typing += " " + fit(q.hint, CONTEXT_TEXT - len(typing) - 1)
    blocks.append(context(typing, block_id(q.token, HOW)))
    if is_reply_token(q.token):
        label = "Answer" if q.token.startswith("answer:") else "Add"
        button = ButtonElement(text=label, action_id=REPLY, value=q.token[:BUTTON_VALUE])
        blocks.append(ActionsBlock(block_id=block_id(q.token, "reply"), elements=[button]))
    return SlackMessage(fallback_text(q.text), as_dicts(blocks))


def _guidance(g: Guidance) -> SlackMessage:
    blocks: list[Block] = [DividerBlock()]
    for part in g.sections:
        title = f"{_GUIDANCE_TONE[part.tone]} {plain(part.title, HEADER_TEXT - 25)}"
        blocks.append(HeaderBlock(text=PlainTextObject(text=title, emoji=True)))
        blocks += [section(chunk) for chunk in _bullets(part.points)]
    blocks.append(context(":shield: Advice from your security team. Type “guidance” to see it again."))
    blocks.append(DividerBlock())
    title = g.sections[0].title if g.sections else "Advice"
    return SlackMessage(fallback_text(f"Advice: {title}"), as_dicts(blocks[:BLOCKS_PER_MESSAGE]))


def _bullets(points: Sequence[str]) -> list[str]:
    """Bullet lines grouped into section-sized chunks."""
    chunks: list[str] = []
    current = ""
    for point in points:
        line = "• " + fit(point, SECTION_TEXT - 2)
        if current and len(current) + 1 + len(line) > SECTION_TEXT:
            chunks.append(current)
            current = ""
        current = f"{current}\n{line}" if current else line
    if current:
        chunks.append(current)
    return chunks


def _summary(card: SummaryCard) -> list[SlackMessage]:
    head: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=plain(card.title, HEADER_TEXT))),
        section(fit(card.intro, SECTION_TEXT)),
    ]
    rows = [_row(card.token, n, f) for n, f in enumerate(card.fields)]
    tail: list[Block] = []
    if card.actions:
        buttons = [
            ButtonElement(
                text=plain(a.label, BUTTON_TEXT),
                action_id=f"{PICK}{n}",
                value=a.value[:BUTTON_VALUE],
                style="primary" if n == 0 else None,
            )
            for n, a in enumerate(card.actions[:BUTTONS_PER_BLOCK])
        ]
        tail.append(ActionsBlock(block_id=block_id(card.token, "actions"), elements=buttons))
    if card.footer:
        tail.append(context(fit(card.footer, CONTEXT_TEXT), block_id(card.token, HOW)))
    pages: list[list[Block]] = [head]
    for row in rows:
        if len(pages[-1]) >= BLOCKS_PER_MESSAGE - len(tail):
            pages.append([])
        pages[-1].append(row)
    if len(pages[-1]) + len(tail) > BLOCKS_PER_MESSAGE:
        pages.append([])
    pages[-1] += tail
    text = fallback_text(card.title)
    return [SlackMessage(text, as_dicts(page)) for page in pages]


def _row(token: str, n: int, row: SummaryField) -> SectionBlock:
    number = f"{row.number}. " if row.number is not None else ""
    label = "*" + fit(f"{number}{row.label}", 200) + "*\n"
    value = fit(row.value, SECTION_TEXT - len(label)) if row.value else "_(no answer)_"
    edit = None
    if row.edit_key is not None:
        edit = ButtonElement(text="Edit", action_id=f"{EDIT}{n}", value=f"edit:{row.edit_key}"[:BUTTON_VALUE])
    return section(label + value, block_id(token, f"row{n}"), edit)
