"""clean_text, the first step of every normal form: what it removes, said one character at a
time, is what it does, whatever the text (escapes, controls, bidi overrides, tabs, CRLF)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.normalise.text import _ESCAPES, clean_text
from bot.text_safety import UNSAFE_CHARS

# Characters a hostile or pasted text brings, mixed with ordinary ones.
HOSTILE = st.text(
    st.sampled_from(
        [
            *"aZ 9é中\n\t\r\x1b[]31m;\\\x07\x9c\x9b\x90P",
            "\x00",
            "\x08",
            "\x0b",
            "\x7f",
            "\u202e",
            "\u2066",
            "\u200b",
            "\ufeff",
            "\u061c",
        ]
    )
    | st.characters(),
    max_size=60,
)


def one_character_at_a_time(text: str, keep_newlines: bool) -> str:
    """The rule as written: escapes out whole, then each character kept, turned into a space
    (a tab), dropped (unsafe, or a newline when not kept)."""
    kept = []
    for char in _ESCAPES.sub("", text.replace("\r\n", "\n")):
        if char == "\n":
            kept.append(char if keep_newlines else "")
        elif char == "\t":
            kept.append(" ")
        elif not UNSAFE_CHARS.match(char):
            kept.append(char)
    return "".join(kept).strip()


@given(HOSTILE, st.booleans())
def test_clean_text_removes_exactly_what_the_rule_says(text, keep_newlines):
    assert clean_text(text, keep_newlines=keep_newlines) == one_character_at_a_time(text, keep_newlines)


def test_what_a_reader_would_see_is_kept_and_the_rest_goes():
    typed = "\x1b[31mAnna\u202e Smith\u200b\r\n\tlinkedin.com/in/anna\x07 "
    assert clean_text(typed, keep_newlines=True) == "Anna Smith\n linkedin.com/in/anna"
    assert clean_text(typed, keep_newlines=False) == "Anna Smith linkedin.com/in/anna"
