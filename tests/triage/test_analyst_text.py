"""What analysts type, made safe to store and show; references typed loosely."""

from __future__ import annotations

import pytest

from bot.analyst_text import clean_text, parse_reference


def test_clean_text_removes_escape_sequences_whole():
    raw = "\x1b]0;owned\x07a\x1b[1;31mb\x1b[0m\x9b2Jc\x1b]8;;https://x\x1b\\d\x1b]8;;\x1b\\"
    assert clean_text(raw, keep_newlines=False) == "abcd"


def test_clean_text_keeps_text_after_an_unterminated_escape():
    assert clean_text("\x1b]hidden?", keep_newlines=False) == "hidden?"


def test_clean_text_keeps_newlines_only_when_asked():
    raw = " one\r\ntwo\tthree\u202e\x00 "
    assert clean_text(raw, keep_newlines=True) == "one\ntwo three"
    assert clean_text(raw, keep_newlines=False) == "onetwo three"


@pytest.mark.parametrize("typed", ["TIP-7K3Q9D", "tip-7k3q9d", "7K3Q9D", " tip 7k3q9d ", "TIP - 7K3Q9D"])
def test_parse_reference_accepts_loose_typing(typed):
    assert parse_reference(typed) == "TIP-7K3Q9D"


@pytest.mark.parametrize("typed", ["", "TIP-", "TIP-0O1IL5", "TIP-7K3Q9DX", "\x1b[2Jhello"])
def test_parse_reference_refuses_what_cannot_be_one(typed):
    with pytest.raises(ValueError, match="is not a report reference; they look like TIP-7K3Q9D") as raised:
        parse_reference(typed)
    assert "\x1b" not in str(raised.value)
