"""Printing untrusted text to an analyst's terminal, and plain aligned tables.

A report quotes whatever a hostile contact sent; pasted into a chat it may carry escape
sequences that, printed raw, could retitle the window, hide lines, rewrite what is on
screen or (in some terminals) send keystrokes back. Everything a person did not type
at this terminal goes through `safe()` before it is printed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TextIO

from bot.analyst_text import clean_text


def safe(text: str | None, *, multiline: bool = False) -> str:
    """Text that cannot drive the terminal: escapes and control characters removed."""
    if text is None:
        return ""
    cleaned = clean_text(text, keep_newlines=True)
    # On one line, a line break becomes a space so the words stay apart.
    return cleaned if multiline else " ".join(cleaned.split())


def when(moment: datetime | None, *, seconds: bool = False) -> str:
    """A time to the minute (or second), in UTC, labelled as such."""
    if moment is None:
        return "-"
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC" if seconds else "%Y-%m-%d %H:%M UTC")


def words(value: str | None) -> str:
    """An enum value as words: "in_progress" → "in progress"."""
    return "" if value is None else value.replace("_", " ")


def print_table(headers: Sequence[str], rows: Sequence[Sequence[str]], out: TextIO) -> None:
    """Columns padded to their widest cell; cells are expected to be safe() already."""
    widths = [len(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))
    lines = [headers, ["-" * w for w in widths], *rows]
    for line in lines:
        print("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)).rstrip(), file=out)
