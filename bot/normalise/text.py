"""Text from outside made safe to read and to compare: no terminal escapes, no control,
direction-override or invisible characters (bot.text_safety's one rule set). Analysts' text
(bot.analyst_text) and every normal form here start from it."""

from __future__ import annotations

import re

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
    # One pass of C regex per rule, not a Python loop per character: this runs on every answer.
    text = UNSAFE_CHARS.sub("", _ESCAPES.sub("", text.replace("\r\n", "\n"))).replace("\t", " ")
    if not keep_newlines:
        text = text.replace("\n", "")
    return text.strip()
