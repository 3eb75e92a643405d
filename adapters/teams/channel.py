"""Tipline in a Teams team: choosing the security inbox channel, and triage from its cards.

  "@Tipline use this channel as the security inbox"   a security-team member says it in the
                                                      channel; its address is stored, and
                                                      reports waiting for it are sent now
  a triage card's Acknowledge / Assign to me / Ask / Note / Close / Reopen
                                                      the triage service acts; the card and its
                                                      reply chain are updated by the delivery
                                                      worker (TeamsChannelInbox), like every
                                                      other destination

Only the security team may do either: the triage service checks every action and audits a
refusal, and the refusal is said in the card's reply chain (Teams has no "only you can see
this" message in a channel). Each activity is handled once, however often it is delivered.
Logs carry references and ids, never what anyone wrote.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Final

from botbuilder.core import TurnContext

from adapters.teams.addresses import INBOX_KEY, PLATFORM, InboxChannel, name_key
from adapters.teams.inbound import Inbound
from adapters.teams.inbox_cards import TriageSubmit, refusal_activity, result_activity, triage_submit
from adapters.teams.retry import with_retries
from adapters.teams.sending import post_in_channel, send_all
from bot.actors import Actor
from bot.ports import AuditEvent, OutboxStatus, UnitOfWorkFactory
from bot.triage import NotAllowed, TriageError, TriageService
from flows.actions import TextAnswer

log = logging.getLogger("tipline.teams")

SOURCE: Final = "teams-channel"
INBOX_DESTINATION: Final = "teams-channel"
INBOX_CHOSEN: Final = "teams.inbox_chosen"
REFUSAL: Final = (
    "Only the security team can act on reports, so nothing was changed. The attempt has been "
    "recorded. If you think you should be on the team, ask its lead."
)
_FAILED: Final = "Something went wrong and nothing was changed. Please try again in a moment."
INBOX_SET: Final = (
    "This channel is now the security inbox. Each new report will be posted here as a card with its "
    "details and the triage buttons; questions, answers, notes and reminders go in the card's replies."
)
INBOX_MOVED: Final = (
    "This channel is no longer the security inbox: {who} has chosen another channel for it. New "
    "reports, and the next news of the reports here, will appear there."
)
INBOX_OFF: Final = (
    "Reports aren't posted in Teams here: this Tipline sends them to the security team's other "
    "inbox (TEAMS_INBOX is off). Ask whoever runs Tipline to turn it on if you want them here."
)
CHANNEL_HELP: Final = (
    "I post reports of suspicious approaches for the security team. A member of the security team "
    'can say "@Tipline use this channel as the security inbox" to have them posted here. '
    "To report something yourself, message me privately (find Tipline under Apps, or click my name)."
)
_INBOX_REQUEST = re.compile(r"\b(use|make|set)\b.*\bsecurity\s+inbox\b", re.IGNORECASE | re.DOTALL)


def is_inbox_request(text: str) -> bool:
    return bool(_INBOX_REQUEST.search(text))


class TeamChannel:
    def __init__(
        self,
        triage: TriageService,
        unit_of_work: UnitOfWorkFactory,
        clock: Callable[[], datetime],
        *,
        inbox: bool = True,
        app_id: str | None = None,
    ) -> None:
        self._triage = triage
        self._uow = unit_of_work
        self._clock = clock
        self._inbox = inbox  # TEAMS_INBOX: off when the security team reads reports elsewhere
        self._app_id = app_id or ""

    async def turn(self, context: TurnContext, found: Inbound, body: Mapping[str, Any]) -> None:
        value = body.get("value")
        submit = triage_submit(value) if isinstance(value, Mapping) else None
        if submit is None and not found.mentions_bot and not found.installed:
            return  # talk in the channel that isn't for us
        if not await self._first_time(found.dedupe_id):
            return
        actor = Actor(PLATFORM, found.reporter.user_id, found.reporter.display_name)
        if submit is not None:
            await self._act(context, actor, submit)
        elif found.installed:
            await self._say(context, CHANNEL_HELP)
        elif isinstance(found.action, TextAnswer) and is_inbox_request(found.action.text):
            await self._choose_inbox(context, actor, body)
        else:
            await self._say(context, CHANNEL_HELP)

    async def _first_time(self, activity_id: str) -> bool:
        async with self._uow() as uow:
            first = await uow.events.record(SOURCE, activity_id, self._clock())
            await uow.commit()
        return first

    # ---- the inbox channel -------------------------------------------------------------------

    async def _choose_inbox(self, context: TurnContext, actor: Actor, body: Mapping[str, Any]) -> None:
        try:
            await self._triage.check_member(actor, INBOX_CHOSEN)
        except NotAllowed:
            await self._say(context, REFUSAL)
            return
        if not self._inbox:
            await self._say(context, INBOX_OFF)
            return
        channel = inbox_channel(body, actor)
        if channel is None:
            await self._say(
                context, "I couldn't tell which channel this is; please try again in the channel."
            )
            return
        now = self._clock()
        async with self._uow() as uow:
            before = await uow.addresses.get(PLATFORM, INBOX_KEY)
            await uow.addresses.put(PLATFORM, INBOX_KEY, channel.to_json(), now)
            await uow.audit.add(
                AuditEvent(now, actor.id, PLATFORM, INBOX_CHOSEN, detail={"channel": channel.channel_id})
            )
            for status in (OutboxStatus.PENDING, OutboxStatus.DEAD):  # they waited for a channel: send now
                for entry in await uow.outbox.list(status):
                    if entry.destination == INBOX_DESTINATION and entry.id is not None:
                        await uow.outbox.requeue(entry.id, now)
            await uow.commit()
        log.info("teams: %s chose the security inbox channel", actor.id)
        await self._say(context, INBOX_SET)
        previous = InboxChannel.from_json(before) if before else None
        if previous is not None and previous.channel_id != channel.channel_id:
            await self._tell_old_channel(context, previous, actor)

    async def _tell_old_channel(self, context: TurnContext, old: InboxChannel, actor: Actor) -> None:
        """The channel that was the inbox hears that it no longer is, and who moved it."""
        notice = INBOX_MOVED.format(who=actor.name)
        try:
            await with_retries(
                lambda: post_in_channel(context.adapter, self._app_id, old, result_activity(notice)),
                "the notice in the old inbox channel",
            )
        except Exception as exc:
            log.warning("teams: could not tell the old inbox channel: %s", type(exc).__name__)

    # ---- triage from a card ------------------------------------------------------------------

    async def _act(self, context: TurnContext, actor: Actor, submit: TriageSubmit) -> None:
        triage, ref = self._triage, submit.reference
        if actor.display_name and self._triage.team.allows(actor.platform, actor.user_id):
            await self._remember_name(actor)
        try:
            if submit.action == "ack":
                await triage.acknowledge(ref, actor)
            elif submit.action == "assign":
                await triage.assign(ref, actor.name, actor)
            elif submit.action == "ask":
                sign_as = actor.name if submit.sign else None
                await triage.ask(ref, submit.text, actor, sign_as=sign_as)
            elif submit.action == "note":
                await triage.note(ref, submit.text, actor)
            elif submit.action == "close":
                if submit.outcome is None:
                    await self._say(context, "Choose an outcome, then press Close report again.")
                    return
                await triage.close(ref, submit.outcome, actor, message=submit.message.strip() or None)
            elif submit.action == "reopen":
                await triage.reopen(ref, actor)
        except NotAllowed:
            await self._say(context, REFUSAL)
        except TriageError as exc:
            await self._say(context, str(exc))
        except Exception as exc:
            log.error("teams triage: %s on %s failed: %s", submit.action, ref, type(exc).__name__)
            await self._say(context, _FAILED)

    async def _remember_name(self, actor: Actor) -> None:
        """The name Teams gives this member, for the inbox's "Acknowledged by …" lines."""
        async with self._uow() as uow:
            known = await uow.addresses.get(PLATFORM, name_key(actor.id))
            if known != {"name": actor.display_name}:
                await uow.addresses.put(
                    PLATFORM, name_key(actor.id), {"name": actor.display_name}, self._clock()
                )
                await uow.commit()

    async def _say(self, context: TurnContext, text: str) -> None:
        payload = refusal_activity(text) if text == REFUSAL else result_activity(text)
        try:
            await send_all(context, [payload])
        except Exception as exc:
            log.warning("teams: could not answer in the channel: %s", type(exc).__name__)


def inbox_channel(activity: Mapping[str, Any], actor: Actor) -> InboxChannel | None:
    """The channel a message was posted in, from its channelData (or its conversation id)."""
    data = activity.get("channelData") or {}
    channel = (data.get("channel") or {}).get("id") or data.get("teamsChannelId")
    conversation = str((activity.get("conversation") or {}).get("id") or "")
    channel_id = str(channel or conversation.split(";", 1)[0])
    service_url = activity.get("serviceUrl")
    bot = activity.get("recipient") or {}
    if not channel_id.startswith("19:") or not service_url or not bot.get("id"):
        return None
    team = (data.get("team") or {}).get("id") or data.get("teamsTeamId")
    tenant = (data.get("tenant") or {}).get("id") or (activity.get("conversation") or {}).get("tenantId")
    return InboxChannel(
        service_url=str(service_url),
        channel_id=channel_id,
        team_id=str(team) if team else None,
        tenant_id=str(tenant) if tenant else None,
        bot_id=str(bot["id"]),
        bot_name=str(bot.get("name")) if bot.get("name") else None,
        chosen_by=actor.id,
    )
