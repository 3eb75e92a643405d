"""Email addresses, web addresses and phone numbers in free text."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import phonenumbers
from email_validator import EmailNotValidError, validate_email

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}(?![\w-])")
# A dotted name ends in one of these before it is taken for a bare address ("reed.co.uk", not "e.g.").
_TLDS = (
    "com|org|net|io|co|uk|eu|de|fr|info|biz|ru|cn|me|ai|no|se|dk|fi|nl|be|ch|at|it|es|pt|pl|cz|hu|"
    "ro|bg|gr|tr|ua|by|kz|ir|ae|qa|sa|sg|hk|tw|jp|kr|in|au|nz|ca|us|gov|edu|int|app|dev|online|site|"
    "tech|news|agency|consulting|partners|group|global|world|top|xyz|cc|tv|ly|gl|to|ws|eu"
)
# Not inside an address: spaces, brackets, quotes of either kind, and Slack's "|" in <url|label>.
_NOT_IN_URL = r"\s<>\"'()\[\]|“”‘’«»"
_URL = re.compile(
    r"(?:(?:https?://|www\.)[^" + _NOT_IN_URL + r"]+)"
    r"|(?<![\w@.-])(?:[A-Za-z0-9-]+\.)+(?:" + _TLDS + r")(?![\w-])(?:/[^" + _NOT_IN_URL + r"]*)?",
    re.IGNORECASE,
)
_TRAILING = ".,;:!?'\")]}>*…"
_HOST = re.compile(r"[A-Za-z0-9.-]+")


@dataclass(frozen=True)
class Found:
    value: str
    start: int
    end: int


# A platform's own sender ("messaging-digest-noreply@linkedin.com") is nobody's address.
_NO_REPLY = re.compile(r"(?:^|[._-])(?:no-?reply|do-?not-?reply|notifications?|mailer-daemon)(?:[._-]|$)")


def find_emails(text: str) -> list[Found]:
    """Every address (blanked from what is read next, whoever's it is), as (value, span)."""
    found = []
    for match in _EMAIL.finditer(text):
        try:
            checked = validate_email(match.group(0), check_deliverability=False)
        except EmailNotValidError:
            continue
        found.append(Found(checked.normalized.lower(), match.start(), match.end()))
    return found


def not_a_platform_sender(found: list[Found]) -> list[Found]:
    return [f for f in found if not _NO_REPLY.search(f.value.split("@", 1)[0])]


def find_urls(text: str, taken: list[Found]) -> list[Found]:
    """Web addresses, as the profile and website questions keep them (with a scheme)."""
    found = []
    for match in _URL.finditer(text):
        if any(t.start <= match.start() < t.end for t in taken):
            continue  # the domain of an email address
        raw = match.group(0).rstrip(_TRAILING)
        if (
            _SENTENCES_RUN_TOGETHER.fullmatch(raw)
            or _INITIALS.fullmatch(raw)
            or _WORD_DOT_WORD.fullmatch(raw)
        ):
            continue  # "on linkedin.It was from...", "a U.K. firm", "asked me.in the end": no address
        candidate = raw if "://" in raw else "https://" + raw
        host = urlsplit(candidate).hostname or ""
        if "." not in host or not _HOST.fullmatch(host) or host.startswith(".") or host.endswith("."):
            continue
        found.append(Found(candidate, match.start(), match.start() + len(raw)))
    return found


# A bare "word.Word" is two sentences with the space left out; nobody types a domain that way.
_SENTENCES_RUN_TOGETHER = re.compile(r"[a-z][a-z-]*\.[A-Z][a-z]+")
_INITIALS = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")
# Two everyday words joined by a full stop whose second is also a country's domain: "me.in", "job.no".
_WORD_DOT_WORD = re.compile(
    r"(?i:me|you|him|her|them|us|it|job|work|this|that|there|here|today|now|then|again|too|also|so|"
    r"back|up|out|in|on|at|to|no|yes|ok|okay|well|time|one|all|what|why|how|who|which|said|asked|me)"
    r"\.(?i:in|at|it|to|no|me|us|be|so|my|is|do|go|am|as|an|or|on|up|we|co|tv|cc|ws|ly)"
)


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower().removeprefix("www.")


def on_hosts(url: str, hosts: tuple[str, ...]) -> bool:
    """The address is on one of these sites or under one of these domains ("gov.uk")."""
    host = host_of(url)
    return any(host == h or host.endswith("." + h) for h in hosts)


# On a profile site, only these paths name someone: the site's root, its jobs or its feed is nobody's.
_LINKEDIN_SOMEONE = re.compile(r"^/(?:in|pub|company|school|showcase)/[^/]+", re.IGNORECASE)


def names_someone(url: str) -> bool:
    parts = urlsplit(url)
    if host_of(url).endswith(("linkedin.com", "linkedin.cn")):
        return bool(_LINKEDIN_SOMEONE.match(parts.path))
    return parts.path.strip("/") != "" or bool(parts.query)


def is_profile(url: str, profile_hosts: tuple[str, ...]) -> bool:
    return on_hosts(url, profile_hosts)


def find_phones(text: str, region: str) -> list[Found]:
    found = []
    # POSSIBLE, not VALID: the numbers set aside for drama (07700 900xxx) are the ones people paste in tests.
    for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.POSSIBLE):
        number = match.number
        inside_a_word = (match.start > 0 and text[match.start - 1].isalnum()) or (
            match.end < len(text) and text[match.end].isalnum()
        )
        if len(str(number.national_number)) < 7 or inside_a_word or not _dialled(match.raw_string):
            continue
        if not match.raw_string.lstrip("( ").startswith(("+", "00")) and not _valid_here(number):
            continue  # "050 123 4567 (Dubai)" is no number in this country, and we can't tell which
        if _A_DATE.search(match.raw_string) or _REFERENCE.search(text, max(0, match.start - 30), match.start):
            continue
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        found.append(Found(e164, match.start, match.end))
    return found


def _dialled(raw: str) -> bool:
    """Written as a number is dialled: with its trunk 0 or a +/00 prefix. A bare run of digits
    ("invoice 44718823", "booking 83736251") is a reference, not a phone."""
    return raw.lstrip("( ").startswith(("+", "0"))


# The ranges set aside for drama and examples, which phonenumbers calls invalid.
_DRAMA = ("7700900", "1632960", "8081570", "9098790", "3069990")


def _valid_here(number: phonenumbers.PhoneNumber) -> bool:
    """Written the national way: a number of the reporter's country, or none we can name."""
    return phonenumbers.is_valid_number(number) or str(number.national_number).startswith(_DRAMA)


_A_DATE = re.compile(
    r"\b\d{1,2}[./-]\d{1,2}[./-](?:19|20)?\d{2}\b|\b(?:19|20)\d{2}[./-]\d{1,2}[./-]\d{1,2}\b"
)
# Just before a number: it is a reference, an account or an amount, not a phone.
_REFERENCE = re.compile(
    r"\b(?:ref|reference|invoice|order|booking|case|ticket|account|acct|policy|serial|tracking|passport|"
    r"sort code|iban|id|po|reg|registration)\b[^,;.\n]{0,12}$|#\s*$|[£$€]\s*$",
    re.IGNORECASE,
)


# Words just before an address or number that make it the reporter's own, not the contact's:
# "call me back on 07700 900123", "email me at tom@dept.gov.uk", "my mobile is ...".
_REPORTERS_OWN = re.compile(
    r"(?:\b(?:call|ring|phone|text|email|e-mail|mail|reach|contact|message|whatsapp)\s+me"
    r"(?:\s+back)?(?:\s+(?:on|at|via|by))?"
    r"|\bmy\s+(?:own\s+)?(?:work\s+|personal\s+|office\s+|direct\s+|desk\s+)?"
    r"(?:email|e-mail|address|number|phone|mobile|cell|extension|ext\.?|line|tel|telephone|landline|whatsapp)"
    r"(?:\s+(?:address|number|line))?(?:\s+is|\s+was|\s*:)?"
    r"|\b(?:i['’]m|i am)\s+on"
    r"|\b(?:i can be|i['’]m|i am)\s+(?:reached|reachable|contacted)(?:\s+(?:on|at|via|by))?"
    r"|\bmy\s+(?:contact\s+)?(?:no\.?|num|details)(?:\s+is|\s*:)?"
    # Their own organisation's desks, and the services they would call: "our IT service desk on".
    r"|\b(?:our|my)\s+(?:own\s+)?(?:[\w-]+\s+){0,2}(?:desk|helpdesk|switchboard|security(?:\s+team)?|reception)"
    r"(?:\s+(?:on|at|number|is))?\s*:?"
    r"|\b(?:action fraud|the police|crimestoppers)(?:\s+(?:on|at))?)\s*$",
    re.IGNORECASE,
)
# Just after it: "07700 900441 (that's mine)", "... is my number".
_REPORTERS_OWN_AFTER = re.compile(
    r"^[\s,(-]*(?:that['’]s |which is |it['’]s )?"
    r"(?:mine\b|my (?:own |work |personal )?(?:number|mobile|phone|email|address)\b)"
    r"|^\s+is my (?:own |work |personal )?(?:number|mobile|phone|email|address)\b",
    re.IGNORECASE,
)


def not_the_reporters_own(text: str, found: list[Found], theirs: Callable[[int], bool]) -> list[Found]:
    """Leave out what the reporter gave as their own way to be reached: it must never become an
    indicator of the contact (and so never reach a partner in an export). `theirs(position)`:
    the words there are the contact's, quoted or pasted ("You can reach me on ...")."""
    return [
        f
        for f in found
        if theirs(f.start)
        or not (
            _REPORTERS_OWN.search(text, max(0, f.start - 40), f.start)
            or _REPORTERS_OWN_AFTER.search(text[f.end : f.end + 40])
        )
    ]


def blank(text: str, spans: list[Found]) -> str:
    """The text with these spans replaced by spaces, so later rules don't read inside them."""
    chars = list(text)
    for span in spans:
        chars[span.start : span.end] = " " * (span.end - span.start)
    return "".join(chars)


_HEADER_TO = re.compile(r"^[ \t>]*(?:to|cc|bcc)[ \t]*:.*$", re.IGNORECASE | re.MULTILINE)
# "Dear Ms Raman," "Hi Sarah,": in a message the contact sent, who it greets is the reporter.
_GREETING = re.compile(r"(?:^|(?<=[\n'\"“‘]))[ \t]*(?:dear|hi|hello)[ \t]+[^,\n:]{1,40}[,:]", re.IGNORECASE)


def staff_parts(text: str, own_domains: tuple[str, ...], sign_offs: frozenset[str]) -> list[Found]:
    """What is about the reporter's own organisation, not the contact: a forwarded message's
    To:/Cc: lines (the reporter received it), and an address at one of its own domains with the
    signature block around it (their own sign-off: name, title, phone)."""
    spans = [Found("", m.start(), m.end()) for m in (*_HEADER_TO.finditer(text), *_GREETING.finditer(text))]
    if not own_domains:
        return spans
    lines = text.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    for email in find_emails(text):
        domain = email.value.rsplit("@", 1)[-1]
        if not any(domain == d or domain.endswith("." + d) for d in own_domains):
            continue
        at = next(i for i in range(len(lines)) if starts[i + 1] > email.start)
        signed = [
            i
            for i in range(at - 1, max(-1, at - 7), -1)
            if re.sub(r"[^a-z ]", "", lines[i].lower()).strip() in sign_offs or is_delimiter(lines[i])
        ]
        if not signed:  # an address in a sentence: only the address
            spans.append(email)
            continue
        first, last = signed[0], at
        while last + 1 < len(lines) and last - at < 3 and lines[last + 1].strip():
            last += 1
        spans.append(Found("", starts[first], starts[last + 1] - 1))
    return spans


def is_delimiter(line: str) -> bool:
    """ "--" on a line of its own: where an email client starts the signature."""
    return line.strip() in ("--", "-- ", "—", "__", "___")
