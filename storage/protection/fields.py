"""The sealed columns, and what binds each value to its row (the associated data).

The row's binding is what the row is known by on both the way in and the way out, so a
repository can compute it before the row has an id: a report's reference, a conversation's
key, a delivery's idempotency key. A message is bound to its report, an audit entry to its
report and action; a campaign's title, which is only ever given to a campaign that exists,
to its id.
"""

from __future__ import annotations

from dataclasses import dataclass

CONVERSATION_STATE = "conversations.state"
REPORT_DOCUMENT = "reports.document"
MESSAGE_BODY = "report_messages.body"
OUTBOX_PAYLOAD = "outbox.payload"
AUDIT_DETAIL = "audit_events.detail"
WATCHLIST_CONTENT = "watchlist_entries.content"
WATCHLIST_SOURCE = "watchlist_entries.source"
CAMPAIGN_TITLE = "campaigns.title"  # a title the security team typed (NULL: none given)
INSTANCE_SECRET = "instance_secrets.value"  # noqa: S105 - a column, e.g. the pseudonym key


def audit_row(report_reference: str | None, action: str) -> str:
    return f"{report_reference or ''}|{action}"


@dataclass(frozen=True)
class SealedColumn:
    field: str  # "table.column"
    primary_key: str
    binding: tuple[str, ...]  # the columns the row's binding is made of, joined by "|"

    @property
    def table(self) -> str:
        return self.field.split(".")[0]

    @property
    def column(self) -> str:
        return self.field.split(".")[1]


SEALED_COLUMNS = (
    SealedColumn(CONVERSATION_STATE, "key", ("key",)),
    SealedColumn(REPORT_DOCUMENT, "id", ("reference",)),
    SealedColumn(MESSAGE_BODY, "id", ("report_reference",)),
    SealedColumn(OUTBOX_PAYLOAD, "id", ("idempotency_key",)),
    SealedColumn(AUDIT_DETAIL, "id", ("report_reference", "action")),
    SealedColumn(WATCHLIST_CONTENT, "id", ("fingerprint",)),
    SealedColumn(WATCHLIST_SOURCE, "id", ("fingerprint",)),
    SealedColumn(CAMPAIGN_TITLE, "id", ("id",)),
    SealedColumn(INSTANCE_SECRET, "name", ("name",)),
)

# Sealed columns whose plaintext is text rather than JSON.
TEXT_FIELDS = frozenset({MESSAGE_BODY, WATCHLIST_SOURCE, CAMPAIGN_TITLE, INSTANCE_SECRET})
