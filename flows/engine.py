"""The conversation engine: (flow, state, action, now) -> (new state, outputs, effects).

Pure: no I/O, no clock of its own, no randomness. The service saves the new state
before any output reaches the user.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flows import noting
from flows.actions import (
    Command,
    CommandName,
    PickOptions,
    SharedText,
    SubmitForm,
    TextAnswer,
    UserAction,
    command_in_text,
)
from flows.choices import check_picked, read_choice
from flows.model import Flow, GuidanceItem, Option, Step, StepKind
from flows.navigation import (
    display_answer,
    first_open_step,
    path_to,
    resolve_next,
)
from flows.noted_answers import NotedAnswers
from flows.outputs import (
    Ask,
    DiscardDraft,
    EndConversation,
    KeepDraft,
    Offer,
    Output,
    ReportSent,
    Say,
    ShowGuidance,
    ShowSummary,
    SubmitReport,
    Turn,
)
from flows.state import ConversationState, Phase
from flows.validators import Invalid, Valid, check_text_answer

_YES = Option("yes", "Yes")
_NO = Option("no", "No")


@dataclass(frozen=True)
class Engine(NotedAnswers):
    flow: Flow
    phone_region: str = "GB"
    draft_keep_days: int = 30
    # Note answers from the reporter's own words and offer them for confirmation (flows.noting);
    # read a choice answer item by item. Needs the flow's lexicon (understanding.yaml).
    understand: bool = False

    # ---- entry -------------------------------------------------------------
    def start(self, now: datetime) -> Turn:
        state = ConversationState(
            flow_id=self.flow.id,
            flow_version=self.flow.version,
            step_id=self.flow.start,
            visit=1,
            started_at=now,
            updated_at=now,
        )
        return Turn(state, (Say(self.flow.text("welcome")), self._put(state)))

    def advance(self, state: ConversationState, action: UserAction, now: datetime) -> Turn:
        state = self._upgrade(state.copied())
        idle = now - state.updated_at > timedelta(hours=self.flow.idle_timeout_hours)
        state.updated_at = now
        if isinstance(action, TextAnswer) and not self._is_an_option(state, action.text):
            action = command_in_text(action.text) or action
        if isinstance(action, Command) and action.name is CommandName.START and state.phase is Phase.ASKING:
            action = Command(CommandName.RESUME)
        handler = {
            Phase.ASKING: self._asking,
            Phase.CONFIRM_CANCEL: self._confirming_cancel,
            Phase.CONFIRM_RESTART: self._confirming_restart,
            Phase.CANCELLED: self._cancelled,
            Phase.SENT: self._sent,
            Phase.FINISHED: self._finished,
        }[state.phase]
        if idle and state.phase is Phase.ASKING and not self._is_for_current(state, action):
            return self._welcome_back(state, action)
        return handler(state, action, now)

    # ---- phases ------------------------------------------------------------
    def _asking(self, state: ConversationState, action: UserAction, now: datetime) -> Turn:
        if isinstance(action, Command):
            return self._command(state, action, now)
        if isinstance(action, SharedText):
            return self._heard(state, action.text)
        if isinstance(action, (PickOptions, SubmitForm)) and action.token != self.token(state):
            return Turn(state, (Say(self.flow.text("stale")), self._put(state)), moved_on=True)
        if state.noted:
            return self._confirming(state, action)
        step = self.flow.step(state.step_id)
        if step.kind is StepKind.SUMMARY:
            return self._at_summary(state, action, now)
        if isinstance(action, SubmitForm):
            return self._form(state, action, now)
        result, raw = self._read(step, action, now)
        if isinstance(result, Invalid) and self._reads_words(step, action, result):
            assert isinstance(action, TextAnswer)
            return self._in_words(state, step, action.text, result)
        if isinstance(result, Invalid):
            if raw is not None and step.kind is StepKind.TEXT:
                state.kept[step.id] = _keepable(raw, step)
            return Turn(state, (self._put(state, problem=result.message),))
        if step.id in state.partial and isinstance(result.value, list):
            merged = check_picked([*state.partial[step.id], *result.value], step.options, step.multiple)
            if isinstance(merged, Invalid):
                return Turn(state, (self._put(state, problem=merged.message),))
            result = merged
        return self._accept(state, {step.id: result.value})

    def _read(self, step: Step, action: UserAction, now: datetime) -> tuple[Valid | Invalid, str | None]:
        if isinstance(action, PickOptions):
            if step.kind is not StepKind.CHOICE:
                return Invalid("not_choice", "This question needs a typed answer."), None
            return check_picked(list(action.values), step.options, step.multiple), None
        assert isinstance(action, TextAnswer)
        if step.kind is StepKind.CHOICE:
            return read_choice(action.text, step.options, step.multiple), action.text
        return check_text_answer(step, action.text, now, self.phone_region), action.text

    def _form(self, state: ConversationState, form: SubmitForm, now: datetime) -> Turn:
        """Several answers at once (a card or modal); all are checked before any is kept."""
        accepted: dict[str, Any] = {}
        problems: dict[str, str] = {}
        for step_id, raw in form.fields.items():
            step = self.flow.steps.get(step_id)
            if step is None or step.kind not in (StepKind.CHOICE, StepKind.TEXT):
                continue
            if step.kind is StepKind.CHOICE:
                picked = [v for v in (p.strip() for p in raw.split(",")) if v]
                result = check_picked(picked, step.options, step.multiple)
            else:
                result = check_text_answer(step, raw, now, self.phone_region)
            if isinstance(result, Invalid):
                problems[step_id] = result.message
                if step.kind is StepKind.TEXT:
                    state.kept[step_id] = _keepable(raw, step)
            else:
                accepted[step_id] = result.value
        if state.step_id not in accepted and state.step_id not in problems:
            problems[state.step_id] = "Please answer this question."
        if problems:
            first = problems.get(state.step_id) or next(iter(problems.values()))
            return Turn(state, (self._put(state, problem=first, field_problems=problems),))
        return self._accept(state, accepted)

    def _accept(self, state: ConversationState, answers: dict[str, Any]) -> Turn:
        self._store(state, answers)
        if self.understand:
            for step_id, value in answers.items():
                heard = noting.note_from_text(
                    self.flow, state.answers, self.flow.step(step_id), value, self.phone_region
                )
                state.noted.update({k: v for k, v in heard.items() if k not in state.noted})
                state.noted_from.update({k: step_id for k in heard if k not in state.noted_from})
        step = self.flow.step(state.step_id)
        following = resolve_next(step, state.answers)
        return self._go_on(state, first_open_step(self.flow, state.answers, following))

    def _store(self, state: ConversationState, answers: dict[str, Any]) -> None:
        for step_id, value in answers.items():
            state.answers[step_id] = value
            state.kept.pop(step_id, None)
            state.partial.pop(step_id, None)

    def _go_on(self, state: ConversationState, next_step: str, lead: tuple[Output, ...] = ()) -> Turn:
        """Show the guidance the answers now call for, then the next question (or the confirm step).
        Answers still waiting for confirmation count for guidance: the advice shouldn't wait."""
        outputs: list[Output] = list(lead)
        heard = {**state.noted, **state.answers}
        fresh = [g for g in self.flow.guidance if g.id not in state.guidance_shown and g.when.holds(heard)]
        if fresh:
            state.guidance_shown.extend(g.id for g in fresh)
            outputs.append(ShowGuidance(tuple(fresh)))
        self._move(state, next_step)
        outputs.append(self._put(state))
        return Turn(state, tuple(outputs))

    def _at_summary(self, state: ConversationState, action: UserAction, now: datetime) -> Turn:
        if isinstance(action, PickOptions) and action.values:
            choice = action.values[0]
            if choice == "send":
                return self._send(state)
            if choice.startswith("edit:"):
                return self._edit(state, choice.removeprefix("edit:"))
        if isinstance(action, TextAnswer) and action.text.strip():
            return Turn(state, (Say(self.flow.text("summary_actions")), self._put(state)))
        return Turn(state, (self._put(state),))

    def _send(self, state: ConversationState) -> Turn:
        is_update = state.times_sent > 0
        effects: list[SubmitReport | EndConversation] = [SubmitReport(self._reported(state), is_update)]
        state.times_sent += 1
        outputs: list[Output] = [ReportSent(is_update)]
        finish_id = resolve_next(self.flow.step(state.step_id), state.answers)
        self._move(state, finish_id)
        offers = self._offers(state)
        if offers:
            state.phase = Phase.SENT
            outputs.append(Offer(self.token(state), self.flow.step(finish_id).prompt, offers))
        else:
            state.phase = Phase.FINISHED
            outputs.append(Say(self.flow.text("finished")))
            effects.append(EndConversation())
        return Turn(state, tuple(outputs), tuple(effects))

    def _sent(self, state: ConversationState, action: UserAction, now: datetime) -> Turn:
        offers = self._offers(state)
        picked: str | None = None
        if isinstance(action, PickOptions):
            if action.token != self.token(state):
                return Turn(
                    state, (Say(self.flow.text("stale")), self._offer_again(state, offers)), moved_on=True
                )
            picked = action.values[0] if action.values else None
        elif isinstance(action, TextAnswer):
            result = read_choice(action.text, offers, multiple=False)
            picked = result.value if isinstance(result, Valid) else None
        elif isinstance(action, Command) and action.name is CommandName.RESTART:
            return self._fresh(now, (DiscardDraft(),))
        elif isinstance(action, Command) and action.name in (CommandName.HELP, CommandName.GUIDANCE):
            return Turn(state, (ShowGuidance(self._guidance_for(state)), self._offer_again(state, offers)))
        option = next((o for o in offers if o.value == picked), None)
        if option is None:
            return Turn(state, (self._offer_again(state, offers),))
        if not option.sets:
            state.phase = Phase.FINISHED
            return Turn(state, (Say(self.flow.text("finished")),), (EndConversation(),))
        for step_id, value in option.sets:
            state.answers[step_id] = value
        state.phase = Phase.ASKING
        self._move(state, first_open_step(self.flow, state.answers))
        return Turn(state, (self._put(state),))

    def _finished(self, state: ConversationState, action: UserAction, now: datetime) -> Turn:
        return self._fresh(now, ())

    def _confirming_cancel(self, state: ConversationState, action: UserAction, now: datetime) -> Turn:
        if self._said_yes(state, action):
            state.phase = Phase.CANCELLED
            text = self.flow.text(
                "stopped_adding" if state.times_sent else "cancelled", days=self.draft_keep_days
            )
            return Turn(state, (Say(text),), (KeepDraft(self.draft_keep_days),))
        state.phase = Phase.ASKING
        state.visit += 1
        return Turn(state, (Say(self.flow.text("not_cancelled")), self._put(state)))

    def _confirming_restart(self, state: ConversationState, action: UserAction, now: datetime) -> Turn:
        if self._said_yes(state, action):
            turn = self._fresh(now, (DiscardDraft(),))
            return Turn(turn.state, (Say(self.flow.text("restarted")), *turn.outputs[1:]), turn.effects)
        state.phase = Phase.ASKING
        state.visit += 1
        return Turn(state, (Say(self.flow.text("not_cancelled")), self._put(state)))

    def _cancelled(self, state: ConversationState, action: UserAction, now: datetime) -> Turn:
        options = (Option("resume", "Pick up where I left off"), Option("new", "Start a new report"))
        picked: str | None = None
        if isinstance(action, PickOptions) and action.token == self.token(state):
            picked = action.values[0] if action.values else None
        elif isinstance(action, TextAnswer):
            result = read_choice(action.text, options, multiple=False)
            picked = result.value if isinstance(result, Valid) else None
        if picked == "resume":
            state.phase = Phase.ASKING
            state.visit += 1
            return Turn(state, (Say(self.flow.text("resumed")), self._put(state)))
        if picked == "new":
            return self._fresh(now, (DiscardDraft(),))
        started = state.started_at.strftime("%d %b %Y").lstrip("0")
        return Turn(
            state, (Offer(self.token(state), self.flow.text("resume_offer", started=started), options),)
        )

    # ---- commands ----------------------------------------------------------
    def _command(self, state: ConversationState, command: Command, now: datetime) -> Turn:
        if command.token is not None and command.token != self.token(state):
            return Turn(state, (Say(self.flow.text("stale")), self._put(state)), moved_on=True)
        name = command.name
        step = self.flow.step(state.step_id)
        if state.noted and name in (CommandName.BACK, CommandName.EDIT, CommandName.SEND, CommandName.KEEP):
            state.noted, state.noted_from = {}, {}  # moving on without confirming: none of it counts
        if name is CommandName.HELP:
            own = self.flow.text("noted_hint") if state.noted else step.help
            help_text = "\n\n".join(t for t in (own, self.flow.commands_help) if t)
            return Turn(state, (Say(help_text), self._put(state)))
        if name is CommandName.GUIDANCE:
            return Turn(state, (ShowGuidance(self._guidance_for(state)), self._put(state)))
        if name is CommandName.RESUME:
            return Turn(state, (self._put(state),))
        if name is CommandName.BACK:
            return self._back(state)
        if name is CommandName.KEEP:
            if state.step_id in state.partial:
                return self._accept(state, {state.step_id: state.partial[state.step_id]})
            if state.step_id in state.answers:
                return self._accept(state, {})
            return Turn(state, (Say(self.flow.text("nothing_to_keep")), self._put(state)))
        if name is CommandName.EDIT:
            return self._edit(state, command.argument or "")
        if name is CommandName.SEND:
            if step.kind is StepKind.SUMMARY:
                return self._send(state)
            return Turn(state, (Say(self.flow.text("summary_actions")), self._put(state)))
        if name is CommandName.CANCEL:
            state.phase = Phase.CONFIRM_CANCEL
            key = "confirm_stop_adding" if state.times_sent else "confirm_cancel"
            text = self.flow.text(key, days=self.draft_keep_days)
            return Turn(state, (Offer(self.token(state), text, (_YES, _NO)),))
        if name is CommandName.RESTART:
            state.phase = Phase.CONFIRM_RESTART
            return Turn(state, (Offer(self.token(state), self.flow.text("confirm_restart"), (_YES, _NO)),))
        return Turn(state, (self._put(state),))  # START while asking is a resume

    def _back(self, state: ConversationState) -> Turn:
        if state.partial.pop(state.step_id, None) is not None:
            state.visit += 1
        earlier = path_to(self.flow, state.answers, state.step_id)
        if not earlier:
            return Turn(state, (Say(self.flow.text("first_step")), self._put(state)))
        self._move(state, earlier[-1])
        return Turn(state, (self._put(state),))

    def _edit(self, state: ConversationState, which: str) -> Turn:
        rows = self._summary_rows(state)
        wanted = which.strip().lower()
        target = next(
            (r.step_id for r in rows if wanted in (str(r.number), r.step_id, r.label.lower())), None
        )
        if target is None:
            return Turn(state, (Say(self.flow.text("edit_unknown")), self._put(state)))
        self._move(state, target)
        return Turn(state, (self._put(state),))

    # ---- helpers -----------------------------------------------------------
    def token(self, state: ConversationState) -> str:
        return f"{self.flow.version}.{state.step_id}.{state.visit}"

    def _move(self, state: ConversationState, step_id: str) -> None:
        state.step_id = step_id
        state.visit += 1

    def _put(
        self,
        state: ConversationState,
        problem: str | None = None,
        field_problems: dict[str, str] | None = None,
    ) -> Ask | ShowSummary:
        step = self.flow.step(state.step_id)
        if state.noted and state.phase is Phase.ASKING:
            return Ask(
                step=noting.confirm_step(self.flow, state.noted), token=self.token(state), problem=problem
            )
        if step.kind is StepKind.SUMMARY:
            return ShowSummary(
                token=self.token(state),
                intro=self.flow.text("summary_intro") + ("" if problem is None else f"\n{problem}"),
                rows=self._summary_rows(state),
                actions_hint=self.flow.text("summary_actions"),
                is_update=state.times_sent > 0,
            )
        current = state.answers.get(step.id, _UNSET)
        if step.id in state.partial:
            current = state.partial[step.id]
        return Ask(
            step=step,
            token=self.token(state),
            problem=problem,
            kept=state.kept.get(step.id),
            current=None if current is _UNSET else display_answer(step, current),
            field_problems=field_problems or {},
        )

    def _is_an_option(self, state: ConversationState, text: str) -> bool:
        """At a choice question, words that pick an option ("send" for "Send it now") are an
        answer, even when they are also a command word."""
        if state.phase is not Phase.ASKING:
            return False
        step = noting.confirm_step(self.flow, state.noted) if state.noted else self.flow.step(state.step_id)
        return step.kind is StepKind.CHOICE and isinstance(
            read_choice(text, step.options, step.multiple), Valid
        )

    def _guidance_for(self, state: ConversationState) -> tuple[GuidanceItem, ...]:
        """What applies now; before any answer, the advice that always applies comes first."""
        items = tuple(g for g in self.flow.guidance if g.when.holds(state.answers))
        return items or self.flow.guidance[:1]

    def _offers(self, state: ConversationState) -> tuple[Option, ...]:
        step = self.flow.step(state.step_id)
        return tuple(o for o in step.options if o.when is None or o.when.holds(state.answers))

    def _offer_again(self, state: ConversationState, offers: tuple[Option, ...]) -> Offer:
        return Offer(self.token(state), self.flow.step(state.step_id).prompt, offers)

    def _said_yes(self, state: ConversationState, action: UserAction) -> bool:
        if isinstance(action, PickOptions):
            return action.token == self.token(state) and action.values[:1] == ("yes",)
        if isinstance(action, TextAnswer):
            result = read_choice(action.text, (_YES, _NO), multiple=False)
            return isinstance(result, Valid) and result.value == "yes"
        return False

    def _fresh(self, now: datetime, effects: tuple[DiscardDraft, ...]) -> Turn:
        turn = self.start(now)
        return Turn(turn.state, turn.outputs, effects)

    def _is_for_current(self, state: ConversationState, action: UserAction) -> bool:
        token = getattr(action, "token", None)
        return token is not None and token == self.token(state)

    def _welcome_back(self, state: ConversationState, action: UserAction) -> Turn:
        if isinstance(action, TextAnswer) and action.text.strip():
            state.kept[state.step_id] = _keepable(action.text, self.flow.step(state.step_id))
        state.visit += 1
        return Turn(state, (Say(self.flow.text("welcome_back")), self._put(state)))

    def _upgrade(self, state: ConversationState) -> ConversationState:
        """A conversation begun on an older version of the flow carries on at the nearest open step."""
        if state.flow_version == self.flow.version and state.step_id in self.flow.steps:
            return state
        state.answers = {k: v for k, v in state.answers.items() if k in self.flow.steps}
        state.noted = {k: v for k, v in state.noted.items() if k in self.flow.steps}
        state.partial = {k: v for k, v in state.partial.items() if k in self.flow.steps}
        state.flow_version = self.flow.version
        if state.step_id not in self.flow.steps or state.phase is Phase.ASKING:
            state.step_id = first_open_step(self.flow, state.answers)
        state.visit += 1
        return state


_UNSET: Any = object()


def _keepable(raw: str, step: Step) -> str:
    """What a re-ask keeps of a refused answer: all of it, up to a bound, so a 20 MB paste
    can't bloat every saved turn. Far more than the answer may hold, so nothing usable is lost."""
    return raw[: max(4 * step.max_length, 20_000)]
