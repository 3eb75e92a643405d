"""The Teams parts, built for the composition root (app.py), which imports no botbuilder."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from botbuilder.integration.aiohttp import CloudAdapter
from botframework.connector.auth import BotFrameworkAuthentication

from adapters.evidence_files import EvidenceSealer
from adapters.teams.bot import TeamsBot
from adapters.teams.channel import INBOX_DESTINATION, TeamChannel
from adapters.teams.channel_inbox import TeamsChannelInbox
from adapters.teams.endpoint import InvokeAnswer, MessagesEndpoint, authentication, cloud_adapter
from adapters.teams.evidence import TeamsEvidenceDownloads
from adapters.teams.file_consent import FileShares
from adapters.teams.message_extension import MessageExtension
from adapters.teams.personal import PersonalChat
from adapters.teams.reporter_channel import TeamsReporterChannel
from adapters.teams.settings import TeamsSettings
from bot.campaigns.service import CampaignService
from bot.ports import UnitOfWorkFactory
from bot.service import ReportingService
from bot.sharing.settings import SharingSettings
from bot.triage import TriageService
from bot.watchlist.service import WatchlistService

__all__ = ["INBOX_DESTINATION", "TeamsTransport", "teams_transport"]


@dataclass(frozen=True)
class TeamsTransport:
    """The Bot Framework connection: the checks on what comes in, the client for what goes out."""

    settings: TeamsSettings
    auth: BotFrameworkAuthentication
    adapter: CloudAdapter

    def inbox(self, name: str, unit_of_work: UnitOfWorkFactory) -> TeamsChannelInbox:
        return TeamsChannelInbox(name, self.adapter, self.settings.app_id, unit_of_work)

    def reporter_channel(self, unit_of_work: UnitOfWorkFactory) -> TeamsReporterChannel:
        return TeamsReporterChannel(self.adapter, self.settings.app_id, unit_of_work)

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
        shares = FileShares(
            triage, sharing or SharingSettings(), unit_of_work, self.adapter, self.settings.app_id, campaigns
        )
        channel = TeamChannel(
            triage,
            unit_of_work,
            clock,
            inbox=self.settings.inbox,
            app_id=self.settings.app_id,
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
        extension = MessageExtension(service, unit_of_work, clock, self.adapter, settings.app_id)

        async def invoked(body: Mapping[str, Any]) -> InvokeAnswer | None:
            return await extension.invoke(body) or await shares.invoke(body)

        return MessagesEndpoint(self.auth, self.adapter, bot.on_turn, invoked)


def teams_transport(settings: TeamsSettings, credentials: Any = None) -> TeamsTransport:
    """`credentials`: a botframework ServiceClientCredentialsFactory for the bot's own token
    (default: Microsoft Entra with MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD)."""
    auth = authentication(settings, credentials)
    return TeamsTransport(settings, auth, cloud_adapter(auth))
