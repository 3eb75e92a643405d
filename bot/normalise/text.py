"""Text from outside made safe to read and to compare: no terminal escapes, no control
characters. Analysts' text (bot.analyst_text) and every normal form here start from it."""

from __future__ import annotations

import re

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


# Unicode's control characters (category Cc: C0, DEL and C1) but the line break, and the
# bidirectional overrides: one regex pass rather than a look at every character.
_CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f" + "".join(sorted(_BIDI_CONTROLS)) + "]")


def clean_text(text: str, *, keep_newlines: bool) -> str:
    """Drop terminal escape sequences and control characters (bidi overrides, NUL...), and
    trim the ends. Tabs become spaces; newlines are kept only if asked for."""
    text = _ESCAPES.sub("", text.replace("\r\n", "\n")).replace("\t", " ")
    text = _CONTROLS.sub("", text)
    if not keep_newlines:
        text = text.replace("\n", "")
    return text.strip()
