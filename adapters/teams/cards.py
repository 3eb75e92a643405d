"""Neutral messages -> Teams message activities holding Adaptive Cards. Pure: no I/O.

Everything anyone typed goes through adapters.teams.text (escape/fit for what Teams reads as
Markdown, plain for button and choice titles), so a reporter's "[x](https://evil.example)" or
"<at>Boss</at>" shows as typed and never becomes a link or a mention.

What a card sends back is the contract with adapters.teams.inbound: a button sends
{"tipline": "pick", "token", "value"} (plus "title", its words, for the read-only copy); a
form's Submit sends {"tipline": "form", "token", "key"} plus its inputs: "choice" (the values
picked, comma-separated), "edit" (a summary's "edit:<step>") or the step id (what was typed).
Each activity is kept under MAX_CARD_BYTES: long texts are cut with a note and a long
summary is split into several activities.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from adapters.teams import card_parts as ui
from adapters.teams.card_parts import MAX_CARD_BYTES, card_bytes
from adapters.teams.cards_summary import summary_activities
from adapters.teams.text import fit, plain
from bot.messages import Guidance, Message, Question, SummaryCard, Text, TextQuestion, Tone
from flows.validators import SKIP_WORDS

__all__ = ["MAX_CARD_BYTES", "answered", "card_bytes", "render", "render_all"]

BUTTONS = 6  # Teams shows at most six actions on a card
BUTTON_TITLE = 60
CHOICE_TITLE = 150
PLACEHOLDER = 150

Activity = dict[str, Any]


def render_all(messages: Iterable[Message]) -> list[Activity]:
    return [activity for message in messages for activity in render(message)]


def render(message: Message) -> list[Activity]:
    """One neutral message as one activity (a very long summary as several), each under
    MAX_CARD_BYTES: built with the largest text budget that fits."""
    build = _builder(message)
    activities: list[Activity] = []
    for room in ui.ROOMS:
        activities = build(room)
        if ui.fits(activities):
            break
    return activities


def _builder(message: Message) -> Callable[[int], list[Activity]]:
    if isinstance(message, Text):
        return lambda room: [_text(message, room)]
    if isinstance(message, Question):
        return lambda room: [_question(message, room)]
    if isinstance(message, TextQuestion):
        return lambda room: [_text_question(message, room)]
    if isinstance(message, Guidance):
        return lambda room: [_guidance(message, room)]
    summary: SummaryCard = message
    return lambda room: summary_activities(summary, room)


# ---- text ------------------------------------------------------------------------------------------

_TEXT_SUMMARY = {Tone.SUCCESS: "Tipline: done", Tone.WARNING: "Tipline: please read"}


def _text(message: Text, room: int) -> Activity:
    block = ui.text_block(ui.ICON[message.tone] + fit(message.text, 2 * room))
    body = [block] if message.tone is Tone.INFO else [ui.container([block], ui.CONTAINER_STYLE[message.tone])]
    return ui.activity(_TEXT_SUMMARY.get(message.tone, "Message from Tipline"), body)


def _asking(text: str, hint: str | None, problem: str | None, room: int) -> list[ui.Element]:
    """What every question starts with: the problem with the last answer, the words, the hint."""
    body = [ui.attention(fit(problem, room // 2))] if problem else []
    body.append(ui.text_block(fit(text, room), weight="Bolder"))
    if hint:
        body.append(ui.subtle(fit(hint, room // 2)))
    return body


# ---- choices ---------------------------------------------------------------------------------------


def _question(q: Question, room: int) -> Activity:
    body = _asking(q.text, q.hint, q.problem, room)
    if q.current:
        body.append(ui.subtle(f"Your answer was: {fit(q.current, room // 2)}. Pick again, or type “keep”."))
    if q.multiple or len(q.options) > BUTTONS:
        titles = min(CHOICE_TITLE, room // 10)
        body.append(_choice_input(q, titles))
        labels = {o.value: plain(o.label, titles) for o in q.options}
        data = {**_form_data(q), "labels": labels}
        actions = [ui.submit("Done" if q.multiple else "Continue", data, style="positive")]
    else:
        actions = [_button(q.token, plain(o.label, BUTTON_TITLE), o.value) for o in q.options]
    example = "Or type your answers in the chat, for example: 1, 3" if q.multiple else "Or type your answer."
    body.append(ui.how(example))
    return ui.activity(ui.words(q.text), body, actions)


def _button(token: str, title: str, value: str) -> ui.Element:
    return ui.submit(title, {"tipline": "pick", "token": token, "value": value, "title": title})


def _form_data(q: Question | TextQuestion) -> dict[str, Any]:
    return {"tipline": "form", "token": q.token, "key": q.key}


def _choice_input(q: Question, titles: int) -> ui.Element:
    element = ui.choice_set(
        "choice",
        [{"title": plain(o.label, titles), "value": o.value} for o in q.options],
        isMultiSelect=q.multiple,
        style="expanded",
        isRequired=True,
        errorMessage="Please pick at least one." if q.multiple else "Please pick one.",
        label="Pick all that fit" if q.multiple else "Pick one",
    )
    picked = _preselected(q)
    if picked:
        element["value"] = picked
    return element


def _preselected(q: Question) -> str | None:
    """The option values `current` names (it holds their labels, comma-separated), if it names only those."""
    if not q.current:
        return None
    by_word = {o.label.strip().lower(): o.value for o in q.options}
    by_word.update({o.value.lower(): o.value for o in q.options})
    whole = by_word.get(q.current.strip().lower())
    if whole is not None:
        return whole
    pieces = [by_word.get(p.strip().lower()) for p in q.current.split(",") if p.strip()]
    if not pieces or None in pieces or (len(pieces) > 1 and not q.multiple):
        return None
    return ",".join(p for p in pieces if p)


# ---- typed answers ---------------------------------------------------------------------------------

_STYLES = {"email": "Email", "url": "Url", "phone": "Tel"}
_PATTERNS = {
    "email": r"[^@\s]+@[^@\s]+\.[^@\s]+",  # one or several addresses: at least one must look like one
    "url": r"\S*[A-Za-z0-9-]\.[A-Za-z]\S*",
}
_ERRORS = {
    "email": "That doesn't look like an email address (name@example.com).",
    "url": "That doesn't look like a web address (example.com/page).",
}


def _text_question(q: TextQuestion, room: int) -> Activity:
    body = _asking(q.text, q.hint, q.problem, room)
    body += [ui.attention(fit(m, room // 2)) for m in q.field_problems.values() if m != q.problem]
    if q.current and not q.kept:
        body.append(ui.subtle("Your answer is filled in below: change it and press Send, or type “keep”."))
    typed = q.kept or q.current or ""
    shown = typed[: 3 * room]
    if len(shown) < len(typed):
        body.append(
            ui.subtle(f"What you wrote is {len(typed):,} characters; the box shows the first {len(shown):,}.")
        )
    body.append(_text_input(q, shown))
    body.append(ui.how("You can also just type your answer in the chat."))
    actions = [ui.submit("Send", _form_data(q), style="positive")]
    return ui.activity(ui.words(q.text), body, actions)


def _text_input(q: TextQuestion, value: str) -> ui.Element:
    element: ui.Element = {
        "type": "Input.Text",
        "id": q.key,
        "label": "Your answer",
        "isRequired": q.required,
        "maxLength": q.max_length,
        "isMultiline": q.input_kind == "text",
    }
    if q.required:
        element["errorMessage"] = "Please type an answer."
    if q.input_kind in _STYLES:
        element["style"] = _STYLES[q.input_kind]
    if q.input_kind in _PATTERNS:
        element["regex"] = _regex(_PATTERNS[q.input_kind], q.required)
        element["errorMessage"] = _ERRORS[q.input_kind]
    if value:
        element["value"] = value
    return element


def _regex(pattern: str, required: bool) -> str:
    """A lenient check (the server checks properly): what looks right, or, when the question
    may be skipped, nothing or a word for "skip" in any case."""
    if required:
        return f"^\\s*{pattern}.*$"
    words = "|".join(_any_case(word) for word in sorted(SKIP_WORDS))
    return f"^\\s*(?:{pattern}.*|{words}|)\\s*$"


def _any_case(word: str) -> str:
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else re.escape(c) for c in word)


# ---- guidance --------------------------------------------------------------------------------------


def _guidance(g: Guidance, room: int) -> Activity:
    body: list[ui.Element] = []
    for part in g.sections:
        items = [ui.text_block(ui.ICON[part.tone] + fit(part.title, 300), weight="Bolder", size="Medium")]
        items += [ui.text_block("• " + fit(point, room), spacing="Small") for point in part.points]
        body.append(ui.container(items, ui.GUIDANCE_STYLE[part.tone]))
    body.append(ui.subtle("🛡️ Advice from your security team. Type “guidance” to see it again."))
    return ui.activity("Advice from your security team", body)


# ---- after a submit --------------------------------------------------------------------------------


def answered(activity: Mapping[str, Any], chosen: str) -> Activity:
    """The submitted card, read-only: no inputs, no buttons, and what was chosen at the end."""
    copied: Activity = copy.deepcopy(dict(activity))
    attachments = [a for a in copied.get("attachments") or [] if isinstance(a, dict)]
    cards = [a["content"] for a in attachments if a.get("contentType") == ui.ADAPTIVE and _is_card(a)]
    if not cards:
        cards = [ui.activity("", [])["attachments"][0]["content"]]
        attachments.append({"contentType": ui.ADAPTIVE, "content": cards[0]})
    for card in cards:
        card["body"] = _read_only(card.get("body"))
        card["actions"] = []
        card.pop("selectAction", None)
    cards[-1]["body"].append(ui.subtle("✓ " + fit(chosen, 500)))
    copied["attachments"] = attachments
    return copied


def _is_card(attachment: Mapping[str, Any]) -> bool:
    return isinstance(attachment.get("content"), dict)


def _read_only(elements: Any) -> list[Any]:
    kept: list[Any] = []
    for element in elements if isinstance(elements, list) else []:
        if not isinstance(element, dict):
            continue
        kind = str(element.get("type") or "")
        if kind.startswith("Input.") or kind == "ActionSet" or element.get("id") == ui.HOW:
            continue
        element.pop("selectAction", None)
        for part in ("items", "columns"):
            if part in element:
                element[part] = _read_only(element[part])
        kept.append(element)
    return kept
