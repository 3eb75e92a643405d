"""What a person typed in Teams, as plain text: the bot's @mention removed, Teams' HTML undone.

Teams sends formatted messages as HTML ("<p>hi</p>", "<a href=…>label</a>", "&amp;"). A link
can say one thing and go elsewhere, and for the security team the real target is the
indicator that counts, so it is kept beside its label whenever the two differ.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import Any

_TAG = re.compile(
    r"</?\s*(?:p|div|br|a|span|b|strong|i|em|u|s|strike|ul|ol|li|h[1-6]|blockquote|pre|code)\b", re.I
)
_AT = re.compile(r"<at\b[^>]*>(.*?)</at>", re.I | re.S)
_BLOCKS = frozenset({"p", "div", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "tr"})


def message_text(text: Any, entities: Any, bot_id: str | None) -> tuple[str, bool]:
    """(the text as typed, whether it @mentioned the bot)."""
    if not isinstance(text, str):
        return "", False
    mentions = [m for m in _bot_mentions(entities, bot_id) if m in text]
    for mention in mentions:
        text = text.replace(mention, " ")
    plain = _from_html(text) if _TAG.search(text) else html.unescape(_AT.sub(r"@\1", text))
    return plain.strip(), bool(mentions) or _listed(entities, bot_id)


def _bot_mentions(entities: Any, bot_id: str | None) -> list[str]:
    """The text of each mention of the bot ("<at>Tipline</at>"), as it appears in the message."""
    found: list[str] = []
    for entity in entities if isinstance(entities, list) else []:
        if _is_bot_mention(entity, bot_id):
            text = entity.get("text")
            if isinstance(text, str) and text:
                found.append(text)
    return found


def _listed(entities: Any, bot_id: str | None) -> bool:
    return any(_is_bot_mention(e, bot_id) for e in (entities if isinstance(entities, list) else []))


def _is_bot_mention(entity: Any, bot_id: str | None) -> bool:
    if not isinstance(entity, dict) or entity.get("type") != "mention" or bot_id is None:
        return False
    mentioned = entity.get("mentioned")
    return isinstance(mentioned, dict) and mentioned.get("id") == bot_id


def _from_html(markup: str) -> str:
    reader = _Reader()
    reader.feed(markup)
    reader.close()
    lines = [" ".join(line.split()) for line in "".join(reader.parts).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))


class _Reader(HTMLParser):
    """Text the way it reads: block elements and <br> as line breaks, links with their target."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._links: list[tuple[str | None, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br" or tag in _BLOCKS:
            self.parts.append("\n")
        elif tag == "li":
            self.parts.append("\n• ")
        elif tag == "at":
            self.parts.append("@")
        elif tag == "a":
            self._links.append((dict(attrs).get("href"), len(self.parts)))
        elif tag == "img":
            alt = dict(attrs).get("alt")
            self.parts.append(f" {alt} " if alt else " ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n")
        elif tag == "a" and self._links:
            href, start = self._links.pop()
            label = "".join(self.parts[start:]).strip()
            target = (href or "").strip().removeprefix("mailto:").removeprefix("tel:")
            if target and _bare(label) != _bare(target):
                self.parts.append(f" ({target})" if label else target)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _bare(address: str) -> str:
    """An address as Teams shows it when it links what was typed: no scheme, no trailing slash."""
    return re.sub(r"^[a-z][a-z0-9+.-]*://", "", address.strip(), flags=re.I).rstrip("/").lower()
