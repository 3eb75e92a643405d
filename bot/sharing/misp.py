"""Subjects as MISP events, built with pymisp and its bundled object templates.

One event per subject. The persona is an `identity` object (the STIX-shaped template: a name,
a class, contact information; not `person`, which is for a real, known individual); the
organisation it claimed an `organization`; each profile a `user-account` (account-type
"linkedin" and the like, the profile's address as its link) with a `url` for matching; each
address an `email` (from), each number a `phone-number`, each site a `url`, each of its own
domains a `domain-ip`. The values partners match on have to_ids set; names and descriptions do
not. Tags: the TLP level and the kinds of approach. The summary (and, when asked, each
reporter's narrative) are text attributes. Every uuid and timestamp comes from the reports,
so exporting twice gives the same event.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pymisp import MISPEvent, MISPObject, MISPOrganisation

from bot.sharing.ids import stable_uuid
from bot.sharing.subject import Subject
from bot.sharing.summary import narrative_text, summary_text, words
from bot.sharing.text import defanged, shown
from bot.sharing.tlp import Tlp

# MISP's threat levels: 1 high, 2 medium, 3 low, 4 undefined.
_THREAT_LEVEL = {"critical": 1, "high": 1, "medium": 2, "low": 3}
# Who the receiving MISP may pass it to: 0 this organisation, 1 this community, 3 all communities.
_DISTRIBUTION = {Tlp.RED: 0, Tlp.AMBER: 1, Tlp.GREEN: 1, Tlp.CLEAR: 3}
TAG_NAMESPACE = "tipline"


@dataclass(frozen=True)
class MispOptions:
    tlp: Tlp
    organisation: str


def events(subjects: Sequence[Subject], options: MispOptions) -> list[MISPEvent]:
    return [event(subject, options) for subject in subjects]


def document(made: MISPEvent) -> dict[str, Any]:
    """The event in MISP's own JSON import format, {"Event": {...}}."""
    return {"Event": json.loads(made.to_json())}


def event(subject: Subject, options: MispOptions) -> MISPEvent:
    made = MISPEvent()
    made.uuid = stable_uuid("misp-event", subject.key)
    made.info = shown(f"Suspicious approach to staff by {subject.name} ({subject.title})")
    made.date = subject.created.date()
    made.threat_level_id = _THREAT_LEVEL[subject.severity.value]
    made.analysis = _analysis(subject)
    made.distribution = _DISTRIBUTION[options.tlp]
    made.published = False
    made.timestamp = subject.modified
    creator = MISPOrganisation()
    creator.from_dict(name=shown(options.organisation), uuid=stable_uuid("misp-org", options.organisation))
    made.Orgc = creator
    made.add_tag(options.tlp.misp_tag)
    for kind in subject.approach_kinds:
        made.add_tag(f'{TAG_NAMESPACE}:approach="{kind.value}"')
    for channel in subject.channels:
        made.add_tag(f'{TAG_NAMESPACE}:channel="{channel.value}"')

    objects = _Objects(made, subject)
    persona = objects.add(
        "identity",
        "persona",
        [("name", shown(subject.name), False), ("identity_class", "individual", False)]
        + [("name", shown(n), False) for n in subject.names[1:]]
        + [("description", _persona_description(subject), False)]
        + [("contact_information", _contact(subject), False)] * bool(subject.emails or subject.phones),
    )
    for organisation in subject.organisations:
        claimed = objects.add(
            "organization",
            organisation.casefold(),
            [
                ("name", shown(organisation), False),
                (
                    "description",
                    "Claimed by the persona: a cover company, or a real one used as a mask.",
                    False,
                ),
            ],
        )
        objects.refer(persona, claimed, "affiliated")
    for profile in subject.profiles:
        account = objects.add(
            "user-account",
            profile.url,
            [
                ("account-type", profile.account_type, False),
                ("username", profile.user_id, True),
                ("link", profile.url, False),
                ("display-name", shown(subject.name), False),
            ],
        )
        objects.refer(persona, account, "owner-of")
        address = objects.add("url", profile.url, [("url", profile.url, True)])
        objects.refer(account, address, "related-to")
    for email in subject.emails:
        sender = objects.add("email", email, [("from", email, True), *_display_name(subject)])
        objects.refer(persona, sender, "user-of")
    for phone in subject.phones:
        number = objects.add("phone-number", phone, [("phone-number", phone, True)])
        objects.refer(persona, number, "user-of")
    for site in subject.websites:
        page = objects.add("url", site, [("url", site, True)])
        objects.refer(persona, page, "related-to")
    for domain in subject.domains:
        owned = objects.add("domain-ip", domain, [("domain", domain, True)])
        objects.refer(persona, owned, "user-of")

    objects.text("summary", summary_text(subject), "Security team summary")
    for story in subject.narrative:
        objects.text(
            f"narrative:{story.reference}",
            narrative_text(story),
            f"What the reporter told us ({story.reference}), without who they are",
        )
    return made


class _Objects:
    """Objects and attributes of one event, with uuids and timestamps from the subject."""

    def __init__(self, event: MISPEvent, subject: Subject) -> None:
        self.event = event
        self.subject = subject

    def add(self, template: str, key: str, values: list[tuple[str, str, bool]]) -> MISPObject:
        made = MISPObject(template, strict=True, standalone=False)
        made.uuid = stable_uuid("misp-object", self.subject.key, template, key)
        made.timestamp = self.subject.modified
        made.first_seen = self.subject.first_seen
        for relation, value, to_ids in values:
            attribute = made.add_attribute(
                relation, value=value, to_ids=to_ids, disable_correlation=not to_ids
            )
            self._stamp(attribute, made.uuid, relation, value)
        self.event.add_object(made)
        return made

    def refer(self, source: MISPObject, target: MISPObject, relationship: str) -> None:
        reference = source.add_reference(target.uuid, relationship)
        reference.uuid = stable_uuid("misp-reference", source.uuid, relationship, target.uuid)
        reference.timestamp = int(self.subject.modified.timestamp())

    def text(self, key: str, value: str, comment: str) -> None:
        attribute = self.event.add_attribute(
            "text", value, category="Other", comment=comment, to_ids=False, disable_correlation=True
        )
        self._stamp(attribute, self.event.uuid, "text", key)

    def _stamp(self, attribute: object, owner: str, relation: str, value: str) -> None:
        attribute.uuid = stable_uuid("misp-attribute", owner, relation, value)  # type: ignore[attr-defined]
        attribute.timestamp = self.subject.modified  # type: ignore[attr-defined]


def _analysis(subject: Subject) -> int:
    """0 initial, 1 ongoing, 2 complete: complete once every report is closed."""
    statuses = {s.value for s in subject.statuses}
    if statuses == {"closed"}:
        return 2
    return 0 if statuses == {"new"} else 1


def _display_name(subject: Subject) -> list[tuple[str, str, bool]]:
    return [("from-display-name", shown(subject.names[0]), False)] if subject.names else []


def _contact(subject: Subject) -> str:
    lines = [f"Email: {defanged(e)}" for e in subject.emails] + [f"Phone: {p}" for p in subject.phones]
    return "\n".join(lines)


def _persona_description(subject: Subject) -> str:
    n = subject.count
    seen = f"{n} report{'' if n == 1 else 's'}: {', '.join(subject.references)}"
    text = f"A persona that approached staff ({seen})."
    if subject.channels:
        text += " Made contact by: " + ", ".join(words(c) for c in subject.channels) + "."
    return text
