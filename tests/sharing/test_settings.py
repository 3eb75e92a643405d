"""SHARING_TLP and SHARING_ORGANISATION: defaults, the spellings people use, a mistake named."""

from __future__ import annotations

import pytest

from bot.settings import SettingsError
from bot.sharing import Tlp, parse_tlp
from bot.sharing.settings import load_sharing_settings


def test_defaults_are_tlp_amber_and_a_plain_name():
    settings = load_sharing_settings({}, "GB")
    assert (settings.tlp, settings.organisation, settings.phone_region) == (Tlp.AMBER, "Security team", "GB")


@pytest.mark.parametrize(
    ("text", "tlp"),
    [
        ("TLP:RED", Tlp.RED),
        ("green", Tlp.GREEN),
        (" tlp:Amber ", Tlp.AMBER),
        ("white", Tlp.CLEAR),
        ("CLEAR", Tlp.CLEAR),
    ],
)
def test_tlp_spellings(text, tlp):
    assert parse_tlp(text) is tlp
    assert load_sharing_settings({"SHARING_TLP": text}).tlp is tlp


def test_a_tlp_that_is_not_one_names_the_setting():
    with pytest.raises(
        SettingsError, match=r"^SHARING_TLP: 'TLP:PURPLE' is not a TLP level; use one of TLP:CLEAR"
    ):
        load_sharing_settings({"SHARING_TLP": "TLP:PURPLE"})


def test_amber_strict_is_refused_with_what_to_use_instead():
    with pytest.raises(ValueError, match=r"use TLP:AMBER or TLP:RED"):
        parse_tlp("TLP:AMBER+STRICT")


def test_the_organisation_is_one_line_and_bounded():
    assert (
        load_sharing_settings({"SHARING_ORGANISATION": "  Dept of\n Examples "}).organisation
        == "Dept of Examples"
    )
    with pytest.raises(SettingsError, match=r"^SHARING_ORGANISATION: at most 200"):
        load_sharing_settings({"SHARING_ORGANISATION": "x" * 201})
