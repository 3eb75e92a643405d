"""Answers noted from the reporter's own words: what they imply, how they are put for confirmation.

Nothing noted counts as an answer until the reporter confirms it; the engine keeps it apart
(state.noted) until then. Pure: the engine calls these with the flow and the words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from flows.choices import match_option
from flows.extraction import extract, noted_answers
from flows.extraction.story import mentions
from flows.model import Flow, Option, Step, StepKind
from flows.navigation import display_answer

CONFIRM_KEY = "noted"  # the confirm question's key; a flow step can't take it (the loader reserves it)
YES = "yes"
NONE = "none"
_PIECES = re.compile(r"\s*(?:,|;|/|\n|\band\b|&|\+)\s*", re.IGNORECASE)


def note_from_text(
    flow: Flow, answers: dict[str, Any], step: Step, text: str, phone_region: str
) -> dict[str, Any]:
    """Answers a free-text answer implies for questions not answered yet."""
    lexicon = flow.lexicon
    if lexicon is None or step.id not in lexicon.read_from or not isinstance(text, str):
        return {}
    about_contact = step.id in lexicon.compose
    noted = _noted(flow, answers, text, phone_region, about_contact)
    return {k: v for k, v in noted.items() if k != step.id}


def note_from_correction(flow: Flow, answers: dict[str, Any], text: str, phone_region: str) -> dict[str, Any]:
    """What a correction typed at the confirm step says ("Anna Smith, linkedin.com/in/anna"):
    read as an answer about the contact, since that is what people put right most."""
    return _noted(flow, answers, text, phone_region, about_contact=True) if flow.lexicon is not None else {}


def note_from_shared(flow: Flow, answers: dict[str, Any], text: str, phone_region: str) -> dict[str, Any]:
    """Answers a message the reporter shared (flagged, forwarded) implies for open questions."""
    return _noted(flow, answers, text, phone_region) if flow.lexicon is not None else {}


def _noted(
    flow: Flow, answers: dict[str, Any], text: str, phone_region: str, about_contact: bool = False
) -> dict[str, Any]:
    assert flow.lexicon is not None
    extraction = extract(text, flow.lexicon, phone_region, about_contact)
    noted = noted_answers(extraction, flow.lexicon, flow.steps)
    return {k: v for k, v in noted.items() if k not in answers and k in flow.steps}


def rows(flow: Flow, noted: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(step id, label, answer as shown) in the order the flow asks them; a composed answer
    (who contacted you) is shown by its parts, which can be put right one by one."""
    composed = _composed_steps(flow)
    ordered = [s for s in flow.order if s in noted and not (s in composed and _has_parts(flow, s, noted))]
    return [(s, flow.steps[s].label, display_answer(flow.steps[s], noted[s])) for s in ordered]


def confirm_step(flow: Flow, noted: dict[str, Any], lead: str | None = None) -> Step:
    """The confirm question, as an ordinary choice question so that every platform can render it."""
    shown = rows(flow, noted)
    listed = "\n".join(f"• {label}: {answer}" for _, label, answer in shown)
    prompt = "\n".join(p for p in (lead, flow.text("noted_intro"), listed, flow.text("noted_question")) if p)
    options = (
        Option(YES, flow.text("noted_yes"), exclusive=True),
        *(Option(step_id, flow.text("noted_wrong", label=label)) for step_id, label, _ in shown),
        Option(NONE, flow.text("noted_none"), exclusive=True),
    )
    return Step(
        id=CONFIRM_KEY,
        kind=StepKind.CHOICE,
        prompt=prompt,
        label=flow.text("noted_label"),
        hint=flow.text("noted_hint"),
        options=options,
        multiple=True,
        in_summary=False,
    )


def confirmed(flow: Flow, noted: dict[str, Any], wrong: set[str]) -> dict[str, Any]:
    """What becomes an answer: the noted answers not picked as wrong, and any answer composed of them."""
    kept = {k: v for k, v in noted.items() if k not in wrong}
    for step_id in _composed_steps(flow):
        if step_id not in kept or not _has_parts(flow, step_id, noted):
            continue
        parts = [_as_text(kept[p]) for p in _parts(flow, step_id) if p in kept]
        if parts and step_id not in wrong:
            kept[step_id] = ", ".join(parts)[: flow.steps[step_id].max_length]
        else:
            kept.pop(step_id)
    return kept


@dataclass(frozen=True)
class InWords:
    """A typed answer at a choice question, read item by item."""

    taken: list[str] = field(default_factory=list)  # options of this question
    elsewhere: dict[str, Any] = field(default_factory=dict)  # answers that belong to other questions
    rest: list[str] = field(default_factory=list)  # pieces recognised nowhere


def read_in_words(flow: Flow, step: Step, text: str, answers: dict[str, Any]) -> InWords:
    lexicon = flow.lexicon
    if lexicon is None:
        return InWords(rest=[text])
    taken: list[str] = []
    elsewhere: dict[str, list[str]] = {}
    rest: list[str] = []
    for piece in (p.strip() for p in _PIECES.split(text)):
        if not piece:
            continue
        option = match_option(piece, step.options)
        here = [option.value] if option else [m.value for m in mentions(piece, lexicon, (step.id,))]
        if here:
            taken.extend(v for v in here if v not in taken)
            continue
        other = [m for m in mentions(piece, lexicon) if m.step != step.id and m.step not in answers]
        if other:
            for m in other:
                values = elsewhere.setdefault(m.step, [])
                if m.value not in values:
                    values.append(m.value)
            continue
        rest.append(piece)
    shaped = {
        s: (v if flow.steps[s].multiple else v[0])
        for s, v in elsewhere.items()
        if flow.steps[s].kind is StepKind.CHOICE
    }
    return InWords(taken, shaped, rest)


def _composed_steps(flow: Flow) -> tuple[str, ...]:
    return tuple(flow.lexicon.compose) if flow.lexicon else ()


def _parts(flow: Flow, step_id: str) -> list[str]:
    """The steps whose answers make up a composed one (who = name, organisation, addresses...)."""
    assert flow.lexicon is not None
    by_field = {f: s for s, f in flow.lexicon.fills.items()}
    return [by_field[f] for f in flow.lexicon.compose[step_id] if f in by_field]


def _has_parts(flow: Flow, step_id: str, noted: dict[str, Any]) -> bool:
    return any(p in noted for p in _parts(flow, step_id))


def _as_text(value: Any) -> str:
    return ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)
