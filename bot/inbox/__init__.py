"""The security inbox, platform-neutral: what the security team is shown about a report.

  labels.py     enum values in plain English
  subject.py    the subject line (also the chat notification text), dates and durations
  sections.py   the event and the report as sections of labelled fields (the email shows all)
  card.py       InboxCard and the thread lines: the chat cards lay these out per platform

Slack (adapters/slack/inbox/cards.py), Teams (adapters/teams/inbox_cards.py) and email
(adapters/inbox/email_body.py) only lay these out and escape for their markup.
"""

from bot.inbox.card import (
    FOOTER,
    NO_REASON,
    ActorRef,
    CampaignLine,
    InboxCard,
    Line,
    LineKind,
    LinkedReport,
    MessageLine,
    Part,
    Theirs,
    ThreadLine,
    inbox_card,
    thread_line,
)
from bot.inbox.labels import NONE_GIVEN, NOT_GIVEN, label
from bot.inbox.sections import Field, Section, event_sections, report_meta_section, report_sections, sections
from bot.inbox.subject import headline, subject, when

__all__ = [
    "FOOTER",
    "NONE_GIVEN",
    "NOT_GIVEN",
    "NO_REASON",
    "ActorRef",
    "CampaignLine",
    "Field",
    "InboxCard",
    "Line",
    "LineKind",
    "LinkedReport",
    "MessageLine",
    "Part",
    "Section",
    "Theirs",
    "ThreadLine",
    "event_sections",
    "headline",
    "inbox_card",
    "label",
    "report_meta_section",
    "report_sections",
    "sections",
    "subject",
    "thread_line",
    "when",
]
