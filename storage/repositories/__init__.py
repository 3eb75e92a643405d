"""SQL implementations of the repository protocols in bot.ports."""

from storage.repositories.addresses import SqlChatAddressRepository
from storage.repositories.audit import SqlAuditRepository
from storage.repositories.campaigns import SqlCampaignRepository
from storage.repositories.conversations import SqlConversationRepository
from storage.repositories.deadlines import SqlDeadlineRepository
from storage.repositories.events import SqlProcessedEventRepository
from storage.repositories.messages import SqlReportMessageRepository
from storage.repositories.outbox import SqlOutboxRepository
from storage.repositories.reports import SqlReportRepository
from storage.repositories.retention import SqlRetentionRepository
from storage.repositories.statistics import SqlStatisticsReads
from storage.repositories.threads import SqlDestinationThreadRepository
from storage.repositories.watchlist import SqlWatchlistRepository

__all__ = [
    "SqlAuditRepository",
    "SqlCampaignRepository",
    "SqlChatAddressRepository",
    "SqlConversationRepository",
    "SqlDeadlineRepository",
    "SqlDestinationThreadRepository",
    "SqlOutboxRepository",
    "SqlProcessedEventRepository",
    "SqlReportMessageRepository",
    "SqlReportRepository",
    "SqlRetentionRepository",
    "SqlStatisticsReads",
    "SqlWatchlistRepository",
]
