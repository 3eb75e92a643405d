"""One set of text-safety rules (bot/text_safety.py), held by every renderer, for any text at all.

Whatever a reporter, a contact or an analyst types, no renderer shows a control, direction-override
or invisible character, and each platform's markup characters arrive escaped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.console.render import render as console_render
from adapters.inbox.email_body import html, plain_text
from adapters.slack import blocks
from adapters.slack.inbox.cards import all_text, card_blocks, safe, to_dicts
from adapters.teams import text as teams_text
from adapters.teams.inbox_cards import card_activity
from bot.analyst_text import clean_text as analyst_clean
from bot.inbox_events import EventKind, InboxEvent
from bot.messages import Text
from bot.report import Contact
from bot.text_safety import CONTROLS, INVISIBLE, UNSAFE_CHARS, clean
from flows import validators
from tests.factories import CREATED_AT, make_report

# Every kind of character, with the ones that matter drawn often.
TRICKY = list(
    "<>&*_[]`~|#-=+\\!@.:/ \n\r\t\u200b\u200c\u200d\u200e\u202e\u2066\u2060\x1b\x07\x00\x85\x9b\ufeff"
)
TEXT = st.text(st.one_of(st.characters(), st.sampled_from(TRICKY)), max_size=120)
ALLOWED = frozenset("\n\t")


def _event(text: str) -> InboxEvent:
    report = make_report(reference="TIP-7K3Q9D", what_happened=text, contact=Contact(name_used=text))
    return InboxEvent.about(EventKind.SUBMITTED, report, CREATED_AT)


def _teams_card(text: str) -> str:
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            found.extend(v for k, v in node.items() if k in ("text", "value", "title") and isinstance(v, str))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card_activity(_event(text)))
    return "\n".join(found)


RENDERERS: dict[str, Callable[[str], str]] = {
    "text_safety.clean": clean,
    "slack inbox card": lambda t: all_text(to_dicts(card_blocks(_event(t)))),
    "slack inbox safe": safe,
    "slack reporter escape": blocks.escape,
    "teams escape": teams_text.escape,
    "teams fit": lambda t: teams_text.fit(t, 50),
    "teams plain": lambda t: teams_text.plain(t, 50),
    "teams inbox card": _teams_card,
    "email plain text": lambda t: plain_text(_event(t)),
    "email html": lambda t: html(_event(t)),
    "console": lambda t: console_render(Text(t)),
    "analyst text": lambda t: analyst_clean(t, keep_newlines=True),
    "flows answer": lambda t: validators.clean_text(t)[0],
}


@settings(max_examples=60, deadline=None)
@given(TEXT)
def test_no_renderer_shows_a_control_direction_or_invisible_character(text: str) -> None:
    for name, render in RENDERERS.items():
        shown = render(text)
        unsafe = {c for c in shown if UNSAFE_CHARS.match(c) and c not in ALLOWED}
        assert not unsafe, (name, sorted(unsafe))


@given(TEXT)
def test_slack_text_has_no_markup_left(text: str) -> None:
    for shown in (safe(text), blocks.escape(text)):
        assert "<" not in shown and ">" not in shown
        assert re.sub(r"&(?:amp|lt|gt);", "", shown).count("&") == 0


@given(TEXT)
def test_teams_text_has_every_markup_character_escaped(text: str) -> None:
    escaped = teams_text.escape(text)
    bare = re.sub(r"\\.", "", escaped, flags=re.DOTALL)
    assert not set(bare) & set("\\`*_[]<>&~|")
    # An escaped character still stands where it is ("\\<=" starts with "<", not "="): only an
    # unescaped marker that really begins a line could make a heading, a quote or a list.
    placed = re.sub(r"\\.", "x", escaped, flags=re.DOTALL)
    assert not re.search(r"^[ \t]*[#>+\-=]", placed, re.MULTILINE)


@settings(max_examples=40, deadline=None)
@given(TEXT)
def test_email_html_has_only_our_own_tags(text: str) -> None:
    ours = r"</?(?:!DOCTYPE|html|head|meta|title|body|h1|h2|table|tr|th|td|ul|li|br|p|small)\b[^<>]*>"
    assert "<" not in re.sub(ours, "", html(_event(text)))


def test_the_flows_copy_of_the_rules_agrees_with_bot_text_safety() -> None:
    controls = re.compile(f"[{CONTROLS}]")
    invisible = re.compile(f"[{INVISIBLE}]")
    for code in range(0x10000):  # every control and invisible character is in the BMP
        char = chr(code)
        if char in "\n\t\r" or unicodedata.category(char) == "Cs":
            continue
        text, refused = validators.clean_text(f"a{char}b")
        if controls.match(char):
            assert refused and text == "ab", hex(code)
        elif invisible.match(char):
            assert not refused and text == "ab", hex(code)
        else:
            assert not refused, hex(code)
