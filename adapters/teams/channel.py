"""Tipline in a Teams team: choosing the security inbox channel, and triage from its cards.

  "@Tipline use this channel as the security inbox"   a security-team member says it in the
                                                      channel; its address is stored, and
                                                      reports waiting for it are sent now
  "@Tipline add to the watchlist"                    a security-team member gets the form to
                                                      add what a published alert names; its
                                                      submit adds the entry (the watchlist
                                                      service audits it and hunts back)
  a triage card's Acknowledge / Assign to me / Ask / Note / Close / Reopen
                                                      the triage service acts; the card and its
                                                      reply chain are updated by the delivery
                                                      worker (TeamsChannelInbox), like every
                                                      other destination

Only the security team may do any of it: the triage service checks every action and audits a
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

from adapters.teams.addresses import INBOX_KEY, PLATFORM, InboxChannel, name_key
from adapters.teams.campaign_cards import CampaignSubmit, campaign_submit
from adapters.teams.file_consent import FileShares
from adapters.teams.inbound import Inbound
from adapters.teams.inbox_cards import TriageSubmit, refusal_activity, result_activity, triage_submit
from adapters.teams.retry import with_retries
from adapters.teams.sending import post_in_channel, send_all
from adapters.teams.transport import Conversation, Transport
from adapters.teams.watchlist_form import add_form_activity, is_watchlist_request, watchlist_submit
from bot.actors import Actor
from bot.campaigns.card import CampaignAction
from bot.campaigns.service import CampaignError, CampaignService
from bot.inbox.channel_choice import InboxChannelService
from bot.ports import UnitOfWorkFactory
from bot.triage import (
    REFUSAL,
    Acknowledge,
    Ask,
    Assign,
    Close,
    NotAllowed,
    Note,
    Reopen,
    TriageCommand,
    TriageService,
)
from bot.triage.actions import TriageAction
from bot.watchlist.form import FormErrors, added_text, read_form
from bot.watchlist.service import WatchlistError, WatchlistService
from flows.actions import TextAnswer

log = logging.getLogger("tipline.teams")

SOURCE: Final = "teams-channel"
INBOX_DESTINATION: Final = "teams-channel"
INBOX_CHOSEN: Final = "teams.inbox_chosen"
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
WATCHLIST_ELSEWHERE: Final = (
    "Please add watchlist entries in the security inbox channel, so that what an alert names stays "
    "with the security team. Nothing was added here."
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
        transport: Transport,
        inbox: bool = True,
        watchlist: WatchlistService | None = None,
        shares: FileShares | None = None,
        campaigns: CampaignService | None = None,
    ) -> None:
        self._campaigns = campaigns  # Confirm and Dismiss on a campaign's card
        self._triage = triage
        self._watchlist = watchlist
        self._shares = shares  # Share as STIX: a file consent in the analyst's private chat
        self._channels = InboxChannelService(unit_of_work, clock, triage)
        self._uow = unit_of_work
        self._inbox = inbox  # TEAMS_INBOX: off when the security team reads reports elsewhere
        self._transport = transport  # to post in the old inbox channel when it moves

    async def turn(self, context: Conversation, found: Inbound, body: Mapping[str, Any]) -> None:
        value = body.get("value")
        submit = triage_submit(value) if isinstance(value, Mapping) else None
        typed = watchlist_submit(value) if isinstance(value, Mapping) else None
        campaign = campaign_submit(value)
        if (
            campaign is None
            and submit is None
            and typed is None
            and not found.mentions_bot
            and not found.installed
        ):
            return  # talk in the channel that isn't for us
        if not await self._channels.first_time(SOURCE, found.dedupe_id):
            return
        actor = Actor(PLATFORM, found.reporter.user_id, found.reporter.display_name)
        text = found.action.text if isinstance(found.action, TextAnswer) else ""
        if campaign is not None:
            await self._campaign(context, actor, found, campaign)
        elif submit is not None and submit.action is TriageAction.SHARE_STIX and self._shares is not None:
            await self._say(context, await self._shares.offer(actor, found.reporter, submit.reference))
        elif submit is not None:
            await self._act(context, actor, submit)
        elif typed is not None or (self._watchlist is not None and is_watchlist_request(text)):
            await self._keep_watchlist(context, actor, typed, body)
        elif found.installed:
            await self._say(context, CHANNEL_HELP)
        elif is_inbox_request(text):
            await self._choose_inbox(context, actor, body)
        else:
            await self._say(context, CHANNEL_HELP)

    # ---- the inbox channel -------------------------------------------------------------------

    async def _choose_inbox(self, context: Conversation, actor: Actor, body: Mapping[str, Any]) -> None:
        if not await self._channels.may(actor, INBOX_CHOSEN):
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
        choice = await self._channels.choose(
            actor,
            platform=PLATFORM,
            key=INBOX_KEY,
            address=channel.to_json(),
            destination=INBOX_DESTINATION,
            audited_as=INBOX_CHOSEN,
            detail={"channel": channel.channel_id},
        )
        if not choice.done:
            await self._say(context, choice.text)
            return
        log.info("teams: %s chose the security inbox channel", actor.id)
        await self._say(context, INBOX_SET)
        previous = InboxChannel.from_json(choice.previous) if choice.previous else None
        if previous is not None and previous.channel_id != channel.channel_id:
            await self._tell_old_channel(context, previous, actor)

    async def _tell_old_channel(self, context: Conversation, old: InboxChannel, actor: Actor) -> None:
        """The channel that was the inbox hears that it no longer is, and who moved it."""
        notice = INBOX_MOVED.format(who=actor.name)
        try:
            await with_retries(
                lambda: post_in_channel(self._transport, old, result_activity(notice)),
                "the notice in the old inbox channel",
            )
        except Exception as exc:
            log.warning("teams: could not tell the old inbox channel: %s", type(exc).__name__)

    # ---- triage from a card ------------------------------------------------------------------

    async def _act(self, context: Conversation, actor: Actor, submit: TriageSubmit) -> None:
        if actor.display_name and self._triage.team.allows(actor.platform, actor.user_id):
            # The name Teams gives this member, for the inbox's "Acknowledged by …" lines.
            await self._channels.remember(PLATFORM, name_key(actor.id), {"name": actor.display_name})
        result = await self._triage.apply(command(submit), actor)
        if not result.done:
            await self._say(context, result.text)

    # ---- a campaign's card ---------------------------------------------------------------------

    async def _campaign(
        self, context: Conversation, actor: Actor, found: Inbound, submit: CampaignSubmit
    ) -> None:
        """Share as STIX goes to the analyst's private chat; Confirm and Dismiss are decisions
        (audited; the card follows through the outbox). Outsiders are refused, and audited."""
        if submit.action is CampaignAction.SHARE_STIX:
            if self._shares is not None:
                await self._say(
                    context, await self._shares.offer_campaign(actor, found.reporter, submit.campaign_id)
                )
            return
        if self._campaigns is None:
            return
        decide = (
            self._campaigns.confirm if submit.action is CampaignAction.CONFIRM else self._campaigns.dismiss
        )
        try:
            await decide(submit.campaign_id, actor)
        except NotAllowed:
            await self._say(context, REFUSAL)
        except CampaignError as exc:
            await self._say(context, str(exc))

    # ---- the watchlist ------------------------------------------------------------------------

    async def _keep_watchlist(
        self, context: Conversation, actor: Actor, typed: dict[str, str] | None, body: Mapping[str, Any]
    ) -> None:
        """The form for a member asking for it; a submitted form added, or sent back marked. Only in
        the security inbox channel: the form and its answers repeat what an alert names."""
        if self._watchlist is None:
            return
        try:
            await self._watchlist.check_member(actor, "watchlist.add")
            if not await self._in_the_inbox(body, actor):
                await self._say(context, WATCHLIST_ELSEWHERE)
                return
            if typed is None:
                await self._send(context, add_form_activity())
                return
            content = read_form(typed)
            added = await self._watchlist.add([content], actor, how="teams")
        except NotAllowed:
            await self._say(context, REFUSAL)
        except FormErrors as exc:
            await self._send(context, add_form_activity(typed, exc.errors))
        except WatchlistError as exc:
            await self._say(context, str(exc))
        else:
            await self._say(context, added_text(content.label, added))

    async def _in_the_inbox(self, body: Mapping[str, Any], actor: Actor) -> bool:
        here = inbox_channel(body, actor)
        async with self._uow() as uow:
            inbox = await uow.addresses.get(PLATFORM, INBOX_KEY)
        return here is not None and inbox is not None and inbox.get("channel_id") == here.channel_id

    async def _send(self, context: Conversation, activity: dict[str, Any]) -> None:
        try:
            await send_all(context, [activity])
        except Exception as exc:
            log.warning("teams: could not answer in the channel: %s", type(exc).__name__)

    async def _say(self, context: Conversation, text: str) -> None:
        payload = refusal_activity(text) if text == REFUSAL else result_activity(text)
        try:
            await send_all(context, [payload])
        except Exception as exc:
            log.warning("teams: could not answer in the channel: %s", type(exc).__name__)


def command(submit: TriageSubmit) -> TriageCommand:
    """The triage command a card's submit asks for."""
    ref = submit.reference
    commands: dict[TriageAction, Callable[[], TriageCommand]] = {
        TriageAction.ACKNOWLEDGE: lambda: Acknowledge(ref),
        TriageAction.ASSIGN_TO_ME: lambda: Assign(ref),
        TriageAction.ASK: lambda: Ask(ref, submit.text, signed=submit.sign),
        TriageAction.NOTE: lambda: Note(ref, submit.text),
        TriageAction.CLOSE: lambda: Close(ref, submit.outcome, submit.message),
        TriageAction.REOPEN: lambda: Reopen(ref),
    }
    return commands[submit.action]()


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
