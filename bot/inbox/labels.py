"""The report's enum values in plain English, as the security team reads them everywhere."""

from __future__ import annotations

from enum import Enum
from typing import Final

from bot.ports import DeadlineKind, MessageKind
from bot.report import (
    ApproachKind,
    AskedFor,
    Channel,
    ContactMethod,
    EvidenceKind,
    Frequency,
    Offered,
    Outcome,
    Status,
    YesNoUnsure,
)

NOT_GIVEN: Final = "Not given"
NONE_GIVEN: Final = "None given"

# Keyed by (type, value), not by the member: the enums are string enums, so Channel.EMAIL and
# ContactMethod.EMAIL are equal and would share one label ("By email" for the channel).
_LABEL_PAIRS: tuple[tuple[Enum, str], ...] = (
    (ApproachKind.RECRUITER, "Recruiter or headhunter"),
    (ApproachKind.JOB_ADVERT, "Job advert"),
    (ApproachKind.CONSULTANCY, 'Paid consultancy or "insight" work'),
    (ApproachKind.TRIP_OR_EVENT, "Invitation to a trip or event"),
    (ApproachKind.PAYMENT_OFFER, "Offer of payment"),
    (ApproachKind.INFORMATION_REQUEST, "Request for information"),
    (ApproachKind.ACADEMIC, "Academic collaboration"),
    (ApproachKind.POLITICAL, "Political donation or influence"),
    (ApproachKind.IN_PERSON, "In person"),
    (ApproachKind.OTHER, "Other"),
    (Channel.LINKEDIN, "LinkedIn"),
    (Channel.OTHER_SOCIAL, "Another social network"),
    (Channel.RECRUITMENT_SITE, "A recruitment site"),
    (Channel.EMAIL, "Email"),
    (Channel.PHONE_OR_MESSAGING, "Phone or a messaging app"),
    (Channel.IN_PERSON, "In person"),
    (Channel.OTHER, "Other"),
    (Frequency.ONCE, "Once"),
    (Frequency.A_FEW_TIMES, "A few times"),
    (Frequency.REGULARLY, "Regularly"),
    (YesNoUnsure.YES, "Yes"),
    (YesNoUnsure.NO, "No"),
    (YesNoUnsure.UNSURE, "Not sure"),
    (AskedFor.WORK_DETAILS, "Details of their work"),
    (AskedFor.WHO_WORKS_ON_WHAT, "Who works on what"),
    (AskedFor.NON_PUBLIC_DOCUMENTS, "Non-public documents"),
    (AskedFor.INTERNAL_VIEWS, "Internal views"),
    (AskedFor.PAID_REPORT, "A paid report"),
    (AskedFor.MEETING, "A meeting"),
    (AskedFor.MOVE_OFF_PLATFORM, "Moving the conversation to another app or email"),
    (AskedFor.SECRECY, "Keeping it secret"),
    (AskedFor.NOTHING_YET, "Nothing yet"),
    (AskedFor.OTHER, "Other"),
    (Offered.MONEY, "Money"),
    (Offered.CASH, "Cash"),
    (Offered.CRYPTO, "Cryptocurrency"),
    (Offered.TRAVEL, "Travel"),
    (Offered.GIFTS, "Gifts"),
    (Offered.JOB, "A job"),
    (Offered.NOTHING, "Nothing"),
    (Offered.OTHER, "Other"),
    (EvidenceKind.PROFILE_SCREENSHOTS, "Screenshots of the profile"),
    (EvidenceKind.MESSAGE_SCREENSHOTS, "Screenshots of the messages"),
    (EvidenceKind.EMAILS, "Emails"),
    (EvidenceKind.FILES, "Files"),
    (EvidenceKind.NONE_YET, "None yet"),
    (ContactMethod.THIS_CHAT, "Through the Tipline chat"),
    (ContactMethod.EMAIL, "By email"),
    (ContactMethod.PHONE, "By phone"),
    (ContactMethod.IN_PERSON, "In person"),
    (Status.NEW, "New"),
    (Status.ACKNOWLEDGED, "Acknowledged"),
    (Status.IN_PROGRESS, "In progress"),
    (Status.CLOSED, "Closed"),
    (Outcome.CONFIRMED_HOSTILE, "Confirmed hostile"),
    (Outcome.LIKELY_HOSTILE, "Likely hostile"),
    (Outcome.BENIGN, "Benign"),
    (Outcome.NOT_ENOUGH_INFORMATION, "Not enough information"),
    (Outcome.DUPLICATE, "Duplicate"),
    (MessageKind.NOTE, "Internal note (not shown to the reporter)"),
    (MessageKind.QUESTION, "Question to the reporter"),
    (MessageKind.ANSWER, "Answer from the reporter"),
    (MessageKind.REPORTER_UPDATE, "Update from the reporter"),
    (MessageKind.ACKNOWLEDGEMENT, "Acknowledgement sent to the reporter"),
    (MessageKind.CLOSING, "Closing message sent to the reporter"),
    (DeadlineKind.ACKNOWLEDGE, "acknowledgement"),
    (DeadlineKind.FEEDBACK, "feedback to the reporter"),
)
_LABELS: dict[tuple[type, str], str] = {(type(m), m.value): text for m, text in _LABEL_PAIRS}


def label(value: Enum | None) -> str:
    """Plain English for one of the report's enum values."""
    if value is None:
        return NOT_GIVEN
    known = _LABELS.get((type(value), value.value))
    if known is not None:
        return known
    return str(value.value).replace("_", " ").capitalize()
