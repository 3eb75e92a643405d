"""Free-text answers as people really type them."""

from __future__ import annotations

import pytest

from flows.validators import Invalid, Valid, check_text_answer, clean_text
from tests.flows.helpers import FLOW, NOW


def check(step_id: str, text: str):
    return check_text_answer(FLOW.step(step_id), text, NOW, "GB")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("020 7946 0000", ["+442079460000"]),
        ("+44 7700 900123, +7 495 123 45 67", ["+447700900123", "+74951234567"]),
        ("07700 900123 or 020 7946 0000", ["+447700900123", "+442079460000"]),
    ],
)
def test_phone_numbers_in_the_usual_forms_become_international(typed, expected):
    assert check("phones", typed) == Valid(expected)


@pytest.mark.parametrize("typed", ["4521", "12345", "call me", "+44"])
def test_an_extension_or_a_fragment_is_not_made_into_a_phone_number(typed):
    result = check("phones", typed)
    assert isinstance(result, Invalid) and result.code == "not_phone"


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("3 days ago", "2026-11-20"),
        ("last week", "2026-11-16"),
        ("yesterday", "2026-11-22"),
        ("12 March", "2026-03-12"),
    ],
)
def test_relative_and_partial_dates_are_understood(typed, day):
    assert check("first_contact", typed) == Valid({"on": day, "as_told": typed})


def test_a_vague_date_is_kept_in_the_reporters_words():
    assert check("first_contact", "early March") == Valid({"on": None, "as_told": "early March"})
    assert check("first_contact", "not sure") == Valid({"on": None, "as_told": "not sure"})


def test_several_emails_and_urls_split_on_commas_spaces_and_semicolons():
    assert check("emails", "a@x.org; B@Y.org") == Valid(["a@x.org", "b@y.org"])
    assert check("websites", "x.org/a, https://y.org") == Valid(["https://x.org/a", "https://y.org"])


def test_skip_words_leave_an_optional_answer_empty_but_not_a_required_one():
    assert check("name_used", "skip") == Valid(None)
    assert check("what_happened", "skip") == Valid("skip")


def test_hidden_characters_are_found_and_removed():
    assert clean_text("Ivan\u202e Petrov\x1b[31m") == ("Ivan Petrov[31m", True)
    assert clean_text("line one\r\nline two") == ("line one\nline two", False)
