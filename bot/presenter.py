"""Turn the engine's decisions into neutral messages."""

from __future__ import annotations

from collections.abc import Iterable

from bot.messages import (
    Choice,
    Guidance,
    GuidanceSection,
    Message,
    Question,
    SummaryCard,
    SummaryField,
    Text,
    TextQuestion,
    Tone,
)
from flows.model import Flow, Notice, StepKind
from flows.outputs import Ask, Offer, Output, ReportSent, Say, ShowGuidance, ShowSummary


def present(flow: Flow, outputs: Iterable[Output], reference: str | None) -> list[Message]:
    messages: list[Message] = []
    for output in outputs:
        if isinstance(output, Say):
            messages.append(Text(output.text, Tone(output.tone)))
        elif isinstance(output, Ask):
            messages.append(_question(output))
        elif isinstance(output, Offer):
            messages.append(
                Question(
                    token=output.token,
                    key="offer",
                    text=output.text,
                    options=tuple(Choice(o.value, o.label) for o in output.options),
                )
            )
        elif isinstance(output, ShowGuidance):
            if output.items:
                messages.append(
                    Guidance(tuple(GuidanceSection(g.title, g.points, Tone(g.tone)) for g in output.items))
                )
        elif isinstance(output, ShowSummary):
            messages.append(_summary(flow, output))
        elif isinstance(output, ReportSent):
            key = "updated" if output.is_update else "sent"
            messages.append(Text(flow.text(key, reference=reference or "(pending)"), Tone.SUCCESS))
    return messages


def present_notice(notice: Notice) -> Guidance:
    return Guidance((GuidanceSection(notice.title, notice.points, Tone(notice.tone)),))


def _question(ask: Ask) -> Question | TextQuestion:
    step = ask.step
    if step.kind is StepKind.CHOICE:
        return Question(
            token=ask.token,
            key=step.id,
            text=step.prompt,
            options=tuple(Choice(o.value, o.label) for o in step.options),
            multiple=step.multiple,
            hint=step.hint,
            problem=ask.problem,
            current=ask.current,
        )
    return TextQuestion(
        token=ask.token,
        key=step.id,
        text=step.prompt,
        hint=step.hint,
        problem=ask.problem,
        kept=ask.kept,
        current=ask.current,
        required=step.required,
        max_length=step.max_length,
        input_kind=step.input.value,
        field_problems=dict(ask.field_problems),
    )


def _summary(flow: Flow, summary: ShowSummary) -> SummaryCard:
    send_label = "Send the update" if summary.is_update else "Send to the security team"
    return SummaryCard(
        token=summary.token,
        title=flow.title,
        intro=summary.intro,
        fields=tuple(SummaryField(r.label, r.answer, r.step_id, r.number) for r in summary.rows),
        actions=(Choice("send", send_label),),
        footer=summary.actions_hint,
    )
