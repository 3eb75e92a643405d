"""Text that analysts type, and references they type loosely, made safe to store and show."""

from __future__ import annotations

import re

from bot.report import is_reference, normalise_reference
from bot.text_safety import UNSAFE_CHARS

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
    """Drop terminal escape sequences, control, direction-override and invisible characters
    (bot.text_safety), and trim the ends. Tabs become spaces; newlines are kept only if asked for."""
    text = _ESCAPES.sub("", text.replace("\r\n", "\n"))
    kept: list[str] = []
    for char in text:
        if char == "\n":
            kept.extend(char if keep_newlines else "")
        elif char == "\t":
            kept.append(" ")
        elif UNSAFE_CHARS.match(char):
            continue
        else:
            kept.append(char)
    return "".join(kept).strip()


def parse_reference(text: str) -> str:
    """The canonical form of a loosely typed reference, or ValueError if it cannot be one."""
    reference = normalise_reference(text)
    if not is_reference(reference):
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
