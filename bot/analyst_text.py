"""Text that analysts type, and references they type loosely, made safe to store and show."""

from __future__ import annotations

from bot.normalise.text import clean_text
from bot.report import is_reference, normalise_reference

__all__ = ["bounded_text", "clean_text", "parse_reference"]


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
