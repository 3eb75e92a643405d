"""Names and firms as people type them: reordered, in capitals, with initials or accents, with
or without suffixes, hyphens and spaces. A look-alike who is someone else stays someone else."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.normalise import (
    name_similarity,
    name_words,
    organisation_key,
    organisations_match,
)
from bot.normalise.thresholds import NAME_SIMILARITY

GIVEN = st.sampled_from(["Amanda", "Shirly", "Wei", "Jean-Luc", "Zoë", "José", "Łukasz", "Siobhán"])
FAMILY = st.sampled_from(["Qiu", "Shen", "Müller", "O'Brien", "García", "Nguyễn", "Smith"])


def same_name(a: str, b: str) -> bool:
    return name_similarity(name_words(a), name_words(b)) >= NAME_SIMILARITY


@given(GIVEN, FAMILY, st.integers(0, 4))
def test_the_same_name_however_it_is_typed(given_name, family, style):
    typed = [
        f"{family}, {given_name}",
        f"{family.upper()} {given_name}",
        f"{given_name.lower()} {family.lower()}",
        f"  Dr {given_name}   {family} ",
        f"{given_name[0]}. {family}",
    ][style]
    assert same_name(typed, f"{given_name} {family}")


@given(GIVEN, FAMILY, FAMILY)
def test_same_first_name_different_family_is_someone_else(given_name, family, other):
    if family != other:
        assert not same_name(f"{given_name} {family}", f"{given_name} {other}")


@pytest.mark.parametrize(
    ("typed", "named"),
    [
        ("Zoe Muller", "Zoë Müller"),
        ("Jose Garcia", "José García"),
        ("QIU Amanda", "Amanda Qiu"),
        ("A Qiu", "Amanda Qiu"),
        ("Amanda J. Qiu", "Amanda Qiu"),
        ("Amanda Qui", "Amanda Qiu"),
        ("邱曼达", "Qiu Manda"),
        ("Shirly SHEN", "Shirly Shen"),
    ],
)
def test_names_people_really_type(typed, named):
    assert same_name(typed, named)


@pytest.mark.parametrize(
    ("typed", "named"),
    [
        ("Amanda", "Amanda Qiu"),
        ("Amanda Chen", "Amanda Qiu"),
        ("B. Qiu", "Amanda Qiu"),
        ("Qiu", "Amanda Qiu"),
    ],
)
def test_too_little_or_someone_else_is_not_the_name(typed, named):
    assert not same_name(typed, named)


@pytest.mark.parametrize(
    "typed",
    [
        "BR-YR Executive Search",
        "BR YR Exec Search",
        "BRYR Executive Search Ltd",
        "br-yr executive search (Beijing)",
        "BR-YR Executive Search Co., Ltd.",
        "BR–YR EXECUTIVE SEARCH LIMITED",
    ],
)
def test_one_firm_with_or_without_suffix_hyphen_or_spaces(typed):
    assert organisation_key(typed) == "bryrexecutivesearch"


def test_one_slip_in_a_long_name_is_forgiven_but_a_different_firm_is_not():
    union = organisation_key("Internship Union")
    assert organisations_match(organisation_key("InternshipUnion"), union)
    assert organisations_match(organisation_key("Internships Union"), union)
    assert not organisations_match(organisation_key("Intern Union"), union)
    assert not organisations_match(
        organisation_key("BR-YR Talent Partners"), organisation_key("BR-YR Executive Search")
    )
    assert not organisations_match(organisation_key("Acne Ltd"), organisation_key("Acme"))
