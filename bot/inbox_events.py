"""What the security inbox receives: one envelope for every kind of event.

Every destination (file, email, webhook, and later Slack and Teams channels) gets the
same envelope and renders it in its own way. The full current report travels with every
event so that a reminder or an answer can be read on its own, without looking anything up.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Final, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict

from bot.ports import DeadlineKind, MessageKind
from bot.report import Outcome, Report, Status

EVENT_SCHEMA_VERSION: Final = 1


class EventKind(StrEnum):
    SUBMITTED = "report.submitted"  # a new report
    UPDATED = "report.updated"  # the reporter added detail (a new revision)
    MESSAGE = "report.message"  # a question, answer, note or reporter update on the thread
    STATUS = "report.status"  # acknowledged, assigned, closed, reopened, linked
    REMINDER = "report.reminder"  # a deadline is near, or was missed
    CAMPAIGN = "report.campaign"  # the report joined a campaign (or moved to another)


class ThreadMessage(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: int
    kind: MessageKind
    body: str
    from_label: str  # "Reporter", "Security team", or the analyst's name when they signed
    in_reply_to: int | None = None


class StatusChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    action: Literal["acknowledged", "assigned", "closed", "reopened", "linked"]
    by: str  # actor id of the analyst
    from_status: Status
    to_status: Status
    outcome: Outcome | None = None
    assigned_to: str | None = None
    linked_reference: str | None = None
    link_kind: Literal["duplicate", "related"] | None = None


class Reminder(BaseModel):
    model_config = ConfigDict(extra="forbid")
    deadline: DeadlineKind
    stage: Literal["near", "missed"]
    due_at: AwareDatetime


class CampaignRef(BaseModel):
    """The campaign the report is in, as its card names it. The title is read from the
    campaign's reports (a persona's name and organisation): renderers clean and escape it."""

    model_config = ConfigDict(extra="forbid")
    id: int
    title: str
    status: str  # bot.campaigns.model.CampaignStatus's value


class InboxEvent(BaseModel):
    model_config = ConfigDict(extra="forbid")
    schema_version: Literal[1] = EVENT_SCHEMA_VERSION
    event: EventKind
    reference: str
    occurred_at: AwareDatetime
    # Destinations that thread (email, chat channels) hang every later event under the
    # first one: this key is the same for all events of one report.
    thread_key: str
    report: Report
    message: ThreadMessage | None = None
    status_change: StatusChange | None = None
    reminder: Reminder | None = None
    campaign: CampaignRef | None = None  # the campaign the report is in when the event was queued

    @classmethod
    def about(cls, event: EventKind, report: Report, now: datetime, **parts: object) -> InboxEvent:
        return cls.model_validate(
            {
                "event": event,
                "reference": report.reference,
                "occurred_at": now,
                "thread_key": thread_key(report.reference),
                "report": report,
                **parts,
            }
        )


def thread_key(reference: str) -> str:
    return f"{reference.lower()}@tipline"
