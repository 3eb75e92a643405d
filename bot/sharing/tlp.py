"""Traffic Light Protocol levels, as the SHARING_TLP setting and the --tlp flag take them."""

from __future__ import annotations

from enum import StrEnum

DEFAULT_TLP = "amber"


class Tlp(StrEnum):
    CLEAR = "clear"  # TLP 2.0's name for WHITE
    GREEN = "green"
    AMBER = "amber"
    RED = "red"

    @property
    def label(self) -> str:
        return f"TLP:{self.value.upper()}"

    @property
    def misp_tag(self) -> str:
        return f"tlp:{self.value}"


def parse_tlp(text: str) -> Tlp:
    """ "amber", "TLP:AMBER", "tlp:Amber", "white" (the older name for clear)..."""
    word = text.strip().lower().removeprefix("tlp:").strip()
    if word == "white":
        word = "clear"
    try:
        return Tlp(word)
    except ValueError:
        raise ValueError(
            f"{text.strip()[:40]!r} is not a TLP level; use one of "
            + ", ".join(t.label for t in Tlp)
            + " (TLP:AMBER+STRICT has no STIX 2.1 marking: use TLP:AMBER or TLP:RED)"
        ) from None
