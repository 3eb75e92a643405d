"""The "Add to the watchlist" form, as data: what Slack's modal and Teams' card both ask for,
reading a filled-in form back into an entry, and what to say when it is added.

A security officer copies an alert into it: names, organisations, profile addresses, emails,
domains, phones and websites one per line (several on a line, separated by commas, for all
but names and phones, which contain commas and spaces of their own), and the alert's title as
the source. A mistake is named against its field, so the form can show it beside that field
with everything typed kept; nothing is added until the whole form is right.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from pydantic import ValidationError

from bot.watchlist.model import INDICATOR_FIELDS, MAX_NOTES, MAX_SOURCE, EntryContent
from bot.watchlist.service import Added

MAX_LIST_TEXT = 3000  # what one box of values may hold (Slack's input limit is 3000)


@dataclass(frozen=True)
class FormField:
    id: str  # the EntryContent field it fills
    label: str
    hint: str
    multiline: bool = True
    required: bool = False
    max_length: int = MAX_LIST_TEXT


FIELDS: tuple[FormField, ...] = (
    FormField("source", "Source", "The alert's title, e.g. MI5 espionage alert to Parliament", False, True,
              MAX_SOURCE),
    FormField("source_date", "Date of the alert", "YYYY-MM-DD", False, max_length=10),
    FormField("names", "Names", "One per line, as the alert spells them"),
    FormField("organisations", "Organisations", "One per line, e.g. BR-YR Executive Search"),
    FormField("profile_urls", "Profile addresses", "One per line, e.g. https://www.linkedin.com/in/…"),
    FormField("emails", "Email addresses", "One per line"),
    FormField("email_domains", "Email domains", "A company's own domain, e.g. example.com"),
    FormField("phones", "Phone numbers", "One per line, with the country code"),
    FormField("websites", "Websites", "One per line"),
    FormField("notes", "Notes for the security team", "Optional", max_length=MAX_NOTES),
)  # fmt: skip
FIELD_IDS = frozenset(f.id for f in FIELDS)
NO_INDICATOR = (
    "Give at least one way to recognise the contact: a profile address, email, phone, website, "
    "or a name (with an organisation, for a match)."
)
_SEPARATORS = {"names": r"\n", "phones": r"\n|;"}  # the rest: new lines, commas, semicolons


class FormErrors(Exception):
    """What is wrong, by field id: shown beside each field, nothing added."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = dict(errors)


def read_form(values: Mapping[str, str | None]) -> EntryContent:
    """The entry a filled-in form describes; FormErrors naming each field that is wrong."""
    errors: dict[str, str] = {}
    data: dict[str, object] = {}
    for field in FIELDS:
        try:
            value = _read(field, (values.get(field.id) or "").strip())
        except ValueError as exc:
            errors[field.id] = str(exc)
            continue
        if value:
            data[field.id] = value
    if not data.get("source") and "source" not in errors:
        errors["source"] = "Say where this comes from: the alert's title."
    try:
        content = EntryContent.model_validate(data)
    except ValidationError as exc:  # every mistake at once, not one per submission
        for field_id, message in _field_errors(exc).items():
            errors.setdefault(field_id, message)
    if errors:
        raise FormErrors(errors)
    return content


def _read(field: FormField, text: str) -> object:
    if len(text) > field.max_length:
        raise ValueError(f"This is longer than {field.max_length} characters.")
    if field.id in INDICATOR_FIELDS:
        separator = _SEPARATORS.get(field.id, r"[\n,;]")
        return [value.strip() for value in re.split(separator, text) if value.strip()]
    if field.id == "source_date" and text:
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise ValueError("Give the date as YYYY-MM-DD, e.g. 2025-11-18.") from None
    return text


def _field_errors(exc: ValidationError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for error in exc.errors():
        loc = error.get("loc") or ()
        field = str(loc[0]) if loc else ""
        if field not in FIELD_IDS:  # the whole entry: no indicator at all
            errors.setdefault("profile_urls", NO_INDICATOR)
            continue
        message = str(error.get("msg", "")).removeprefix("Value error, ")
        errors.setdefault(field, message[:1].upper() + message[1:] + ("" if message.endswith(".") else "."))
    return errors


def added_text(label: str, added: Added) -> str:
    """What the security officer reads once the form is in: what was added, and what the
    retro-hunt found."""
    if not added.entries:
        return f"{label} is already on the watchlist with the same indicators and source: nothing added."
    earlier = len({hit.reference for hit in added.earlier})
    hunt = (
        f" {earlier} earlier report{'s match' if earlier != 1 else ' matches'} it: "
        f"{'they have' if earlier != 1 else 'it has'} been updated and flagged in the inbox."
        if earlier
        else " No earlier report matches it."
    )
    return (
        f"Added {label} to the watchlist as #{added.entries[0].id}. New reports are checked against it "
        f"as they are typed.{hunt}"
    )
