"""Where a conversation is in a flow, worked out from the answers given so far.

The path is recomputed from the start every time, so changing an earlier answer
(back or edit) automatically brings in newly relevant questions and drops ones that
no longer apply.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from flows.model import Flow, Step, StepKind
from flows.outputs import SummaryRow


def resolve_next(step: Step, answers: Mapping[str, Any]) -> str:
    for branch in step.next:
        if branch.when is None or branch.when.holds(answers):
            return branch.goto
    raise AssertionError(f"step {step.id} has no default branch (the loader should have refused it)")


def first_open_step(flow: Flow, answers: Mapping[str, Any], from_step: str | None = None) -> str:
    """The first step on the path that still needs an answer (a summary or finish step always does)."""
    step_id = from_step or flow.start
    while True:
        step = flow.steps[step_id]
        if step.kind in (StepKind.SUMMARY, StepKind.FINISH) or step_id not in answers:
            return step_id
        step_id = resolve_next(step, answers)


def path_to(flow: Flow, answers: Mapping[str, Any], target: str) -> list[str]:
    """Answered steps from the start up to (not including) `target`, or up to the first open step."""
    path: list[str] = []
    step_id = flow.start
    while step_id != target:
        step = flow.steps[step_id]
        if step.kind in (StepKind.SUMMARY, StepKind.FINISH) or step_id not in answers:
            break
        path.append(step_id)
        step_id = resolve_next(step, answers)
    return path


def answers_on_path(flow: Flow, answers: Mapping[str, Any]) -> dict[str, Any]:
    return {step_id: answers[step_id] for step_id in path_to(flow, answers, target="")}


def summary_rows(flow: Flow, answers: Mapping[str, Any]) -> tuple[SummaryRow, ...]:
    rows: list[SummaryRow] = []
    for step_id in path_to(flow, answers, target=""):
        step = flow.steps[step_id]
        if step.in_summary:
            rows.append(
                SummaryRow(len(rows) + 1, step_id, step.label, display_answer(step, answers[step_id]))
            )
    return tuple(rows)


def display_answer(step: Step, value: Any) -> str:
    if value is None:
        return "(skipped)"
    if step.kind is StepKind.CHOICE:
        values = value if isinstance(value, list) else [value]
        labels = [(step.option(v).label if step.option(v) else v) for v in values]  # type: ignore[union-attr]
        return ", ".join(labels)
    if isinstance(value, dict) and "on" in value:
        if value["on"] is None:
            return f"{value.get('as_told', '')} (as you said)"
        day = date.fromisoformat(value["on"])
        told = value.get("as_told", "")
        shown = day.strftime("%d %b %Y").lstrip("0")
        return shown if told.strip() == value["on"] else f"{shown} (you said: {told})"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)
