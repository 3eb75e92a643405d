"""Choosing the chat channel that is the security inbox, and the small records a channel keeps.

A security-team member says "use this channel as the security inbox"; the platform's adapter
works out the channel's address and hands it here. The address is stored, the choice audited,
and the deliveries that waited for a channel (pending, or dead for the want of one) are due
again at once, all in one transaction. The adapter never opens the unit of work itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.actors import Actor
from bot.ports import AuditEvent, OutboxStatus, UnitOfWorkFactory
from bot.triage import REFUSAL, NotAllowed, TriageService


@dataclass(frozen=True)
class ChannelChoice:
    done: bool
    text: str = ""  # the refusal, when not done
    previous: dict[str, Any] | None = None  # the address that was the inbox before


@dataclass
class InboxChannelService:
    unit_of_work: UnitOfWorkFactory
    clock: Callable[[], datetime]
    triage: TriageService

    async def choose(
        self,
        actor: Actor,
        *,
        platform: str,
        key: str,
        address: dict[str, Any],
        destination: str,
        audited_as: str,
        detail: dict[str, Any],
    ) -> ChannelChoice:
        """Make `address` the inbox for `destination`; an outsider is refused (and audited)."""
        try:
            await self.triage.check_member(actor, audited_as)
        except NotAllowed:
            return ChannelChoice(done=False, text=REFUSAL)
        now = self.clock()
        async with self.unit_of_work() as uow:
            before = await uow.addresses.get(platform, key)
            await uow.addresses.put(platform, key, address, now)
            await uow.audit.add(AuditEvent(now, actor.id, actor.platform, audited_as, detail=detail))
            for status in (OutboxStatus.PENDING, OutboxStatus.DEAD):  # they waited for a channel: send now
                for entry in await uow.outbox.list(status):
                    if entry.destination == destination and entry.id is not None:
                        await uow.outbox.requeue(entry.id, now)
            await uow.commit()
        return ChannelChoice(done=True, previous=before)

    async def may(self, actor: Actor, audited_as: str) -> bool:
        """Whether `actor` may choose the inbox (an outsider's attempt is audited)."""
        try:
            await self.triage.check_member(actor, audited_as)
        except NotAllowed:
            return False
        return True

    async def first_time(self, source: str, event_id: str) -> bool:
        """True the first time an activity is seen, however often the platform delivers it."""
        async with self.unit_of_work() as uow:
            first = await uow.events.record(source, event_id, self.clock())
            await uow.commit()
        return first

    async def remember(self, platform: str, key: str, record: dict[str, Any]) -> None:
        """Keep a small record (a member's display name) unless it is already the one kept."""
        async with self.unit_of_work() as uow:
            if await uow.addresses.get(platform, key) != record:
                await uow.addresses.put(platform, key, record, self.clock())
                await uow.commit()
