"""The Teams parts, built for the composition root (app.py), which imports no platform SDK: the
transport TEAMS_SDK names (botbuilder or the Microsoft 365 Agents SDK), and everything on it."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from adapters.evidence_files import EvidenceSealer
from adapters.teams.bot import TeamsBot
from adapters.teams.channel import INBOX_DESTINATION, TeamChannel
from adapters.teams.channel_inbox import TeamsChannelInbox
from adapters.teams.endpoint import InvokeAnswer, MessagesEndpoint
from adapters.teams.evidence import TeamsEvidenceDownloads
from adapters.teams.file_consent import FileShares
from adapters.teams.message_extension import MessageExtension
from adapters.teams.personal import PersonalChat
from adapters.teams.reporter_channel import TeamsReporterChannel
from adapters.teams.settings import TeamsSettings
from adapters.teams.transport import AGENTS, Transport
from bot.campaigns.service import CampaignService
from bot.ports import UnitOfWorkFactory
from bot.service import ReportingService
from bot.sharing.settings import SharingSettings
from bot.triage import TriageService
from bot.watchlist.service import WatchlistService

log = logging.getLogger(__name__)

__all__ = ["INBOX_DESTINATION", "TeamsTransport", "teams_transport"]


@dataclass(frozen=True)
class TeamsTransport:
    """The Bot Framework connection (the checks on what comes in, the client for what goes out)
    and the Teams parts built on it."""

    settings: TeamsSettings
    transport: Transport

    def inbox(self, name: str, unit_of_work: UnitOfWorkFactory) -> TeamsChannelInbox:
        return TeamsChannelInbox(name, self.transport, unit_of_work)

    def reporter_channel(self, unit_of_work: UnitOfWorkFactory) -> TeamsReporterChannel:
        return TeamsReporterChannel(self.transport, unit_of_work)

    def endpoint(
        self,
        service: ReportingService,
        triage: TriageService,
        unit_of_work: UnitOfWorkFactory,
        clock: Callable[[], datetime],
        watchlist: WatchlistService | None = None,
        evidence: EvidenceSealer | None = None,
        sharing: SharingSettings | None = None,
        campaigns: CampaignService | None = None,
    ) -> MessagesEndpoint:
        """`evidence` seals the private copies of evidence files (needed when EVIDENCE_DOWNLOAD is on)."""
        shares = FileShares(triage, sharing or SharingSettings(), unit_of_work, self.transport, campaigns)
        channel = TeamChannel(
            triage,
            unit_of_work,
            clock,
            inbox=self.settings.inbox,
            transport=self.transport,
            watchlist=watchlist,
            shares=shares,
            campaigns=campaigns,
        )
        settings = self.settings
        downloads = None
        if settings.evidence_download:
            if evidence is None:
                raise ValueError("EVIDENCE_DOWNLOAD is on but no sealer was given for the files")
            downloads = TeamsEvidenceDownloads(settings.evidence_dir, evidence)
        bot = TeamsBot(PersonalChat(service, unit_of_work, clock, downloads), channel)
        extension = MessageExtension(service, unit_of_work, clock, self.transport, settings.app_id)

        async def invoked(body: Mapping[str, Any]) -> InvokeAnswer | None:
            return await extension.invoke(body) or await shares.invoke(body)

        return MessagesEndpoint(self.transport, bot.on_turn, invoked)


def connection(settings: TeamsSettings, credentials: Any = None) -> Transport:
    """The transport TEAMS_SDK names. `credentials`: how the bot gets its own token, in that
    SDK's terms (botbuilder: a ServiceClientCredentialsFactory; agents: an
    AccessTokenProviderBase); default: Microsoft Entra with MICROSOFT_APP_ID and
    MICROSOFT_APP_PASSWORD. Each SDK is imported only when chosen."""
    if settings.sdk == AGENTS:
        from adapters.teams.transport_agents import AgentsTransport

        log.info("teams: on the Microsoft 365 Agents SDK (TEAMS_SDK=agents)")
        return AgentsTransport(settings, credentials)
    from adapters.teams.transport_botbuilder import BotbuilderTransport

    # Said at every start: an operator reading the log learns the way off an unsupported SDK.
    log.info(
        "teams: on botbuilder (TEAMS_SDK=botbuilder), whose support ended on 31 December 2025; "
        "see docs/teams.md"
    )
    return BotbuilderTransport(settings, credentials)


def teams_transport(settings: TeamsSettings, credentials: Any = None) -> TeamsTransport:
    """The Teams parts on the transport TEAMS_SDK names (see `connection`)."""
    return TeamsTransport(settings, connection(settings, credentials))
