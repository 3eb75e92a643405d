"""Bringing the security team's messages to the reporter, on the platform they reported from.

Messages to a reporter (an acknowledgement, a question, the outcome) are stored on the
report's thread and, in the same transaction, queued in the outbox for the "reporter"
destination, so a push is retried like any other delivery. Chat platforms that can message
a person first (Slack, Teams) register a ReporterChannel; on the console nothing is pushed
and the reporter sees the news the next time they open the chat.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Protocol, runtime_checkable

from bot.messages import Message
from bot.outbox import REPORTER_DESTINATION, REPORTER_EVENT, queue_for_reporter
from bot.ports import OutboxEntry
from bot.report import Reporter

EVENT = REPORTER_EVENT


class ReporterChannel(Protocol):
    async def send(self, reporter: Reporter, messages: Sequence[Message]) -> None:
        """Show these messages to the reporter (a direct message); raise to have it retried."""
        ...


@runtime_checkable
class AddressedChannel(Protocol):
    """A channel that must first look up where the reporter can be reached (a stored Teams
    conversation reference). The look-up is its own read, made before the push's transaction
    opens: inside it, a second transaction would wait for the first's write lock (SQLite)."""

    async def addressed(self, reporter: Reporter) -> ReporterChannel:
        """The channel bound to this reporter's address; raise to have the push retried."""
        ...


# queue_for_reporter is bot.outbox's (the one outbox writer), still importable from here.
__all__ = [
    "EVENT",
    "REPORTER_DESTINATION",
    "AddressedChannel",
    "ReporterChannel",
    "ReporterInbox",
    "queue_for_reporter",
]


class ReporterInbox:
    """The outbox destination that pushes news to reporters through their platform's channel."""

    name = REPORTER_DESTINATION

    def __init__(
        self,
        push: Callable[[Reporter, ReporterChannel], Awaitable[None]],
        channels: Mapping[str, ReporterChannel],
    ) -> None:
        self._push = push
        self._channels = dict(channels)

    def register(self, platform: str, channel: ReporterChannel) -> None:
        self._channels[platform] = channel

    async def deliver(self, entry: OutboxEntry) -> None:
        reporter = Reporter.model_validate(entry.payload["reporter"])
        channel = self._channels.get(reporter.platform)
        if channel is None:
            return  # a platform without push (the console): the news waits for the next visit
        if isinstance(channel, AddressedChannel):
            channel = await channel.addressed(reporter)
        await self._push(reporter, channel)
