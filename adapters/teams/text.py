"""Text safety for Adaptive Cards: what anyone typed is shown as typed, never as markup.

Teams renders a subset of Markdown in TextBlock and FactSet values (bold, italics, links,
lists) and turns <at>…</at> into a mention when an entity names it. Reporter and contact
text is backslash-escaped where it would be markup (CommonMark lets any ASCII punctuation be
escaped), so a "[click](https://evil.example)" or "**urgent**" from a reporter is shown
literally and a typed <at>name</at> stays words. Control, direction-override and invisible
characters are removed (bot.text_safety, the rules every renderer shares): they can disguise what
is shown.
"""

from __future__ import annotations

import re

from bot.text_safety import strip_unsafe

SHORTENED = "(shortened: the full text is in the report)"

# Characters that make inline markup anywhere: emphasis, code, links and images, HTML and
# mentions, entities, strike-through, tables.
_INLINE = re.compile(r"([\\`*_\[\]<>&~|])")
# Markers that make a block only at the start of a line: headings, quotes, lists.
_BLOCK = re.compile(r"^([ \t]*)([#>+\-=]|\d+(?=[.)]))", re.MULTILINE)


def clean(text: str) -> str:
    """Control, direction-override and invisible characters removed (bot.text_safety); line breaks kept."""
    return strip_unsafe(text)


def escape(text: str) -> str:
    """Markdown-safe: markup characters escaped, so nothing typed becomes a link, emphasis, a
    list, a heading or a mention."""
    inline = _INLINE.sub(r"\\\1", clean(text))
    return _BLOCK.sub(_escape_block, inline)


def _escape_block(match: re.Match[str]) -> str:
    marker = match.group(2)
    if marker[0].isdigit():
        return match.group(1) + marker + "\\"  # "1." or "1)": escape the dot, not the number
    return match.group(1) + "\\" + marker


def fit(text: str, limit: int, note: str = SHORTENED) -> str:
    """`text` escaped and cut to at most `limit` characters, with a note saying it was
    shortened. The cut is made in what was typed, then escaped, so it never splits an escape
    or leaves a line-start marker unescaped."""
    escaped = escape(text)
    if len(escaped) <= limit:
        return escaped
    budget = max(0, limit - len(note) - 2)
    raw = clean(text)
    shortest, longest = 0, len(raw)
    while shortest < longest:  # the longest prefix whose escaped form fits
        middle = (shortest + longest + 1) // 2
        if len(escape(raw[:middle]).rstrip()) <= budget:
            shortest = middle
        else:
            longest = middle - 1
    return escape(raw[:shortest]).rstrip() + "… " + note


def plain(text: str, limit: int) -> str:
    """For fields Teams shows as plain text (button titles, choice titles, placeholders): one
    line, cleaned, cut to size."""
    cleaned = " ".join(clean(text).split())
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1].rstrip() + "…"
