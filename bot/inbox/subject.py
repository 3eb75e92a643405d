"""An inbox event's subject line, and the dates and durations it is written with.

`[TIP-7K3Q9D] New report (High severity)`, `[TIP-7K3Q9D] Closed: benign`, ...: built only from
the reference and our own words. Nothing that identifies the reporter and no free text from the
reporter or the contact: subjects show up in notification pop-ups, mail logs and forwarding rules.
Email uses it as the subject, Slack and Teams as the notification text.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.inbox.labels import label
from bot.inbox_events import EventKind, InboxEvent, Reminder, StatusChange
from bot.ports import MessageKind
from bot.report import is_reference

_MESSAGE_SUBJECTS: dict[MessageKind, str] = {
    MessageKind.NOTE: "Note",
    MessageKind.QUESTION: "Question sent",
    MessageKind.ANSWER: "Reply from the reporter",
    MessageKind.REPORTER_UPDATE: "More from the reporter",
    MessageKind.ACKNOWLEDGEMENT: "Acknowledgement sent",
    MessageKind.CLOSING: "Closing message sent",
}


def subject(event: InboxEvent) -> str:
    """`[TIP-7K3Q9D] New report (High severity)`, `[TIP-7K3Q9D] Closed: benign`, ...

    Built only from the reference and our own words: no reporter identity, no free text.
    """
    report = event.report
    return f"[{report.reference}] {headline(event)}"


def headline(event: InboxEvent) -> str:
    """The subject without its reference: what happened, in our words."""
    report = event.report
    if event.event == EventKind.SUBMITTED:
        return f"New report ({label(report.severity)} severity)"
    if event.event == EventKind.UPDATED:
        return f"Update (revision {report.revision})"
    if event.event == EventKind.MESSAGE and event.message is not None:
        return _MESSAGE_SUBJECTS.get(event.message.kind, "Message")
    if event.event == EventKind.STATUS and event.status_change is not None:
        return _status_subject(event.status_change)
    if event.event == EventKind.REMINDER and event.reminder is not None:
        return _reminder_subject(event.reminder, event.occurred_at)
    if event.event == EventKind.CAMPAIGN:
        # The campaign's id only: its title is a persona's name, which stays out of subjects.
        joined = f"Joined campaign {event.campaign.id}" if event.campaign else "Left its campaign"
        return joined
    return _FALLBACK_SUBJECTS.get(event.event, "Event")


_FALLBACK_SUBJECTS = {
    EventKind.MESSAGE: "Message",
    EventKind.STATUS: "Status change",
    EventKind.REMINDER: "Reminder",
}


def _status_subject(change: StatusChange) -> str:
    if change.action == "closed":
        outcome = label(change.outcome).lower() if change.outcome else "no outcome given"
        return f"Closed: {outcome}"
    if change.action == "linked":
        linked = change.linked_reference or ""
        # Only a well-formed reference reaches the subject line.
        return f"Linked to {linked}" if is_reference(linked) else "Linked to another report"
    return change.action.capitalize()


def _reminder_subject(reminder: Reminder, now: datetime) -> str:
    what = label(reminder.deadline)
    if reminder.stage == "near":
        left = reminder.due_at - now
        if left <= timedelta(0):
            return f"Reminder: {what} due now"
        return f"Reminder: {what} due in {_duration(left)}"
    return f"Missed: {what} was due {when(reminder.due_at)}"


def _duration(delta: timedelta) -> str:
    minutes = max(1, round(delta.total_seconds() / 60))
    if minutes < 60:
        return _plural(minutes, "minute")
    hours = round(minutes / 60)
    if hours < 48:
        return _plural(hours, "hour")
    return _plural(round(hours / 24), "day")


def _plural(n: int, unit: str) -> str:
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"


def when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%d %b %Y %H:%M UTC").lstrip("0")


def day(value: date) -> str:
    return value.strftime("%d %b %Y").lstrip("0")
