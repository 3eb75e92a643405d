"""Text we did not write (a reporter's, a contact's, an analyst's), made safe to show.

One set of rules for every renderer (Slack, Teams, email, the console, the CLI); each platform
then escapes for its own markup (Slack mrkdwn, Teams Markdown, HTML) on top:
  - CONTROLS are removed: control characters but line breaks and tabs (they can drive a
    terminal), and the bidirectional embeddings, overrides and isolates that can make
    "moc.live//:sptth" read as something else. The flows refuse an answer holding one
    (flows/validators.py keeps its own copy of these sets: flows imports nothing of ours;
    tests/text_safety checks that the copies agree);
  - INVISIBLE characters are removed silently: zero-width space, the direction marks, word
    joiner and invisible operators, byte-order mark. Zero-width joiner and non-joiner stay:
    emoji and several scripts need them;
  - line breaks are normalised to "\\n";
  - web addresses are "defanged" (hxxps://evil[.]example/path): readable and searchable, but
    neither our markup nor a client's auto-linking turns them into something that opens a
    hostile page on a stray click. The exact values stay in the report (the CLI, the file and
    webhook destinations).
"""

from __future__ import annotations

import re
from typing import Final

# Anything a client might turn into a link: a scheme, or a bare www. host.
_URL = re.compile(r"\b(?:[a-z][a-z0-9+.\-]*://|www\.)[^\s<>\"']+", re.IGNORECASE)
_SCHEME = re.compile(r"^(h)tt(ps?)(://)", re.IGNORECASE)
CONTROLS: Final = "\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"  # regex ranges
INVISIBLE: Final = "\u061c\u200b\u200e\u200f\u2060-\u2064\ufeff"
UNSAFE_CHARS: Final = re.compile(f"[{CONTROLS}{INVISIBLE}]")


def strip_unsafe(text: str) -> str:
    """CONTROLS and INVISIBLE characters removed, line breaks normalised to "\\n"; nothing else changed."""
    return UNSAFE_CHARS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def defang(text: str) -> str:
    """Make every web address in `text` inert but readable: hxxps://evil[.]example/path."""
    return _URL.sub(_defang_url, text)


def clean(text: str) -> str:
    """Text we did not write, made safe to show: no control or direction-override characters,
    line breaks normalised, web addresses defanged."""
    return defang(strip_unsafe(text))


def _defang_url(match: re.Match[str]) -> str:
    url = _SCHEME.sub(r"\1xx\2\3", match.group(0))
    scheme, sep, rest = url.partition("://")
    if not sep:
        scheme, rest = "", url
    host, slash, path = rest.partition("/")
    host = host.replace(".", "[.]")
    return f"{scheme}{sep}{host}{slash}{path}"


# A spreadsheet runs a cell that starts with one of these as a formula ("=HYPERLINK(...)").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def guard_formula(cell: str) -> str:
    """A CSV cell a spreadsheet will not run as a formula (a phone's "+44" included)."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def unguard_formula(cell: str) -> str:
    """What guard_formula guarded, as it was: an exported file imports again unchanged."""
    return cell[1:] if cell[:1] == "'" and cell[1:2] and cell[1:2] in FORMULA_STARTS else cell
