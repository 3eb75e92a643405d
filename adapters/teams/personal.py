"""The reporter's personal (1:1) chat with Tipline in Teams.

The same reporting flow as everywhere else: questions as Adaptive Cards, typed replies
accepted too, guidance as its own card, files shared in the chat kept as evidence, "my
reports", and the security team's questions answered from their card. A card that has been
answered is replaced by a read-only copy (so it cannot be sent twice); an old card sent
anyway is answered kindly by the flow and never applied to the wrong question.

Where to reach the reporter later (acknowledgements, questions, the outcome) is stored from
every message they send, since Teams may move a tenant to another service URL.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from adapters.teams import cards
from adapters.teams.addresses import PLATFORM, key_for
from adapters.teams.evidence import TeamsEvidenceDownloads
from adapters.teams.inbound import Inbound
from adapters.teams.sending import replace, send_all
from adapters.teams.text import plain
from adapters.teams.transport import Conversation
from bot.conversation import Reply
from bot.idle import IDLE_TOKEN
from bot.messages import Choice, Message, Question, SummaryCard, Text, TextQuestion, Tone
from bot.ports import UnitOfWorkFactory
from bot.receive import receive
from bot.service import ReportingService

log = logging.getLogger("tipline.teams")

SOURCE = "teams"
MAX_REMEMBERED = 10_000
REMEMBER_FOR = 3600.0  # seconds
SHOWN = "shown"  # the question a submit button belonged to, carried in its data for the read-only copy
SORRY = Text(
    "Sorry — something went wrong on our side and that wasn't saved. Please try again in a minute.",
    Tone.WARNING,
)
WELCOME = (
    "Hello, I'm Tipline. If someone has approached you in a way that felt off — a recruiter or "
    'headhunter you don\'t know, an offer of well-paid "insight" or consultancy work, an invitation '
    "to a trip or event with everything paid, an offer of money, gifts or crypto, or questions about "
    "your work that go further than they should — tell me here and I'll pass it to the security "
    "team.\n\nBeing approached is not your fault, and reporting it protects you. No detail is too "
    "small: the security team puts small pieces together. I'll also tell you straight away what to "
    'do (and what not to do) in the meantime.\n\nType "report" or press the button to start, or '
    '"my reports" to see what you\'ve sent.'
)


class PersonalChat:
    def __init__(
        self,
        service: ReportingService,
        unit_of_work: UnitOfWorkFactory,
        clock: Callable[[], datetime],
        downloads: TeamsEvidenceDownloads | None = None,
    ) -> None:
        self._service = service
        self._uow = unit_of_work
        self._clock = clock
        self._downloads = downloads  # EVIDENCE_DOWNLOAD=on: keep a private copy of shared files
        # The address last stored for each reporter by this process: most messages come from
        # where the last one did, and then need no write (SQLite has one writer at a time).
        # Kept an hour only: with several replicas, another may have stored a newer one meanwhile.
        self._stored: dict[str, tuple[dict[str, Any], float]] = {}

    async def turn(self, context: Conversation, found: Inbound, body: Mapping[str, Any]) -> None:
        await self._remember(context, found)
        if found.installed:
            if await self._first_time(found.dedupe_id):
                await self._say(context, self.welcome())
            return
        if not found.files and found.action is None:
            return
        try:
            files = list(found.files)
            if files and self._downloads is not None:
                files = await self._downloads.keep(files, body)
            reply = await receive(
                self._service, found.key, found.reporter, found.action, files, SOURCE, found.dedupe_id
            )
        except Exception as exc:
            log.error("a Teams reporter's turn failed: %s", type(exc).__name__)
            await self._say(context, [SORRY])
            return
        if reply.duplicate:
            return
        if found.reply_to_id:
            await self._settle_card(context, found, body, reply)
        await self._say(context, reply.messages)

    def welcome(self) -> list[Message]:
        button = self._service.engine.flow.text("idle_button")
        return [
            Text(WELCOME),
            Question(
                IDLE_TOKEN, "idle", "Would you like to report something now?", (Choice("report", button),)
            ),
        ]

    async def _remember(self, context: Conversation, found: Inbound) -> None:
        """Store where to reach this person first; a failure here must not cost them their turn."""
        # Not which message it came from (the transport leaves it out): a message sent first is no
        # reply to anything.
        reference = context.reference()
        key = key_for(found.reporter)
        known = self._stored.get(key)
        if known is not None and known[0] == reference and time.monotonic() - known[1] < REMEMBER_FOR:
            return
        try:
            async with self._uow() as uow:
                if await uow.addresses.get(PLATFORM, key) != reference:
                    await uow.addresses.put(PLATFORM, key, reference, self._clock())
                    await uow.commit()
            if len(self._stored) >= MAX_REMEMBERED:
                self._stored.clear()
            self._stored[key] = (reference, time.monotonic())
        except Exception as exc:
            log.warning("could not store a Teams reporter's address: %s", type(exc).__name__)

    async def _first_time(self, dedupe_id: str) -> bool:
        async with self._uow() as uow:
            first = await uow.events.record(SOURCE, dedupe_id, self._clock())
            await uow.commit()
        return first

    async def _settle_card(
        self, context: Conversation, found: Inbound, body: Mapping[str, Any], reply: Reply
    ) -> None:
        """The submitted card becomes read-only once its answer is used (or is no longer current)."""
        token = getattr(found.action, "token", None)
        if token is not None and reply.asks_again(token):
            return  # the answer couldn't be used: leave the card so they can correct it
        value = body.get("value")
        shown = str(value.get(SHOWN) or "") if isinstance(value, Mapping) else ""
        chosen = "Not used: this question had already moved on" if reply.moved_on else found.chosen or "Sent"
        original = cards.render(Text(shown))[0] if shown else {"type": "message", "attachments": []}
        assert found.reply_to_id is not None
        try:
            await replace(context, found.reply_to_id, cards.answered(original, chosen))
        except Exception as exc:
            log.warning("could not make an answered Teams card read-only: %s", type(exc).__name__)

    async def _say(self, context: Conversation, messages: Sequence[Message]) -> None:
        try:
            await send_all(context, render_with_prompts(messages))
        except Exception as exc:
            log.error("could not send a reply in Teams: %s", type(exc).__name__)


def render_with_prompts(messages: Sequence[Message]) -> list[dict[str, Any]]:
    """The activities for `messages`; each submit button also carries its question's words,
    so that the answered card can be shown read-only without keeping a copy of it."""
    rendered: list[dict[str, Any]] = []
    for message in messages:
        prompt = _prompt(message)
        for activity in cards.render(message):
            if prompt:
                _stamp(activity, prompt)
            rendered.append(activity)
    return rendered


def _prompt(message: Message) -> str | None:
    if isinstance(message, (Question, TextQuestion)):
        return plain(message.text, 300)
    if isinstance(message, SummaryCard):
        return plain(message.title, 300)
    return None


def _stamp(node: Any, prompt: str) -> None:
    if isinstance(node, dict):
        data = node.get("data")
        if node.get("type") == "Action.Submit" and isinstance(data, dict) and "tipline" in data:
            data[SHOWN] = prompt
        for value in node.values():
            _stamp(value, prompt)
    elif isinstance(node, list):
        for item in node:
            _stamp(item, prompt)
