"""Build a flow from its data (read elsewhere), and refuse a broken flow at load time.

Every problem is collected and reported together, so whoever edits the YAML sees the
whole list at once rather than fixing one error per start-up.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from flows.conditions import Condition, ConditionError, parse_condition
from flows.extraction.lexicon import Lexicon, RawLexicon, build_lexicon, references
from flows.model import Branch, Flow, GuidanceItem, InputKind, Notice, Option, Step, StepKind

REQUIRED_MESSAGES = (
    "idle",
    "idle_button",
    "welcome",
    "welcome_back",
    "stale",
    "help_footer",
    "first_step",
    "confirm_cancel",
    "cancelled",
    "not_cancelled",
    "confirm_stop_adding",
    "stopped_adding",
    "confirm_restart",
    "restarted",
    "resume_offer",
    "resumed",
    "sent",
    "updated",
    "finished",
    "nothing_to_keep",
    "edit_unknown",
    "summary_intro",
    "summary_actions",
)


# Needed when the flow notes answers from free text (an understanding file beside it).
NOTED_MESSAGES = (
    "noted_intro",
    "noted_question",
    "noted_yes",
    "noted_wrong",
    "noted_none",
    "noted_label",
    "noted_hint",
    "noted_which",
    "noted_unclear",
    "noted_changed",
    "noted_shared",
    "noted_elsewhere",
    "noted_mark",
    "taken_some",
)
RESERVED_STEP_IDS = ("noted",)  # the confirm step's key (flows.noting.CONFIRM_KEY)


class FlowError(ValueError):
    """The flow file is not usable; `problems` lists every reason."""

    def __init__(self, source: str, problems: Iterable[str]) -> None:
        self.problems = list(problems)
        super().__init__(f"{source}: " + "; ".join(self.problems))


class _RawOption(BaseModel):
    model_config = ConfigDict(extra="forbid")
    value: str
    label: str
    exclusive: bool = False
    when: dict[str, Any] | None = None
    set: dict[str, str] = Field(default_factory=dict)


class _RawBranch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    goto: str
    when: dict[str, Any] | None = None


class _RawStep(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1, pattern=r"^[a-z][a-z0-9_]*$")
    kind: StepKind
    prompt: str
    label: str = ""
    hint: str | None = None
    help: str | None = None
    options: list[_RawOption] = Field(default_factory=list)
    multiple: bool = False
    input: InputKind = InputKind.TEXT
    required: bool = True
    max_length: int = Field(default=2000, ge=1, le=20000)
    next: str | list[_RawBranch] | None = None
    in_summary: bool = True


class _RawFlow(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    version: int = Field(ge=1)
    title: str
    start: str
    idle_timeout_hours: float = Field(default=24.0, gt=0)
    entry_words: list[str] = Field(default_factory=lambda: ["report"])
    commands_help: str
    messages: dict[str, str]
    steps: list[_RawStep]


class _RawGuidanceItem(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    title: str
    points: list[str] = Field(min_length=1)
    when: dict[str, Any]
    tone: Literal["info", "warning", "reassurance"] = "info"


class _RawNotice(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    title: str
    points: list[str] = Field(min_length=1)
    tone: Literal["info", "warning", "reassurance"] = "warning"


class _RawGuidance(BaseModel):
    model_config = ConfigDict(extra="forbid")
    items: list[_RawGuidanceItem]
    notices: list[_RawNotice] = Field(default_factory=list)


def build_flow(raw_flow: Any, raw_guidance: Any, source: str = "flow", raw_understanding: Any = None) -> Flow:
    try:
        parsed = _RawFlow.model_validate(raw_flow)
        guidance = _RawGuidance.model_validate(raw_guidance)
        understanding = None if raw_understanding is None else RawLexicon.model_validate(raw_understanding)
    except ValidationError as exc:
        raise FlowError(source, [_pydantic_problem(e) for e in exc.errors()]) from exc

    problems: list[str] = []
    lexicon = None if understanding is None else build_lexicon(understanding, "understanding", problems)
    steps: dict[str, Step] = {}
    for raw in parsed.steps:
        if raw.id in steps:
            problems.append(f"step id '{raw.id}' is used twice")
            continue
        if raw.id in RESERVED_STEP_IDS:
            problems.append(f"step id '{raw.id}' is reserved for the confirm step; please use another")
            continue
        steps[raw.id] = _build_step(raw, problems)

    items = []
    for g in guidance.items:
        when = _condition(g.when, f"guidance '{g.id}'", problems)
        if when is not None:
            items.append(GuidanceItem(g.id, g.title, tuple(g.points), when, g.tone))
    if len({g.id for g in guidance.items}) != len(guidance.items):
        problems.append("guidance ids must be unique")

    notices = {n.id: Notice(n.id, n.title, tuple(n.points), n.tone) for n in guidance.notices}
    if len(notices) != len(guidance.notices):
        problems.append("notice ids must be unique")

    needed = REQUIRED_MESSAGES + (NOTED_MESSAGES if lexicon is not None else ())
    missing = [k for k in needed if k not in parsed.messages]
    if missing:
        problems.append("messages missing: " + ", ".join(missing))

    flow = Flow(
        id=parsed.id,
        version=parsed.version,
        title=parsed.title,
        start=parsed.start,
        steps=steps,
        guidance=tuple(items),
        messages=dict(parsed.messages),
        commands_help=parsed.commands_help,
        idle_timeout_hours=parsed.idle_timeout_hours,
        entry_words=tuple(w.lower() for w in parsed.entry_words),
        order=tuple(steps),
        lexicon=lexicon,
        notices=notices,
    )
    problems.extend(check_flow(flow))
    if lexicon is not None:
        problems.extend(_check_lexicon(flow, lexicon))
    if problems:
        raise FlowError(source, problems)
    return flow


def _build_step(raw: _RawStep, problems: list[str]) -> Step:
    where = f"step '{raw.id}'"
    options = []
    for o in raw.options:
        when = _condition(o.when, f"{where} option '{o.value}'", problems) if o.when else None
        options.append(Option(o.value, o.label, o.exclusive, when, tuple(o.set.items())))
    branches: list[Branch] = []
    if isinstance(raw.next, str):
        branches.append(Branch(raw.next))
    elif raw.next:
        for b in raw.next:
            when = _condition(b.when, f"{where} branch to '{b.goto}'", problems) if b.when else None
            branches.append(Branch(b.goto, when))
    return Step(
        id=raw.id,
        kind=raw.kind,
        prompt=raw.prompt.strip(),
        label=raw.label or raw.id.replace("_", " ").capitalize(),
        hint=raw.hint,
        help=raw.help,
        options=tuple(options),
        multiple=raw.multiple,
        input=raw.input,
        required=raw.required,
        max_length=raw.max_length,
        next=tuple(branches),
        in_summary=raw.in_summary,
    )


def _condition(raw: dict[str, Any] | None, where: str, problems: list[str]) -> Condition | None:
    if raw is None:
        return None
    try:
        return parse_condition(raw)
    except ConditionError as exc:
        problems.append(f"{where}: {exc}")
        return None


def check_flow(flow: Flow) -> list[str]:
    """Structural checks: targets exist, no dead ends, no unreachable steps, no loops."""
    problems: list[str] = []
    steps = flow.steps
    if flow.start not in steps:
        problems.append(f"start step '{flow.start}' does not exist")
    for step in steps.values():
        where = f"step '{step.id}'"
        if step.kind is StepKind.CHOICE:
            values = [o.value for o in step.options]
            if len(values) < 2:
                problems.append(f"{where} is a choice with fewer than two options")
            if len(set(values)) != len(values):
                problems.append(f"{where} has two options with the same value")
        elif step.options and step.kind is not StepKind.FINISH:
            problems.append(f"{where} is a {step.kind} step and cannot have options")
        if step.kind is StepKind.FINISH:
            if step.next:
                problems.append(f"{where} is a finish step and cannot go anywhere next")
        elif not step.next:
            problems.append(f"{where} is a dead end: it has no next step")
        elif step.next[-1].when is not None:
            problems.append(f"{where} is a dead end when no branch matches: its last branch needs no 'when'")
        for i, branch in enumerate(step.next):
            if branch.goto not in steps:
                problems.append(f"{where} goes to '{branch.goto}', which does not exist")
            if branch.when is None and i < len(step.next) - 1:
                problems.append(f"{where}: the branch to '{branch.goto}' has no 'when' but is not last")
        for option in step.options:
            for target, value in option.sets:
                problems.extend(_check_reference(flow, target, (value,), f"{where} option '{option.value}'"))
            if option.when:
                problems.extend(_check_condition(flow, option.when, f"{where} option '{option.value}'"))
        for branch in step.next:
            if branch.when:
                problems.extend(_check_condition(flow, branch.when, f"{where} branch to '{branch.goto}'"))
    for item in flow.guidance:
        problems.extend(_check_condition(flow, item.when, f"guidance '{item.id}'"))
    if problems:
        return problems
    problems.extend(_check_graph(flow))
    return problems


def _check_condition(flow: Flow, condition: Condition, where: str) -> list[str]:
    problems = []
    for step_id, values in condition.references():
        problems.extend(_check_reference(flow, step_id, values, where))
    return problems


def _check_reference(flow: Flow, step_id: str, values: tuple[str, ...], where: str) -> list[str]:
    step = flow.steps.get(step_id)
    if step is None:
        return [f"{where} refers to step '{step_id}', which does not exist"]
    known = {o.value for o in step.options}
    unknown = [v for v in values if v not in known]
    if unknown and step.kind is StepKind.CHOICE:
        return [f"{where} refers to {', '.join(unknown)}, not an option of step '{step_id}'"]
    return []


def _check_graph(flow: Flow) -> list[str]:
    problems = []
    reachable: set[str] = set()
    frontier = [flow.start]
    while frontier:
        current = frontier.pop()
        if current in reachable:
            continue
        reachable.add(current)
        frontier.extend(b.goto for b in flow.steps[current].next)
    for step_id in flow.steps:
        if step_id not in reachable:
            problems.append(f"step '{step_id}' cannot be reached from '{flow.start}'")
    # Back and edit are commands, not edges, so a well-formed flow never loops.
    state: dict[str, int] = {}

    def visit(step_id: str) -> bool:
        state[step_id] = 1
        for b in flow.steps[step_id].next:
            mark = state.get(b.goto, 0)
            if mark == 1 or (mark == 0 and visit(b.goto)):
                problems.append(f"steps loop back on themselves at '{b.goto}'")
                return True
        state[step_id] = 2
        return False

    if flow.start in flow.steps:
        visit(flow.start)
    summaries = [s for s in flow.steps.values() if s.kind is StepKind.SUMMARY]
    if not summaries:
        problems.append("the flow has no summary step, so nothing can ever be sent")
    return problems


def _check_lexicon(flow: Flow, lexicon: Lexicon) -> list[str]:
    problems = []
    for step_id, value, where in references(lexicon):
        step = flow.steps.get(step_id)
        if step is None:
            problems.append(f"understanding {where}: there is no step '{step_id}'")
        elif value is not None and step.option(value) is None:
            problems.append(f"understanding {where}: '{value}' is not an option of step '{step_id}'")
        elif value is None and step.kind is not StepKind.TEXT:
            problems.append(f"understanding {where}: step '{step_id}' is not a text question")
    return problems


def _pydantic_problem(error: Any) -> str:
    location = ".".join(str(p) for p in error.get("loc", ()))
    return f"{location}: {error.get('msg')}"
