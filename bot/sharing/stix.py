"""Subjects as a STIX 2.1 bundle, built with the stix2 library.

For each subject (one report today, a campaign later):
  - the persona, as an `identity` (individual) or, when the team says so, a `threat-actor`;
  - the organisation it claimed, as an `identity` (organization), `related-to` the persona;
  - its profiles as `user-account` objects, its addresses as `email-addr`, its sites as `url`
    and its own domains as `domain-name` (Cyber-observables, ids from their values), each
    `related-to` the persona;
  - its phone numbers in a property extension on the persona (STIX 2.1 has no phone object):
    see PHONE_EXTENSION;
  - an `indicator` with a STIX pattern for each address, site, profile and domain, which
    `indicates` a threat-actor persona (or is `related-to` an identity one);
  - a `sighting` of the persona by the reporting organisation: how many approaches, first and
    last seen;
  - a `grouping` (context suspicious-activity) of all of it, and a `note` with the security
    team's summary (and, with --include-narrative, one note per report with what its reporter
    told us, without who they are).
Every object carries the TLP marking; the bundle holds the marking definition itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import stix2
from stix2.patterns import EqualityComparisonExpression, ObjectPath, ObservationExpression, StringConstant
from stix2.properties import ListProperty, StringProperty

from bot.sharing.ids import stix_id
from bot.sharing.subject import Subject
from bot.sharing.summary import narrative_text, summary_text, words
from bot.sharing.text import defanged, shown
from bot.sharing.tlp import Tlp

# Objects that describe Tipline itself, not any report: one fixed version each.
TIPLINE_CREATED = datetime(2026, 1, 1, tzinfo=UTC)
TIPLINE_IDENTITY = stix_id("identity", "tipline")
PHONE_EXTENSION = stix_id("extension-definition", "tipline", "phone-numbers", "1.0")
PHONE_EXTENSION_SCHEMA = (
    "Tipline phone numbers, version 1.0: a property extension for identity and threat-actor "
    "objects. Property phone_numbers (list of string, required): the telephone numbers the "
    "persona used, in E.164 form (+442079460000) where the number could be read, otherwise "
    "the digits as reported. STIX 2.1 has no Cyber-observable for a phone number."
)

_MARKINGS: dict[Tlp, stix2.MarkingDefinition] = {
    Tlp.CLEAR: stix2.TLP_WHITE,
    Tlp.GREEN: stix2.TLP_GREEN,
    Tlp.AMBER: stix2.TLP_AMBER,
    Tlp.RED: stix2.TLP_RED,
}


@stix2.v21.CustomExtension(
    PHONE_EXTENSION,
    [
        ("extension_type", StringProperty(required=True, fixed="property-extension")),
        ("phone_numbers", ListProperty(StringProperty, required=True)),
    ],
)
class PhoneNumbers:
    """Registered with stix2 so that it checks the extension and stix2.parse reads it back."""


@dataclass(frozen=True)
class StixOptions:
    tlp: Tlp
    organisation: str  # the reporting organisation's name, as partners should see it
    as_threat_actor: bool = False


def bundle(subjects: Sequence[Subject], options: StixOptions) -> stix2.Bundle:
    """One bundle for all the subjects; the same subjects and options give the same bundle."""
    marking = _MARKINGS[options.tlp]
    org = organisation_identity(options.organisation, marking)
    objects: dict[str, Any] = {marking.id: marking, org.id: org}
    for subject in subjects:
        if subject.phones and PHONE_EXTENSION not in objects:
            for made in _phone_extension(marking):
                objects[made.id] = made
        for made in subject_objects(subject, org, marking, options.as_threat_actor):
            # Cyber-observables shared by two subjects (the same profile) are one object.
            objects.setdefault(made.id, made)
    keys = sorted(s.key for s in subjects)
    kind = "threat-actor" if options.as_threat_actor else "identity"
    bundle_id = stix_id("bundle", options.tlp.value, options.organisation, kind, *keys)
    return stix2.Bundle(objects=list(objects.values()), id=bundle_id)


def organisation_identity(name: str, marking: stix2.MarkingDefinition) -> stix2.Identity:
    return stix2.Identity(
        id=stix_id("identity", "organisation", name),
        name=shown(name),
        identity_class="organization",
        description="The organisation whose staff reported the approaches.",
        created=TIPLINE_CREATED,
        modified=TIPLINE_CREATED,
        object_marking_refs=[marking],
    )


def subject_objects(
    subject: Subject, org: stix2.Identity, marking: stix2.MarkingDefinition, as_threat_actor: bool
) -> list[Any]:
    made = _Made(subject, org, marking)
    persona = made.persona(as_threat_actor)
    for organisation in subject.organisations:
        claimed = made.sdo(
            stix2.Identity,
            ("claimed-organisation", organisation.casefold()),
            name=shown(organisation),
            identity_class="organization",
            description="The organisation the persona claimed to represent: a cover company, or a "
            "real one used as a mask.",
        )
        made.relate(persona, "related-to", claimed, "The persona claimed to work for this organisation.")
    indicates = "indicates" if as_threat_actor else "related-to"
    for profile in subject.profiles:
        account = made.sco(
            stix2.UserAccount,
            account_type=profile.account_type,
            user_id=profile.user_id,
            account_login=profile.user_id,
        )
        made.relate(persona, "related-to", account, f"A {profile.account_type} profile the persona used.")
        made.observable_with_indicator(
            persona, indicates, stix2.URL(value=profile.url, object_marking_refs=[marking]), "url",
            profile.url, f"Profile address used by {subject.name}",
        )  # fmt: skip
    for email in subject.emails:
        made.observable_with_indicator(
            persona, indicates, stix2.EmailAddress(value=email, object_marking_refs=[marking]),
            "email-addr", email, f"Email address used by {subject.name}",
        )  # fmt: skip
    for site in subject.websites:
        made.observable_with_indicator(
            persona, indicates, stix2.URL(value=site, object_marking_refs=[marking]), "url", site,
            f"Website given by {subject.name}",
        )  # fmt: skip
    for domain in subject.domains:
        made.observable_with_indicator(
            persona, indicates, stix2.DomainName(value=domain, object_marking_refs=[marking]),
            "domain-name", domain, f"Domain used by {subject.name}",
        )  # fmt: skip
    made.sighting(persona)
    grouping = made.grouping()
    made.sdo(
        stix2.Note,
        ("summary",),
        abstract=f"Security team summary: {subject.title}",
        content=summary_text(subject),
        object_refs=[grouping.id, persona.id],
    )
    for story in subject.narrative:
        made.sdo(
            stix2.Note,
            ("narrative", story.reference),
            abstract=f"What the reporter told us ({story.reference}), without who they are",
            content=narrative_text(story),
            object_refs=[grouping.id, persona.id],
            labels=["reporter-narrative"],
        )
    return made.objects


class _Made:
    """The objects of one subject, in the order made; ids from the subject's key."""

    def __init__(self, subject: Subject, org: stix2.Identity, marking: stix2.MarkingDefinition) -> None:
        self.subject = subject
        self.org = org
        self.marking = marking
        self.objects: list[Any] = []

    def sdo(self, cls: type[Any], key: tuple[str, ...], **properties: Any) -> Any:
        made = cls(
            id=stix_id(cls._type, self.subject.key, *key),
            created=self.subject.created,
            modified=self.subject.modified,
            created_by_ref=self.org.id,
            object_marking_refs=[self.marking],
            **properties,
        )
        self.objects.append(made)
        return made

    def sco(self, cls: type[Any], **properties: Any) -> Any:
        made = cls(object_marking_refs=[self.marking], **properties)
        self.objects.append(made)
        return made

    def persona(self, as_threat_actor: bool) -> Any:
        subject = self.subject
        extensions = (
            {PHONE_EXTENSION: {"extension_type": "property-extension", "phone_numbers": list(subject.phones)}}
            if subject.phones
            else None
        )
        described = _persona_description(subject)
        if as_threat_actor:
            return self.sdo(
                stix2.ThreatActor,
                ("persona",),
                name=shown(subject.name),
                description=described,
                threat_actor_types=["spy"],
                roles=["agent"],
                aliases=[shown(n) for n in subject.names[1:]] or None,
                first_seen=subject.first_seen,
                last_seen=subject.last_seen,
                extensions=extensions,
            )
        contact = [f"Email: {defanged(e)}" for e in subject.emails]
        contact += [f"Phone: {p}" for p in subject.phones]
        return self.sdo(
            stix2.Identity,
            ("persona",),
            name=shown(subject.name),
            identity_class="individual",
            description=described,
            contact_information="\n".join(contact) or None,
            extensions=extensions,
        )

    def relate(self, source: Any, kind: str, target: Any, description: str) -> None:
        self.sdo(
            stix2.Relationship,
            ("relationship", source.id, kind, target.id),
            relationship_type=kind,
            source_ref=source.id,
            target_ref=target.id,
            description=description,
        )

    def observable_with_indicator(
        self, persona: Any, indicates: str, observable: Any, object_type: str, value: str, name: str
    ) -> None:
        self.objects.append(observable)
        self.relate(persona, "related-to", observable, name)
        pattern = ObservationExpression(
            EqualityComparisonExpression(ObjectPath(object_type, ["value"]), StringConstant(value))
        )
        indicator = self.sdo(
            stix2.Indicator,
            ("indicator", str(pattern)),
            name=shown(name),
            description=f"{shown(name)}: {defanged(value)}. Seen in {_reports(self.subject)}.",
            indicator_types=["attribution"],
            pattern=str(pattern),
            pattern_type="stix",
            valid_from=self.subject.first_seen,
        )
        self.relate(indicator, indicates, persona, f"This {words(object_type)} identifies the persona.")

    def sighting(self, persona: Any) -> None:
        subject = self.subject
        self.sdo(
            stix2.Sighting,
            ("sighting",),
            sighting_of_ref=persona.id,
            where_sighted_refs=[self.org.id],
            count=subject.count,
            first_seen=subject.first_seen,
            last_seen=max(subject.last_seen, subject.first_seen),
            description=f"Approaches to staff reported to {shown(self.org.name)}: {_reports(subject)}.",
        )

    def grouping(self) -> Any:
        subject = self.subject
        return self.sdo(
            stix2.Grouping,
            ("grouping",),
            name=shown(subject.title),
            context="suspicious-activity",
            description=f"A suspicious approach to staff by {shown(subject.name)}: "
            + (", ".join(words(k) for k in subject.approach_kinds) or "kind not given")
            + ".",
            labels=[f"approach:{k.value}" for k in subject.approach_kinds] or None,
            object_refs=[o.id for o in self.objects],
        )


def _phone_extension(marking: stix2.MarkingDefinition) -> list[Any]:
    tipline = stix2.Identity(
        id=TIPLINE_IDENTITY,
        name="Tipline",
        identity_class="system",
        description="The reporting tool that wrote this bundle and defines its extensions.",
        created=TIPLINE_CREATED,
        modified=TIPLINE_CREATED,
        object_marking_refs=[marking],
    )
    definition = stix2.ExtensionDefinition(
        id=PHONE_EXTENSION,
        created_by_ref=tipline.id,
        created=TIPLINE_CREATED,
        modified=TIPLINE_CREATED,
        name="Tipline phone numbers",
        description="Phone numbers of a persona, which STIX 2.1 has no Cyber-observable for.",
        schema=PHONE_EXTENSION_SCHEMA,
        version="1.0",
        extension_types=["property-extension"],
        object_marking_refs=[marking],
    )
    return [tipline, definition]


def _persona_description(subject: Subject) -> str:
    parts = [f"A persona that approached staff ({_reports(subject)})."]
    if subject.organisations:
        parts.append("Claimed to represent: " + "; ".join(shown(o) for o in subject.organisations) + ".")
    if len(subject.names) > 1:
        parts.append("Also used the names: " + "; ".join(shown(n) for n in subject.names[1:]) + ".")
    if subject.channels:
        parts.append("Made contact by: " + ", ".join(words(c) for c in subject.channels) + ".")
    return " ".join(parts)


def _reports(subject: Subject) -> str:
    n = subject.count
    return f"{n} report{'' if n == 1 else 's'}: " + ", ".join(subject.references)


def problems(text: str) -> list[str]:
    """What the STIX validator calls an error in a serialised bundle (warnings are not)."""
    import stix2validator  # seconds to import (its URI grammar is compiled on import): only when used

    result = stix2validator.validate_string(text, stix2validator.ValidationOptions(version="2.1"))
    found: list[str] = []
    for each in result if isinstance(result, list) else [result]:
        found += [str(error) for error in each.errors]
    return found
