"""botbuilder-dialogs' side: the same shape of conversation as a WaterfallDialog, in memory.

One waterfall step per question of the shape (ChoicePrompt with the same option labels for
a choice step, TextPrompt for a text step, a Send/Edit ChoicePrompt for the summary), then a
closing step that says "Sent". The dialog lives in a DialogSet whose state is a property of
ConversationState over MemoryStorage, and the bot saves that state at the end of every turn
(`conversation_state.save_changes`) as a normal botbuilder bot does. Turns go through
botbuilder's TestAdapter as plain text messages.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from time import perf_counter_ns
from typing import Any

from botbuilder.core import ConversationState, MemoryStorage, MessageFactory, TurnContext
from botbuilder.core.adapters import TestAdapter
from botbuilder.dialogs import (
    DialogSet,
    DialogTurnResult,
    DialogTurnStatus,
    WaterfallDialog,
    WaterfallStepContext,
)
from botbuilder.dialogs.choices import Choice, FoundChoice
from botbuilder.dialogs.prompts import ChoicePrompt, PromptOptions, TextPrompt
from botbuilder.schema import Activity, ActivityTypes, ChannelAccount, ConversationAccount

from bench.report import Conversation
from bench.tipline_side import ANSWERS, ShapeStep

Step = Callable[[WaterfallStepContext], Awaitable[DialogTurnResult]]

OPENING = "report"  # the first message, as a person would open the bot
SENT = "Sent. Your reference is"


class BotbuilderSide:
    name = "botbuilder-dialogs, in memory"

    def __init__(self, shape: tuple[ShapeStep, ...]) -> None:
        self.shape = shape
        self.storage = MemoryStorage()
        self.conversation_state = ConversationState(self.storage)
        self.dialogs = DialogSet(self.conversation_state.create_property("DialogState"))
        self.dialogs.add(TextPrompt("text"))
        self.dialogs.add(ChoicePrompt("choice", default_locale="en-us"))
        steps = [self._ask(i) for i in range(len(shape))] + [self._finish]
        self.dialogs.add(WaterfallDialog("report", steps))
        self.adapter = TestAdapter(self._on_turn)
        self.completed = 0
        self._next_conversation = 0

    async def _on_turn(self, turn_context: TurnContext) -> None:
        dialog_context = await self.dialogs.create_context(turn_context)
        result = await dialog_context.continue_dialog()
        if result.status == DialogTurnStatus.Empty:
            await dialog_context.begin_dialog("report")
        await self.conversation_state.save_changes(turn_context)

    def _remember(self, step_context: WaterfallStepContext, index: int) -> None:
        if index > 0:
            answer: Any = step_context.result
            value = answer.value if isinstance(answer, FoundChoice) else answer
            step_context.values[self.shape[index - 1].step_id] = value

    def _ask(self, index: int) -> Step:
        spec = self.shape[index]

        async def step(step_context: WaterfallStepContext) -> DialogTurnResult:
            self._remember(step_context, index)
            if spec.kind == "text":
                options = PromptOptions(prompt=MessageFactory.text(spec.prompt))
                return await step_context.prompt("text", options)
            prompt = spec.prompt
            if spec.kind == "summary":
                # Show the answers back, as Tipline's summary does.
                rows = "\n".join(f"{k}: {v}" for k, v in step_context.values.items())
                prompt = f"{spec.prompt}\n{rows}"
            options = PromptOptions(
                prompt=MessageFactory.text(prompt), choices=[Choice(label) for label in spec.options]
            )
            return await step_context.prompt("choice", options)

        return step

    async def _finish(self, step_context: WaterfallStepContext) -> DialogTurnResult:
        self._remember(step_context, len(self.shape))
        self.completed += 1
        await step_context.context.send_activity(MessageFactory.text(f"{SENT} BB-{self.completed:06d}."))
        return await step_context.end_dialog(dict(step_context.values))

    async def conversation(self) -> Conversation:
        """One full report in a new conversation: the opening message, every scripted answer."""
        n = self._next_conversation
        self._next_conversation += 1
        conversation = ConversationAccount(id=f"conversation{n}")
        user = ChannelAccount(id=f"user{n}", name="Bench User")
        adapter = self.adapter
        replies: list[list[Activity]] = []
        turn_ns: list[int] = []
        begin = perf_counter_ns()
        for text in (OPENING, *ANSWERS):
            t0 = perf_counter_ns()
            await adapter.receive_activity(
                Activity(type=ActivityTypes.message, text=text, conversation=conversation, from_property=user)
            )
            turn_ns.append(perf_counter_ns() - t0)
            replies.append(adapter.activity_buffer)
            adapter.activity_buffer = []
        wall = perf_counter_ns() - begin
        self._check(replies)
        return Conversation(tuple(turn_ns), wall)

    def _check(self, replies: list[list[Activity]]) -> None:
        """Every turn put the next prompt of the shape (no retry), and the last one said Sent."""
        for expected, sent in zip(self.shape, replies, strict=False):
            text = sent[-1].text if sent else None
            if not text or not text.startswith(expected.prompt):
                raise RuntimeError(f"botbuilder: expected the prompt of {expected.step_id!r}, got {text!r}")
        final = replies[-1][-1].text if replies[-1] else None
        if len(replies) != len(self.shape) + 1 or not final or not final.startswith(SENT):
            raise RuntimeError(f"botbuilder: the conversation did not end with Sent: {final!r}")
