"""A summary card (the report to check before sending, "my reports") as Teams activities.

A report can hold long answers, so its rows are packed into as few activities as stay under
MAX_CARD_BYTES: the title and intro open the first, the controls (change an answer, send)
close the last, which is the one a submit comes from. Rows are a FactSet, every value
escaped so that nothing a reporter wrote becomes a link, emphasis or a mention.
"""

from __future__ import annotations

from typing import Any

from adapters.teams import card_parts as ui
from adapters.teams.text import fit, plain
from bot.messages import Choice, SummaryCard, SummaryField

BUTTONS = 6
BUTTON_TITLE = 60
CHOICE_TITLE = 150
EMPTY = "—"
WORDS = "Your report: please check it"

Activity = dict[str, Any]
Fact = dict[str, str]


def summary_activities(card: SummaryCard, room: int) -> list[Activity]:
    """The card's activities with texts cut to `room` characters (the caller tries smaller rooms
    until every activity fits)."""
    facts = [_fact(n, row, room) for n, row in enumerate(card.fields, start=1)]
    pages: list[list[Fact]] = [[]]
    for fact in facts:
        trial = [*pages[-1], fact]
        if pages[-1] and not ui.fits([_page(card, trial, room, first=True, last=True)]):
            pages.append([fact])
        else:
            pages[-1] = trial
    count = len(pages)
    return [
        _page(card, page, room, first=n == 0, last=n == count - 1, part=(n + 1, count))
        for n, page in enumerate(pages)
    ]


def _fact(n: int, row: SummaryField, room: int) -> Fact:
    number = row.number if row.number is not None else n
    return {
        "title": fit(f"{number}. {row.label}", 200),
        "value": fit(row.value, room) if row.value else EMPTY,
    }


def _page(
    card: SummaryCard,
    facts: list[Fact],
    room: int,
    first: bool,
    last: bool,
    part: tuple[int, int] = (1, 1),
) -> Activity:
    if first:
        body = [
            ui.text_block(fit(card.title, 300), weight="Bolder", size="Large"),
            ui.text_block(fit(card.intro, room)),
        ]
    else:
        body = [ui.text_block(fit(card.title, 300) + " (continued)", weight="Bolder")]
    if facts:
        body.append({"type": "FactSet", "facts": facts})
    actions: list[ui.Element] = []
    if last:
        body += _edit(card, min(CHOICE_TITLE, room // 10))
        if card.footer:
            body.append(ui.how(fit(card.footer, room // 2)))
        body, actions = _actions(card, body, min(CHOICE_TITLE, room // 10))
    words = WORDS if part[1] == 1 else f"{WORDS} (part {part[0]} of {part[1]})"
    return ui.activity(words, body, actions)


def _edit(card: SummaryCard, titles: int) -> list[ui.Element]:
    """A compact chooser of the answers that can be changed, and its Change button."""
    editable = [
        (
            f"edit:{row.edit_key}",
            plain(f"{row.number if row.number is not None else n}. {row.label}", titles),
        )
        for n, row in enumerate(card.fields, start=1)
        if row.edit_key is not None
    ]
    if not editable:
        return []
    chooser = ui.choice_set(
        "edit",
        [{"title": title, "value": value} for value, title in editable],
        style="compact",
        placeholder="Change an answer…",
        isRequired=True,
        errorMessage="Pick the answer to change.",
    )
    data = {"tipline": "form", "token": card.token, "key": "edit", "labels": dict(editable)}
    change = ui.submit("Change", data)
    return [chooser, {"type": "ActionSet", "actions": [change]}]


def _actions(
    card: SummaryCard, body: list[ui.Element], titles: int
) -> tuple[list[ui.Element], list[ui.Element]]:
    """Up to six buttons; more (many open reports) become a chooser with one Continue button."""
    if len(card.actions) <= BUTTONS:
        return body, [_button(card.token, n, action) for n, action in enumerate(card.actions)]
    choices = [{"title": plain(a.label, titles), "value": a.value} for a in card.actions]
    chooser = ui.choice_set(
        "choice",
        choices,
        style="compact",
        placeholder="Choose…",
        isRequired=True,
        errorMessage="Please pick one.",
    )
    labels = {c["value"]: c["title"] for c in choices}
    data = {"tipline": "form", "token": card.token, "key": "choice", "labels": labels}
    return [*body, chooser], [ui.submit("Continue", data, style="positive")]


def _button(token: str, n: int, action: Choice) -> ui.Element:
    title = plain(action.label, BUTTON_TITLE)
    data = {"tipline": "pick", "token": token, "value": action.value, "title": title}
    extra: dict[str, Any] = {"associatedInputs": "none"}
    if n == 0:
        extra["style"] = "positive"
    return ui.submit(title, data, **extra)
