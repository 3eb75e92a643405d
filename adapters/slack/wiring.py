"""The Slack parts, built for the composition root (app.py), as adapters/teams/wiring.py builds
Teams': the security channel as a destination, the chat app with its listeners, and how news
reaches a reporter's DM."""

from __future__ import annotations

from dataclasses import dataclass

from slack_bolt.async_app import AsyncApp

from adapters.evidence_files import EvidenceSealer
from adapters.slack.app import SlackChat, build_slack_chat
from adapters.slack.campaign_listeners import register_campaign_listeners
from adapters.slack.inbox.channel_inbox import SlackChannelInbox, inbox_client
from adapters.slack.reporter_channel import SlackReporterChannel
from adapters.slack.settings import SlackSettings
from adapters.slack.triage_listeners import ClosingTemplates, register_triage_listeners
from adapters.slack.watchlist_listeners import register_watchlist_listeners
from bot.campaigns.service import CampaignService
from bot.ports import UnitOfWorkFactory
from bot.service import ReportingService
from bot.sharing.settings import SharingSettings
from bot.triage import TriageService
from bot.watchlist.service import WatchlistService

INBOX_DESTINATION = "slack-channel"

__all__ = ["INBOX_DESTINATION", "SlackWiring"]


@dataclass(frozen=True)
class SlackWiring:
    settings: SlackSettings

    def inbox(self, unit_of_work: UnitOfWorkFactory) -> SlackChannelInbox | None:
        """The security channel (SLACK_SECURITY_CHANNEL), or None where there is none."""
        settings = self.settings
        if not settings.security_channel:
            return None
        client = inbox_client(settings.bot_token, settings.api_url)
        return SlackChannelInbox(INBOX_DESTINATION, client, settings.security_channel, unit_of_work)

    def chat(
        self,
        service: ReportingService,
        triage: TriageService,
        templates: ClosingTemplates,
        watchlist: WatchlistService,
        sharing: SharingSettings,
        evidence: EvidenceSealer | None,
        campaigns: CampaignService | None = None,
    ) -> SlackChat:
        """The app: the reporter's listeners, then the security team's (card buttons, modals,
        the watchlist form)."""

        def security_team(app: AsyncApp) -> None:
            register_triage_listeners(app, triage, templates, self.settings, sharing)
            register_watchlist_listeners(app, watchlist)
            if campaigns is not None:  # the campaign card's buttons
                register_campaign_listeners(app, campaigns, triage, sharing)

        return build_slack_chat(self.settings, service, register_extra=security_team, evidence=evidence)

    @staticmethod
    def reporter_channel(chat: SlackChat) -> SlackReporterChannel:
        return SlackReporterChannel(chat.client)
