"""The reporting service: one user action in, the bot's replies out.

Each turn is one unit of work: load the conversation, run the engine (or the reporter's
side of the thread with the security team), carry out the effects — a report, its
deliveries and its deadlines are written in the same transaction — save the new state,
and only then return the replies, so an answer is never shown as accepted before it is
safe on disk.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from bot.campaigns.news import CampaignNews
from bot.conversation import ConversationKey, Envelope, Reply, load_envelope, save_envelope, store_envelope
from bot.evidence import attach as attach_evidence
from bot.follow_up_routing import route, take
from bot.idle import idle_greeting, idle_help, starts_a_report
from bot.inbox_events import EventKind, InboxEvent
from bot.messages import Message, Text, Tone
from bot.outbox import queue_event
from bot.ports import (
    ConcurrencyConflict,
    ConversationStore,
    Deadline,
    StoredConversation,
    UnitOfWork,
    UnitOfWorkFactory,
)
from bot.presenter import present, present_notice
from bot.report import EvidenceFile, Report, Reporter
from bot.report_submission import save_report, unannounced
from bot.reporter_desk import (
    DeskReply,
    ReporterDesk,
)
from bot.reporter_push import ReporterChannel
from bot.watchlist.check import ContactCheck
from bot.watchlist.check_turn import contact_check, for_the_check
from bot.watchlist.intake import IntakeScreen, about_the_contact_changed, new_matches
from flows.actions import (
    Command,
    CommandName,
    SharedText,
    UserAction,
)
from flows.engine import Engine
from flows.outputs import SubmitReport, Turn
from flows.state import Phase

log = logging.getLogger(__name__)


class FlowTurn(NamedTuple):
    """What a turn of the flow said, how many deliveries it queued, and whether the click it
    answered had moved on."""

    messages: list[Message]
    queued: int
    moved_on: bool = False


class _NeedsUnitOfWork(Exception):
    """The turn writes more than the conversation (a report, its deliveries): it goes through
    the unit of work rather than the conversation store."""


def _no_deadlines(report: Report, now: datetime) -> Sequence[Deadline]:
    return ()


@dataclass
class ReportingService:
    engine: Engine
    unit_of_work: UnitOfWorkFactory
    clock: Callable[[], datetime]
    route: Callable[[Report], Sequence[str]]  # which destinations a new report goes to
    deadlines: Callable[[Report, datetime], Sequence[Deadline]] = _no_deadlines
    desk: ReporterDesk = field(
        default_factory=lambda: ReporterDesk("The security team has a question for you")
    )
    on_queued: Callable[[], None] = field(default=lambda: None)
    attempts_on_conflict: int = 3
    # The ordinary turn's storage: one load and one save. None: every turn uses the unit of work.
    conversations: ConversationStore | None = None
    watchlist: IntakeScreen | None = None  # published alerts, matched as the reporter answers
    checks: ContactCheck | None = None  # "check this contact", before anyone replies to them
    campaign_news: CampaignNews | None = None  # the chat channels' campaign cards and notices

    async def open(self, key: ConversationKey, reporter: Reporter) -> Reply:
        """The reporter opened the bot: news from the security team first, then start or resume."""
        return await self.handle(key, reporter, Command(CommandName.START))

    async def push_news(self, reporter: Reporter, channel: ReporterChannel) -> None:
        """Send the reporter what the security team has for them, through their platform.

        No transaction is open while the platform is called (a slow or rate-limited Slack or
        Teams would hold the write lock, and every other reporter's turn would wait on it): the
        news is read, the send made, and only then, in a new short transaction, marked delivered
        (and any question made the one their next message answers). A failed send records
        nothing, so the outbox tries again.
        """
        key = ConversationKey(reporter.platform, reporter.workspace or "", reporter.user_id)
        async with self.unit_of_work() as uow:
            opened = await self._open(uow, key, None, self.clock())
            assert opened is not None  # no event, so never a duplicate
            _, envelope = opened
            question_open = envelope.awaiting is not None
            news = await self.desk.news(uow, reporter, self.clock(), question_open, preview=True)
        if not news.messages:
            return
        await channel.send(reporter, news.messages)
        await self._retrying(lambda: self._record_push(key, reporter, news))

    async def _record_push(self, key: ConversationKey, reporter: Reporter, news: DeskReply) -> Reply:
        now = self.clock()
        async with self.unit_of_work() as uow:
            await self.desk.mark_delivered(uow, news.delivered, now)
            opened = await self._open(uow, key, None, now)
            assert opened is not None
            stored, envelope = opened
            if news.awaiting is not None and envelope.awaiting is None:
                # (If the reporter began adding to a report meanwhile, that goes on; the question is
                # asked again after it, as any unanswered question is.)
                envelope.awaiting = news.awaiting
                await save_envelope(uow, key, envelope, stored, now, self.engine.draft_keep_days)
            await uow.commit()
        return envelope.reply([], 0)

    async def my_reports(self, reporter: Reporter) -> list[Message]:
        """The reporter's reports and any news, read only: nothing is marked delivered."""
        async with self.unit_of_work(readonly=True) as uow:
            return await self.desk.my_reports(uow, reporter)

    async def attach_files(
        self,
        key: ConversationKey,
        reporter: Reporter,
        files: Sequence[EvidenceFile],
        event: tuple[str, str] | None = None,
    ) -> Reply:
        """Files the reporter shared (screenshots, documents, a forwarded message) as evidence."""
        return await self._retrying(lambda: self._attach(key, reporter, files, event))

    async def _attach(
        self,
        key: ConversationKey,
        reporter: Reporter,
        files: Sequence[EvidenceFile],
        event: tuple[str, str] | None,
    ) -> Reply:
        now = self.clock()
        async with self.unit_of_work() as uow:
            opened = await self._open(uow, key, event, now)
            if opened is None:
                return Reply([], True, duplicate=True)
            stored, envelope = opened
            messages, queued = await attach_evidence(uow, envelope, reporter, files, now)
            if envelope.flow_running:
                # A flagged or forwarded message's words are read for the report, as the story is.
                shared = "\n\n".join(f.text for f in files if f.text)
                action: UserAction = SharedText(shared) if shared else Command(CommandName.RESUME)
                messages += (await self._flow_turn(uow, envelope, reporter, action, now)).messages
            await save_envelope(uow, key, envelope, stored, now, self.engine.draft_keep_days)
            await uow.commit()
        if queued:
            self.on_queued()
        return envelope.reply(messages, queued)

    async def handle(
        self,
        key: ConversationKey,
        reporter: Reporter,
        action: UserAction,
        event: tuple[str, str] | None = None,
    ) -> Reply:
        """`event` is (source, id) of the inbound platform event, so a redelivery is handled once."""
        return await self._retrying(lambda: self._turn(key, reporter, action, event))

    async def _retrying(self, turn: Callable[[], Awaitable[Reply]]) -> Reply:
        for _ in range(self.attempts_on_conflict):
            try:
                return await turn()
            except ConcurrencyConflict:
                # Another message from the same person was handled in between: run this one again on top.
                continue
        return Reply([Text("Sorry — two messages crossed. Could you send that again?", Tone.WARNING)], True)

    async def _turn(
        self, key: ConversationKey, reporter: Reporter, action: UserAction, event: tuple[str, str] | None
    ) -> Reply:
        now = self.clock()
        if self.conversations is not None:
            ordinary = await self._ordinary_turn(self.conversations, key, reporter, action, event, now)
            if ordinary is not None:
                return ordinary
        async with self.unit_of_work() as uow:
            opened = await self._open(uow, key, event, now)
            if opened is None:
                return Reply([], True, duplicate=True)
            stored, envelope = opened
            checked = await contact_check(self.checks, self.engine.flow, uow, envelope, reporter, action)
            if checked is not None:
                await save_envelope(uow, key, envelope, stored, now, self.engine.draft_keep_days)
                await uow.commit()
                return envelope.reply(checked)
            desk = await self._reporter_side(uow, envelope, reporter, action, now)
            messages: list[Message] = list(desk.messages) if desk else []
            queued = desk.queued if desk else 0
            moved_on = False
            news_first = bool(desk and desk.messages and desk.awaiting is None) and not envelope.flow_running
            if news_first and isinstance(action, Command) and action.name is CommandName.START:
                # They came back to news (an outcome, say): offer a new report rather than launch one.
                messages += idle_greeting(self.engine.flow)
            elif desk is None or (desk.awaiting is None and isinstance(action, Command)):
                flowed = await self._flow_turn(uow, envelope, reporter, action, now)
                messages += flowed.messages
                queued += flowed.queued
                moved_on = flowed.moved_on
            elif envelope.awaiting is None and envelope.flow_running:
                resumed = await self._flow_turn(uow, envelope, reporter, Command(CommandName.RESUME), now)
                messages += resumed.messages
            await save_envelope(uow, key, envelope, stored, now, self.engine.draft_keep_days)
            await uow.commit()
        if queued:
            self.on_queued()
        return envelope.reply(messages, queued, moved_on=moved_on)

    async def _ordinary_turn(
        self,
        store: ConversationStore,
        key: ConversationKey,
        reporter: Reporter,
        action: UserAction,
        event: tuple[str, str] | None,
        now: datetime,
    ) -> Reply | None:
        """A turn of the flow alone in two storage calls, load and save; None when the turn
        needs the unit of work (the security team's side, or a report to write)."""
        loaded = await store.load(str(key), event)
        if loaded.event_seen:
            return Reply([], True, duplicate=True)
        envelope = load_envelope(loaded.stored, now, self.engine.flow.id)
        if route(action, envelope) is not None or for_the_check(self.checks, action, envelope):
            return None
        try:
            flowed = await self._flow_turn(None, envelope, reporter, action, now)
        except _NeedsUnitOfWork:
            return None
        await store_envelope(store, key, envelope, loaded.stored, now, self.engine.draft_keep_days, event)
        return envelope.reply(flowed.messages, moved_on=flowed.moved_on)

    async def _open(
        self, uow: UnitOfWork, key: ConversationKey, event: tuple[str, str] | None, now: datetime
    ) -> tuple[StoredConversation | None, Envelope] | None:
        """The conversation as stored, or None when this inbound event was already handled."""
        if event is not None and not await uow.events.record(event[0], event[1], now):
            return None
        stored = await uow.conversations.get(str(key))
        return stored, load_envelope(stored, now, self.engine.flow.id)

    # ---- the reporter's side of the thread with the security team ---------------------------
    async def _reporter_side(
        self, uow: UnitOfWork, envelope: Envelope, reporter: Reporter, action: UserAction, now: datetime
    ) -> DeskReply | None:
        """Handle what is not an answer to the reporting flow; None when it is for the flow."""
        follow_up = route(action, envelope)
        if follow_up is None:
            return None
        reply = await take(self.desk, uow, follow_up, envelope, reporter, action, now)
        if reply is None:
            return None
        if reply.awaiting is None and not reply.deferred and not isinstance(action, Command):
            # Answered: the next question from the security team, if there is one, comes straight away.
            more = await self.desk.news(uow, reporter, now)
            reply = DeskReply(reply.messages + more.messages, more.awaiting, reply.queued)
        envelope.awaiting = reply.awaiting
        return reply

    async def _flow_turn(
        self,
        uow: UnitOfWork | None,
        envelope: Envelope,
        reporter: Reporter,
        action: UserAction,
        now: datetime,
    ) -> FlowTurn:
        if not envelope.flow_running:
            if not starts_a_report(self.engine.flow, action):
                return FlowTurn(idle_help(self.engine.flow, action) + idle_greeting(self.engine.flow), 0)
            turn = self.engine.start(now)
            envelope.reference = None
        else:
            assert envelope.state is not None
            turn = self.engine.advance(envelope.state, action, now)
        before = envelope.state.answers if envelope.state is not None else {}
        envelope.state = turn.state
        queued = await self._carry_out(uow, turn, envelope, reporter, now)
        alert = await self._alert(uow, envelope, reporter, before, now)
        messages = alert + present(self.engine.flow, turn.outputs, envelope.reference)
        return FlowTurn(messages, queued, turn.moved_on)

    async def _alert(
        self,
        uow: UnitOfWork | None,
        envelope: Envelope,
        reporter: Reporter,
        before: dict[str, Any],
        now: datetime,
    ) -> list[Message]:
        """Told at once, before the next question, when the contact matches a published alert."""
        state = envelope.state
        if self.watchlist is None or state is None or not about_the_contact_changed(before, state.answers):
            return []
        if uow is None:
            raise _NeedsUnitOfWork  # the answer says who the contact is: read the watchlist
        found = await new_matches(
            self.watchlist, uow.watchlist, state.answers, reporter, now, envelope.alerted
        )
        if not found:
            return []
        envelope.alerted += [f.entry_id for f in found]
        log.info("watchlist match told to a reporter (entries %s)", [f.entry_id for f in found])
        return [present_notice(self.engine.flow.notices["watchlist_match"])]

    async def _screen(self, uow: UnitOfWork, report: Report) -> Report:
        return report if self.watchlist is None else await self.watchlist.screen(uow.watchlist, report)

    async def _carry_out(
        self, uow: UnitOfWork | None, turn: Turn, envelope: Envelope, reporter: Reporter, now: datetime
    ) -> int:
        queued = 0
        for effect in turn.effects:
            if isinstance(effect, SubmitReport):
                if uow is None:
                    raise _NeedsUnitOfWork
                report = await save_report(
                    uow,
                    effect,
                    envelope.reference,
                    reporter,
                    now,
                    self.engine.phone_region,
                    self.route,
                    self.deadlines,
                    [EvidenceFile.model_validate(f) for f in envelope.files],
                    screen=self._screen,
                    on_linked=self.campaign_news.linked if self.campaign_news else unannounced,
                )
                envelope.files = []  # now on the report
                envelope.reference = report.reference
                kind = EventKind.UPDATED if report.revision > 1 else EventKind.SUBMITTED
                queued += await queue_event(
                    uow, InboxEvent.about(kind, report, now), f"r{report.revision}", now
                )
        if turn.state.phase is Phase.ASKING and turn.state.times_sent == 0:
            envelope.reference = None  # a restart or a fresh draft has no report yet
        return queued
