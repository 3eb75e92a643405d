""" "Check this contact": any member of staff asks about a contact before they reply.

The answer is one of four, and never more: the contact matches a profile named in a security
alert (the guidance, and an offer to report now); colleagues have reported them (please
don't engage, and tell us — never who reported, or what); neither, so a short red-flag
questionnaire in the spirit of NPSA's Think Before You Link, ending low, medium or high with
its reasons and an offer to report; or nothing usable was given (ask for a profile address,
or a name and company). Watchlist entries are never listed or named, only matched, so the
list can't be read out by asking; a name alone is never enough to be told anything; checks
are counted (the outcome only, never what was checked) and limited per person per hour.
Nothing here ever reaches the contact.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import ValidationError

from bot.messages import Choice, Guidance, GuidanceSection, Message, Question, Text, Tone
from bot.normalise import EXACT_KINDS, contact_indicators, is_profile_like
from bot.ports import UnitOfWork
from bot.presenter import present_notice
from bot.report import Contact, Reporter
from bot.report_builder import extract_indicators
from bot.watchlist.intake import IntakeScreen
from flows.choices import check_picked, read_choice
from flows.model import Flow, Option
from flows.validators import Invalid

CHECK_TOKEN = "check:flags"  # noqa: S105 - a question token, not a secret
REPORT_TOKEN = "idle"  # noqa: S105 - the service's idle offer: picking "report" starts a report
CHECKS_PER_HOUR = 10
# Only the exact kinds of indicator say two contacts are the same person (EXACT_KINDS): an
# organisation or a name shared with an earlier report says too little to tell staff anything.
# Index hits read to find one by someone else (a reporter's own reports are not "colleagues").
_COLLEAGUES_READ = 50
_WORD = re.compile(r"^\s*/?check\b[:\s]*", re.IGNORECASE)
_NAME_AND_FIRM = re.compile(r"\s+(?:at|from|of|with|@)\s+|\s*[,;|/]\s*|\s+[-–—]\s+", re.IGNORECASE)


class Outcome(StrEnum):
    NAMED = "named"  # matches a watchlist entry
    REPORTED = "reported"  # colleagues reported this contact
    QUESTIONNAIRE = "questionnaire"  # neither: the red-flag questions were put
    UNUSABLE = "unusable"  # nothing to check by


@dataclass(frozen=True)
class RedFlag:
    value: str
    label: str
    weight: int  # 3: one alone makes it high


RED_FLAGS: tuple[RedFlag, ...] = (
    RedFlag("flattery", "They got in touch out of the blue, full of praise for your work", 1),
    RedFlag("thin_profile", "Their profile is new or thin: few connections, a stock-looking photo", 1),
    RedFlag("vague_company", "Their company is vague, or hard to find anything about", 1),
    RedFlag("pay", "The pay offered is far above the work asked for", 2),
    RedFlag("off_platform", "They want to move to email or another app", 2),
    RedFlag("non_public", "They're interested in non-public or internal matters", 3),
    RedFlag("trip", "They've offered a trip, or meetings abroad, paid for", 3),
    RedFlag("cash_crypto", "They've offered cash or cryptocurrency", 3),
    RedFlag("secrecy", "They've asked you to keep it to yourself", 3),
)
_NONE = Option("none", "None of these", exclusive=True)
OPTIONS: tuple[Option, ...] = (*(Option(f.value, f.label) for f in RED_FLAGS), _NONE)
HIGH_TOTAL, MEDIUM_TOTAL = 5, 2
# Ten at most, so every chat shows them as tick boxes (Slack allows ten).
# The wording, in the flow files with the rest (flows/data/report.yaml, guidance.yaml).
MESSAGES = (
    "check_limited", "check_unusable", "check_no_match", "check_questions", "check_no_flags",
    "check_risk_low", "check_risk_medium", "check_risk_high", "check_offer",
)  # fmt: skip
NOTICES = ("check_named", "check_reported")


def is_check(text: str) -> bool:
    return bool(_WORD.match(text))


def risk(picked: Sequence[str]) -> tuple[str, list[str]]:
    """low, medium or high, and the red flags that made it so."""
    flags = [f for f in RED_FLAGS if f.value in picked]
    total = sum(f.weight for f in flags)
    level = "low"
    if any(f.weight >= 3 for f in flags) or total >= HIGH_TOTAL:
        level = "high"
    elif total >= MEDIUM_TOTAL:
        level = "medium"
    return level, [f.label for f in flags]


def probe(text: str, region: str) -> Contact | None:
    """What the person gave: a profile, email, phone or website, or a name and a company.
    None when there is nothing usable (a name alone is not)."""
    body = _WORD.sub("", text, count=1).strip()
    urls, emails, phones = extract_indicators(body, region)
    rest = body
    for found in (*urls, *emails):
        rest = rest.replace(found, " ")
    for raw in re.findall(r"\+?[\d][\d\s().-]{6,}\d", rest):
        rest = rest.replace(raw, " ")
    parts = [p.strip(" .:'\"") for p in _NAME_AND_FIRM.split(rest.strip(), maxsplit=1) if p.strip(" .:'\"")]
    name, firm = (parts[0], parts[1]) if len(parts) >= 2 else (None, None)
    try:
        contact = Contact(
            name_used=name,
            organisation=firm,
            profile_urls=[u for u in urls if is_profile_like(u)],
            websites=[u for u in urls if not is_profile_like(u)],
            emails=emails,
            phones=phones,
        )
    except ValidationError:
        contact = Contact(name_used=name, organisation=firm, phones=phones)
    usable = contact.profile_urls or contact.emails or contact.phones or contact.websites
    return contact if usable or (name and firm) else None


@dataclass
class ContactCheck:
    screen: IntakeScreen
    flow: Flow
    clock: Callable[[], datetime]
    per_hour: int = CHECKS_PER_HOUR

    def __post_init__(self) -> None:
        missing = [k for k in MESSAGES if k not in self.flow.messages]
        missing += [k for k in NOTICES if k not in self.flow.notices]
        if missing:
            raise ValueError("the flow files lack the wording for checking a contact: " + ", ".join(missing))

    async def start(self, uow: UnitOfWork, reporter: Reporter, text: str) -> tuple[list[Message], bool]:
        """The answer to `check ...`, and whether the red-flag questions are now awaited."""
        now = self.clock()
        who = f"{reporter.platform}:{reporter.user_id}"
        if await uow.watchlist.checks_since(who, now - timedelta(hours=1)) >= self.per_hour:
            return [Text(self.flow.text("check_limited"), Tone.WARNING), self._offer_report()], False
        contact = probe(text, self.screen.region)
        if contact is None:
            await uow.watchlist.record_check(who, Outcome.UNUSABLE, now)
            return [Text(self.flow.text("check_unusable")), self._offer_report()], False
        index = await self.screen.index(uow.watchlist)
        if any(f.is_match for f in index.match(contact)):
            await uow.watchlist.record_check(who, Outcome.NAMED, now)
            return [present_notice(self.flow.notices["check_named"]), self._offer_report()], False
        if await self._reported_by_colleagues(uow, reporter, contact):
            await uow.watchlist.record_check(who, Outcome.REPORTED, now)
            return [present_notice(self.flow.notices["check_reported"]), self._offer_report()], False
        await uow.watchlist.record_check(who, Outcome.QUESTIONNAIRE, now)
        return [Text(self.flow.text("check_no_match")), self._questions()], True

    def answer(self, picked: Sequence[str] | None, typed: str | None) -> tuple[list[Message], bool]:
        """The red flags picked (buttons) or typed ("1, 5"): the risk, or the question again."""
        result = check_picked(list(picked), OPTIONS, True) if picked is not None else None
        if typed is not None:
            result = read_choice(typed, OPTIONS, True)
        if result is None or isinstance(result, Invalid):
            problem = result.message if isinstance(result, Invalid) else None
            return [self._questions(problem)], True
        level, reasons = risk(list(result.value))
        tone = {"low": Tone.INFO, "medium": Tone.WARNING, "high": Tone.WARNING}[level]
        points = tuple(reasons) or (self.flow.text("check_no_flags"),)
        verdict = Guidance((GuidanceSection(self.flow.text(f"check_risk_{level}"), points, tone),))
        return [verdict, self._offer_report()], False

    async def _reported_by_colleagues(self, uow: UnitOfWork, reporter: Reporter, contact: Contact) -> bool:
        """From the report index: a report by someone else that names this profile, address,
        phone, company website or company email domain."""
        probes = [n for n in contact_indicators(contact, self.screen.region) if n.kind in EXACT_KINDS]
        if not probes:
            return False
        hits = await uow.reports.indexed(probes, limit=_COLLEAGUES_READ)
        mine = (reporter.platform, reporter.user_id)
        return any(
            (report.reporter.platform, report.reporter.user_id) != mine
            for report in await uow.reports.get_many(list(hits))
        )

    def _questions(self, problem: str | None = None) -> Question:
        choices = tuple(Choice(o.value, o.label) for o in OPTIONS)
        text = self.flow.text("check_questions")
        return Question(CHECK_TOKEN, "check_flags", text, choices, multiple=True, problem=problem)

    def _offer_report(self) -> Question:
        return Question(
            REPORT_TOKEN,
            "idle",
            self.flow.text("check_offer"),
            (Choice("report", self.flow.text("idle_button")),),
        )
