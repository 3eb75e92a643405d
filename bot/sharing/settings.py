"""The sharing settings: SHARING_TLP (default TLP:AMBER) and SHARING_ORGANISATION."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.normalise import DEFAULT_PHONE_REGION
from bot.settings import SettingsError
from bot.sharing.tlp import DEFAULT_TLP, Tlp, parse_tlp

DEFAULT_ORGANISATION = "Security team"
MAX_ORGANISATION = 200


@dataclass(frozen=True)
class SharingSettings:
    tlp: Tlp = Tlp.AMBER
    # Who partners see as the source of an export (the sighting's "where", every object's creator).
    organisation: str = DEFAULT_ORGANISATION
    phone_region: str = DEFAULT_PHONE_REGION


def load_sharing_settings(
    env: Mapping[str, str], phone_region: str = DEFAULT_PHONE_REGION
) -> SharingSettings:
    raw_tlp = env.get("SHARING_TLP", "").strip() or DEFAULT_TLP
    try:
        tlp = parse_tlp(raw_tlp)
    except ValueError as exc:
        raise SettingsError(f"SHARING_TLP: {exc}") from None
    organisation = " ".join(env.get("SHARING_ORGANISATION", "").split()) or DEFAULT_ORGANISATION
    if len(organisation) > MAX_ORGANISATION:
        raise SettingsError(f"SHARING_ORGANISATION: at most {MAX_ORGANISATION} characters, please")
    return SharingSettings(tlp=tlp, organisation=organisation, phone_region=phone_region)
