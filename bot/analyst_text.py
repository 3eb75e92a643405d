"""Text that analysts type, and references they type loosely, made safe to store and show."""

from __future__ import annotations

import re
import unicodedata

from bot.report import normalise_reference

_REFERENCE = re.compile(r"^TIP-[2-9A-HJKMNP-TV-Z]{6}$")
# Bidirectional overrides can make text read differently from what it says.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Terminal escape sequences, removed whole so no "[31m" debris is left: CSI (ESC [ ...
# final byte), strings (OSC, DCS, SOS, PM, APC) ended by BEL or ST, their 8-bit C1 forms,
# and other two-character escapes or a lone ESC. An unterminated string loses only its
# introducer: swallowing the rest would let a sender hide text from the analyst.
_ESCAPES = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]?
    | \x9b[0-?]*[ -/]*[@-~]?
    | (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f]) [^\x07\x1b\x9c]* (?:\x07|\x1b\\|\x9c)
    | \x1b[ -/]*[0-~]?
    """,
    re.VERBOSE,
)


def clean_text(text: str, *, keep_newlines: bool) -> str:
    """Drop terminal escape sequences and control characters (bidi overrides, NUL...), and
    trim the ends. Tabs become spaces; newlines are kept only if asked for."""
    text = _ESCAPES.sub("", text.replace("\r\n", "\n"))
    kept = []
    for char in text:
        if char == "\n" and keep_newlines:
            kept.append(char)
        elif char == "\t":
            kept.append(" ")
        elif unicodedata.category(char) == "Cc" or char in _BIDI_CONTROLS:
            continue
        else:
            kept.append(char)
    return "".join(kept).strip()


def parse_reference(text: str) -> str:
    """The canonical form of a loosely typed reference, or ValueError if it cannot be one."""
    reference = normalise_reference(text)
    if not _REFERENCE.match(reference):
        shown = clean_text(text, keep_newlines=False)[:40]
        raise ValueError(f"{shown!r} is not a report reference; they look like TIP-7K3Q9D.")
    return reference


def bounded_text(text: str, limit: int, what: str) -> str:
    """Cleaned text, refused (ValueError, words for the analyst) when empty or over `limit`."""
    cleaned = clean_text(text, keep_newlines=True)
    if not cleaned:
        raise ValueError(f"The {what} is empty.")
    if len(cleaned) > limit:
        raise ValueError(
            f"The {what} is {len(cleaned):,} characters; the limit is {limit:,}. Please shorten it."
        )
    return cleaned
