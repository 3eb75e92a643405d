"""Neutral messages -> terminal text. Pure: no I/O.

Reporter text is echoed back in summaries; anything that could drive the terminal
(escape sequences, other control characters) is removed before it is printed.
"""

from __future__ import annotations

import textwrap

from bot.messages import Guidance, Message, Question, SummaryCard, Text, TextQuestion, Tone
from bot.text_safety import strip_unsafe

WIDTH = 78
_MARK = {Tone.WARNING: "!", Tone.REASSURANCE: "*", Tone.SUCCESS: "✓", Tone.INFO: "-"}


def safe(text: str) -> str:
    """Nothing that could drive the terminal or disguise the text (bot.text_safety)."""
    return strip_unsafe(text)


def render(message: Message) -> str:
    if isinstance(message, Text):
        return _wrap(safe(message.text))
    if isinstance(message, Question):
        return _question(message)
    if isinstance(message, TextQuestion):
        return _text_question(message)
    if isinstance(message, Guidance):
        return _guidance(message)
    return _summary(message)


def _question(q: Question) -> str:
    lines = []
    if q.problem:
        lines.append(_wrap(q.problem))
    lines.append(_wrap(safe(q.text)))  # a confirm step quotes the reporter's words
    width = len(str(len(q.options)))
    lines += [f"  {i:>{width}}) {o.label}" for i, o in enumerate(q.options, 1)]
    if q.current:
        lines.append(_wrap(f"(Your answer was: {safe(q.current)}. Pick again, or type 'keep'.)"))
    how = "Type one or more numbers, e.g. 1, 3" if q.multiple else "Type a number"
    lines.append(f"({how} — or the words.)")
    return "\n".join(lines)


def _text_question(q: TextQuestion) -> str:
    lines = []
    if q.problem:
        lines.append(_wrap(q.problem))
        if q.kept:
            kept = safe(q.kept)
            shown = kept if len(kept) <= 500 else kept[:500] + f"… ({len(kept):,} characters in all)"
            lines.append(_wrap(f"What you wrote: {shown}"))
    lines.append(_wrap(q.text))
    if q.hint and not q.problem:
        lines.append(_wrap(f"({q.hint})"))
    if q.current:
        lines.append(_wrap(f"(Your answer was: {safe(q.current)}. Type a new one, or 'keep'.)"))
    return "\n".join(lines)


def _guidance(g: Guidance) -> str:
    blocks = []
    for section in g.sections:
        title = section.title.upper()
        bullet = _MARK[section.tone]
        points = [
            textwrap.fill(p, WIDTH, initial_indent=f"  {bullet} ", subsequent_indent="    ")
            for p in section.points
        ]
        blocks.append("\n".join([f"== {title} ==", *points]))
    return "\n\n".join(blocks)


def _summary(card: SummaryCard) -> str:
    lines = [f"== {card.title.upper()} ==", _wrap(card.intro), ""]
    label_width = max((len(f.label) for f in card.fields), default=0)
    for f in card.fields:
        value = safe(f.value).replace("\n", " ")
        number = f"{f.number:>2}. " if f.number is not None else ""
        head = f"{number}{safe(f.label):<{label_width}} : "
        lines.append(textwrap.fill(value, WIDTH, initial_indent=head, subsequent_indent=" " * len(head)))
    if card.footer:
        lines += ["", _wrap(card.footer)]
    return "\n".join(lines)


def _wrap(text: str) -> str:
    return "\n".join(textwrap.fill(p, WIDTH) if p else "" for p in text.split("\n"))
