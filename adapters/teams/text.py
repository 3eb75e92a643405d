"""Text safety for Adaptive Cards: what anyone typed is shown as typed, never as markup.

Teams renders a subset of Markdown in TextBlock and FactSet values (bold, italics, links,
lists) and turns <at>…</at> into a mention when an entity names it. Reporter and contact
text is backslash-escaped (CommonMark escapes every ASCII punctuation mark), so a
"[click](https://evil.example)" or "**urgent**" from a reporter is shown literally and a
typed <at>name</at> stays words. Control and direction-override characters are removed:
they can disguise what is shown.
"""

from __future__ import annotations

import re

SHORTENED = "(shortened: the full text is in the report)"

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
# Every character Markdown or Teams' mention syntax could read as markup.
_MARKUP = re.compile(r"([\\`*_{}\[\]()#+\-.!<>&~|])")


def clean(text: str) -> str:
    """Control and direction-override characters removed; line breaks kept."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def escape(text: str) -> str:
    """Markdown-safe: every markup character escaped, so nothing typed becomes a link,
    emphasis, a list, a heading or a mention."""
    return _MARKUP.sub(r"\\\1", clean(text))


def fit(text: str, limit: int, note: str = SHORTENED) -> str:
    """`text` escaped and cut (never inside an escape) to at most `limit` characters, with a
    note saying it was shortened."""
    escaped = escape(text)
    if len(escaped) <= limit:
        return escaped
    budget = max(0, limit - len(note) - 2)
    kept: list[str] = []
    used = 0
    for ch in clean(text):
        piece = escape(ch)
        if used + len(piece) > budget:
            break
        kept.append(piece)
        used += len(piece)
    return "".join(kept).rstrip() + "… " + note


def plain(text: str, limit: int) -> str:
    """For fields Teams shows as plain text (button titles, choice titles, placeholders): one
    line, cleaned, cut to size."""
    cleaned = " ".join(clean(text).split())
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1].rstrip() + "…"
