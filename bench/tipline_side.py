"""Tipline's side: the real reporting service, every turn a committed SQLite transaction.

Wired as app.py's runtime() wires it (flow, engine, unit of work, service) over a SQLite
file in a temporary directory, minus the delivery worker: this measures the conversation,
not the inbox. Also derives the flow's SHAPE (which questions the scripted answers visit)
so the botbuilder side can build the same conversation.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from time import perf_counter_ns
from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncEngine

from bench.keys import BENCH_SEALER
from bench.report import Conversation
from bot.conversation import ConversationKey, Reply
from bot.flow_files import load_flow
from bot.messages import Question, SummaryCard, TextQuestion
from bot.report import Reporter
from bot.service import ReportingService
from flows.actions import Command, CommandName, TextAnswer
from flows.engine import Engine
from flows.model import Flow, StepKind
from flows.state import Phase
from storage.conversation_store import SqlConversationStore, conversation_store
from storage.db import create_engine, unit_of_work_factory, upgrade_database
from storage.protection.sealing import Sealer
from tests.flows.helpers import FULL

# The scripted full report, then "send" on the summary. The conversation opens with START.
ANSWERS: tuple[str, ...] = (*FULL, "send")
SUMMARY_CHOICES = ("Send", "Edit an answer")


@dataclass(frozen=True)
class ShapeStep:
    step_id: str
    kind: str  # "choice" | "text" | "summary"
    prompt: str
    options: tuple[str, ...] = ()  # option labels, for choice and summary steps


def flow_shape(flow: Flow | None = None) -> tuple[ShapeStep, ...]:
    """The steps ANSWERS visit, in order, walked with the pure engine (one step per answer)."""
    flow = flow or load_flow()
    engine = Engine(flow)
    now = datetime.now(UTC)
    turn = engine.start(now)
    shape: list[ShapeStep] = []
    for answer in ANSWERS:
        step = flow.step(turn.state.step_id)
        if step.kind is StepKind.CHOICE:
            shape.append(ShapeStep(step.id, "choice", step.prompt, tuple(o.label for o in step.options)))
        elif step.kind is StepKind.TEXT:
            shape.append(ShapeStep(step.id, "text", step.prompt))
        elif step.kind is StepKind.SUMMARY:
            shape.append(ShapeStep(step.id, "summary", flow.text("summary_intro"), SUMMARY_CHOICES))
        else:
            raise RuntimeError(f"the scripted answers reach {step.kind} step {step.id!r} before they end")
        turn = engine.advance(turn.state, TextAnswer(answer), now)
        if turn.state.phase is Phase.ASKING and turn.state.step_id == step.id:
            raise RuntimeError(f"the flow re-asked {step.id!r} after the scripted answer {answer!r}")
    if turn.state.phase is not Phase.FINISHED:
        raise RuntimeError(f"the scripted answers end in phase {turn.state.phase}, not finished")
    return tuple(shape)


def utc_now() -> datetime:
    return datetime.now(UTC)


class TiplineSide:
    name = "Tipline, durable SQLite"

    def __init__(
        self, shape: tuple[ShapeStep, ...], sealer: Sealer = BENCH_SEALER, name: str | None = None
    ) -> None:
        self.shape = shape
        self._sealer = sealer  # encryption at rest on (as in production), or off (bench.keys)
        self.name = name or self.name
        self._next_user = 0
        self._dir: str | None = None
        self._database: AsyncEngine | None = None
        self._service: ReportingService | None = None
        self._store: SqlConversationStore | None = None
        self.sqlite_settings = ""

    async def __aenter__(self) -> Self:
        self._dir = tempfile.mkdtemp(prefix="tipline-bench-")
        self._database = create_engine(f"sqlite:///{Path(self._dir) / 'tipline.db'}")
        await upgrade_database(self._database)
        self._store = conversation_store(self._database, self._sealer)
        self._service = ReportingService(
            Engine(load_flow()),
            unit_of_work_factory(self._database, self._sealer),
            utc_now,
            route=lambda report: ["file"],
            conversations=self._store,  # as app.py wires it
        )
        async with self._database.connect() as conn:
            journal = (await conn.exec_driver_sql("PRAGMA journal_mode")).scalar()
            synchronous = (await conn.exec_driver_sql("PRAGMA synchronous")).scalar()
        names = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}
        self.sqlite_settings = f"journal_mode={journal}, synchronous={names.get(int(synchronous or 0))}"
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._store is not None:
            await self._store.close()
        if self._database is not None:
            await self._database.dispose()
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)

    @property
    def service(self) -> ReportingService:
        if self._service is None:
            raise RuntimeError("use TiplineSide inside `async with`")
        return self._service

    async def conversation(self) -> Conversation:
        """One full report by a new user: START, every scripted answer, send."""
        service = self.service
        user = f"user{self._next_user}"
        self._next_user += 1
        key = ConversationKey("bench", "w", user)
        reporter = Reporter(platform="bench", user_id=user, display_name="Bench User", workspace="w")
        replies: list[Reply] = []
        turn_ns: list[int] = []
        begin = perf_counter_ns()
        t0 = perf_counter_ns()
        replies.append(await service.handle(key, reporter, Command(CommandName.START)))
        turn_ns.append(perf_counter_ns() - t0)
        for text in ANSWERS:
            t0 = perf_counter_ns()
            replies.append(await service.handle(key, reporter, TextAnswer(text)))
            turn_ns.append(perf_counter_ns() - t0)
        wall = perf_counter_ns() - begin
        self._check(replies)
        return Conversation(tuple(turn_ns), wall)

    def _check(self, replies: list[Reply]) -> None:
        """Every turn put the next question of the shape (no re-ask), and the last one sent the report."""
        for expected, reply in zip(self.shape, replies, strict=False):
            last = reply.messages[-1] if reply.messages else None
            if expected.kind == "summary":
                ok = isinstance(last, SummaryCard)
            else:
                ok = (
                    isinstance(last, (Question, TextQuestion))
                    and last.key == expected.step_id
                    and last.problem is None
                )
            if not ok:
                raise RuntimeError(f"Tipline: expected {expected.step_id!r}, got {last!r}")
        final = replies[-1]
        if len(replies) != len(self.shape) + 1 or final.in_progress or not final.reference:
            raise RuntimeError(f"Tipline: the conversation did not end with a sent report: {final!r}")
