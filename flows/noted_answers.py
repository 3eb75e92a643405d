"""The engine's side of answers noted from the reporter's words (flows.noting): the confirm
step, corrections, choice answers read item by item, and what a noted answer adds to the
summary and the report. A mixin of Engine, kept apart so the engine stays readable."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flows import noting
from flows.actions import PickOptions, SubmitForm, TextAnswer, UserAction
from flows.choices import check_picked, read_choice
from flows.model import Flow, Step, StepKind
from flows.navigation import answers_on_path, display_answer, first_open_step, summary_rows
from flows.outputs import Ask, Output, Say, ShowSummary, SummaryRow, Turn
from flows.state import ConversationState
from flows.validators import Invalid, Valid


class NotedAnswers:
    """Needs the engine's flow, settings and its few helpers named below."""

    flow: Flow
    phone_region: str
    understand: bool

    def _put(
        self,
        state: ConversationState,
        problem: str | None = None,
        field_problems: dict[str, str] | None = None,
    ) -> Ask | ShowSummary:
        raise NotImplementedError  # Engine's

    def _store(self, state: ConversationState, answers: dict[str, Any]) -> None:
        raise NotImplementedError  # Engine's

    def _go_on(self, state: ConversationState, next_step: str, lead: tuple[Output, ...] = ()) -> Turn:
        raise NotImplementedError  # Engine's

    def _accept(self, state: ConversationState, answers: dict[str, Any]) -> Turn:
        raise NotImplementedError  # Engine's

    def _confirming(self, state: ConversationState, action: UserAction) -> Turn:
        """The one step that confirms or corrects what was noted; nothing noted counts before it."""
        step = noting.confirm_step(self.flow, state.noted)
        picked: list[str] | None = None
        if isinstance(action, PickOptions):
            picked = list(action.values)
        elif isinstance(action, SubmitForm):
            picked = [
                v for v in (p.strip() for p in action.fields.get(noting.CONFIRM_KEY, "").split(",")) if v
            ]
        elif isinstance(action, TextAnswer):
            read = read_choice(action.text, step.options, multiple=True)
            if isinstance(read, Valid):
                picked = list(read.value)
            elif _norm_words(action.text) in _NO_WORDS:
                return Turn(state, (self._put(state, problem=self.flow.text("noted_which")),))
            else:
                return self._corrected(state, action.text)
        checked = check_picked(picked or [], step.options, multiple=True)
        if isinstance(checked, Invalid):
            return Turn(state, (self._put(state, problem=checked.message),))
        values = set(checked.value)
        wrong = set() if noting.YES in values else set(state.noted) if noting.NONE in values else values
        answers = noting.confirmed(self.flow, state.noted, wrong)
        state.understood.update({k: state.noted_from.get(k, "") for k in answers})
        state.noted, state.noted_from = {}, {}
        self._store(state, answers)
        return self._go_on(state, first_open_step(self.flow, state.answers, state.step_id))

    def _corrected(self, state: ConversationState, text: str) -> Turn:
        """A correction typed at the confirm step ("it was on WhatsApp") replaces what it corrects."""
        heard = noting.note_from_correction(self.flow, state.answers, text, self.phone_region)
        if not heard:
            return Turn(state, (self._put(state, problem=self.flow.text("noted_unclear")),))
        state.noted.update(heard)
        state.noted_from.update({k: "correction" for k in heard})
        state.visit += 1
        return Turn(state, (Say(self.flow.text("noted_changed")), self._put(state)))

    def _heard(self, state: ConversationState, text: str) -> Turn:
        """A message the reporter shared: what it says is offered to confirm, as their story is."""
        heard = (
            noting.note_from_shared(self.flow, state.answers, text, self.phone_region)
            if self.understand
            else {}
        )
        heard = {k: v for k, v in heard.items() if k not in state.noted}
        if not heard:
            return Turn(state, (self._put(state),))
        state.noted.update(heard)
        state.noted_from.update({k: "shared" for k in heard})
        return self._go_on(state, state.step_id, (Say(self.flow.text("noted_shared")),))

    def _reads_words(self, step: Step, action: UserAction, result: Invalid) -> bool:
        return (
            self.understand
            and self.flow.lexicon is not None
            and step.kind is StepKind.CHOICE
            and isinstance(action, TextAnswer)
            and result.code in ("no_match", "ambiguous")
        )

    def _in_words(self, state: ConversationState, step: Step, text: str, refused: Invalid) -> Turn:
        """ "paid report, trip, money": every item recognised is taken and only the rest is asked
        about; an item that answers another question ("linkedin") is offered for that one."""
        words = noting.read_in_words(self.flow, step, text, state.answers)
        elsewhere = {k: v for k, v in words.elsewhere.items() if k != step.id}
        if elsewhere:
            state.noted.update(elsewhere)
            state.noted_from.update({k: step.id for k in elsewhere})
        taken = [*state.partial.get(step.id, []), *words.taken]
        if taken and not words.rest:
            result = check_picked(taken, step.options, step.multiple)
            if isinstance(result, Valid):
                return self._accept(state, {step.id: result.value})
            return Turn(state, (self._put(state, problem=result.message),))
        if taken and step.multiple:
            state.partial[step.id] = list(dict.fromkeys(taken))
            labels = ", ".join(o.label for o in step.options if o.value in state.partial[step.id])
            rest = ", ".join(f"'{r[:40]}'" for r in words.rest)
            state.visit += 1
            return Turn(
                state, (self._put(state, problem=self.flow.text("taken_some", taken=labels, rest=rest)),)
            )
        if elsewhere:
            state.visit += 1
            return Turn(state, (Say(self.flow.text("noted_elsewhere")), self._put(state)))
        return Turn(state, (self._put(state, problem=refused.message),))

    def _confirmed_elsewhere(self, state: ConversationState, on_path: Iterable[str]) -> list[str]:
        """Confirmed answers to questions a short path skips ("send it now"): the reporter told us
        and confirmed them, so they are reported too."""
        taken = set(on_path)
        return [
            s
            for s in self.flow.order
            if s in state.understood
            and s in state.answers
            and s not in taken
            and self.flow.steps[s].in_summary
        ]

    def _reported(self, state: ConversationState) -> dict[str, Any]:
        answers = answers_on_path(self.flow, state.answers)
        answers.update({s: state.answers[s] for s in self._confirmed_elsewhere(state, answers)})
        return answers

    def _summary_rows(self, state: ConversationState) -> tuple[SummaryRow, ...]:
        """Every answer; one noted from the reporter's words says so, beside their own words."""
        rows = list(summary_rows(self.flow, state.answers))
        if not state.understood:
            return tuple(rows)
        for step_id in self._confirmed_elsewhere(state, (r.step_id for r in rows)):
            step = self.flow.step(step_id)
            rows.append(
                SummaryRow(len(rows) + 1, step_id, step.label, display_answer(step, state.answers[step_id]))
            )
        mark = self.flow.text("noted_mark")
        return tuple(
            SummaryRow(r.number, r.step_id, r.label, f"{r.answer} {mark}")
            if r.step_id in state.understood
            else r
            for r in rows
        )


_NO_WORDS = frozenset({"no", "n", "nope", "wrong", "not really", "not quite", "some of it", "partly"})


def _norm_words(text: str) -> str:
    return " ".join("".join(c if c.isalnum() or c.isspace() else " " for c in text.lower()).split())
