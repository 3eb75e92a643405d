"""The security team's configuration once checked: frozen values the rest of the bot reads."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from types import MappingProxyType
from typing import ClassVar, Final, Literal

from bot.ports import DeadlineKind
from bot.report import ApproachKind, Outcome, Severity

TEAM_PLATFORMS: Final = ("cli", "slack", "teams")
TEAM_HELP: Final = (
    "name the security officers in SECURITY_TEAM (for example SECURITY_TEAM=cli:alice,slack:U0123ABCD) "
    "or under team: in the SECURITY_CONFIG file"
)

SmtpSecurity = Literal["starttls", "tls", "none"]


@dataclass(frozen=True)
class SecurityTeam:
    """Who may triage. Ids compare exactly (case-sensitive), on every platform."""

    cli: tuple[str, ...] = ()  # OS login names of officers using the CLI
    slack: tuple[str, ...] = ()  # Slack user ids (U0123ABCD)
    teams: tuple[str, ...] = ()  # Microsoft Entra (AAD) object ids

    def allows(self, platform: str, user_id: str) -> bool:
        ids: tuple[str, ...] = {"cli": self.cli, "slack": self.slack, "teams": self.teams}.get(platform, ())
        return bool(user_id) and user_id in ids

    @property
    def is_empty(self) -> bool:
        return not (self.cli or self.slack or self.teams)

    def members(self) -> tuple[str, ...]:
        """Actor ids such as "cli:alice" and "slack:U0123ABCD"."""
        return tuple(
            f"{platform}:{user_id}"
            for platform, ids in (("cli", self.cli), ("slack", self.slack), ("teams", self.teams))
            for user_id in ids
        )


@dataclass(frozen=True)
class FileDestinationConfig:
    type: ClassVar[Literal["file"]] = "file"
    path: Path


@dataclass(frozen=True)
class EmailDestinationConfig:
    type: ClassVar[Literal["email"]] = "email"
    host: str
    port: int
    security: SmtpSecurity
    username: str | None
    password: str | None = field(repr=False)
    sender: str
    recipients: tuple[str, ...]
    timeout: float  # seconds


@dataclass(frozen=True)
class WebhookDestinationConfig:
    type: ClassVar[Literal["webhook"]] = "webhook"
    url: str
    secret: bytes = field(repr=False)  # signs each request body (the receiver checks it)
    timeout: float  # seconds


DestinationConfig = FileDestinationConfig | EmailDestinationConfig | WebhookDestinationConfig


@dataclass(frozen=True)
class RouteRule:
    """Matches a report when every condition given matches (an empty set is "any").

    Within one condition any listed value matches: severity [high, critical] is "high or critical".
    """

    to: tuple[str, ...]
    severities: frozenset[Severity] = frozenset()
    approach_kinds: frozenset[ApproachKind] = frozenset()
    workspaces: frozenset[str] = frozenset()


@dataclass(frozen=True)
class RoutingRules:
    """`default` always applies; each matching rule adds its destinations; critical reports
    also go to `escalation` (see bot.routing.Router)."""

    default: tuple[str, ...]
    rules: tuple[RouteRule, ...] = ()
    escalation: tuple[str, ...] = ()

    def destination_names(self) -> tuple[str, ...]:
        """Every destination named anywhere in the routes, in first-mention order."""
        names = [*self.default, *(n for rule in self.rules for n in rule.to), *self.escalation]
        return tuple(dict.fromkeys(names))


@dataclass(frozen=True)
class DeadlinePolicy:
    acknowledge_within: timedelta = timedelta(hours=24)
    warn_before_acknowledge: timedelta = timedelta(hours=4)
    feedback_within: timedelta = timedelta(days=7)
    warn_before_feedback: timedelta = timedelta(days=1)

    def within(self, kind: DeadlineKind) -> timedelta:
        return self.acknowledge_within if kind is DeadlineKind.ACKNOWLEDGE else self.feedback_within

    def warn_before(self, kind: DeadlineKind) -> timedelta:
        return self.warn_before_acknowledge if kind is DeadlineKind.ACKNOWLEDGE else self.warn_before_feedback


DEFAULT_CLOSING: Final[Mapping[Outcome, str]] = MappingProxyType(
    {
        Outcome.CONFIRMED_HOSTILE: (
            "Thank you for your report. We have looked into it, and this was a real approach by a "
            "hostile intelligence service. You did exactly the right thing by telling us, and you have "
            "done nothing wrong: being approached is not your fault, and reporting it protects you and "
            "your colleagues. Please don't reply to this contact or accept anything from them, and keep "
            "the messages as they are. If they, or anyone like them, get in touch again, don't engage: "
            "report it here straight away. If anything about this worries you, the security team is "
            "always glad to talk it through."
        ),
        Outcome.LIKELY_HOSTILE: (
            "Thank you for your report. We have looked into it, and we think this approach most likely "
            "came from a hostile intelligence service. You did the right thing by telling us, and you "
            "have done nothing wrong. Please don't reply to this contact or accept anything from them, "
            "and keep the messages as they are. If they get in touch again, or someone approaches you "
            "in a similar way, report it here: every report helps us see the wider picture. If "
            "anything about this worries you, the security team is always glad to talk it through."
        ),
        Outcome.BENIGN: (
            "Thank you for your report. We have looked into it, and this approach turned out to be "
            "genuine, so there is nothing more you need to do and you can carry on as normal. Telling "
            "us was still the right thing to do: checking approaches like this one is how we catch the "
            "ones that are not genuine. Please keep reporting anything that feels unusual; no approach "
            "is too small to mention."
        ),
        Outcome.NOT_ENOUGH_INFORMATION: (
            "Thank you for your report. We have looked into it, but we could not tell either way "
            "whether this approach was hostile. That happens often and is no reflection on your "
            "report: it is now on record, and it will help if we see something similar again. To be "
            "safe, please don't share anything that isn't public with this contact. If they get in "
            "touch again, or anything changes, report it here."
        ),
        Outcome.DUPLICATE: (
            "Thank you for your report. We were already looking into this approach under another "
            "report, so we have added yours to that work and there is nothing more you need to do. "
            "Telling us still helped: it shows us how far this contact is reaching. If anything new "
            "happens, report it here."
        ),
    }
)


@dataclass(frozen=True)
class Templates:
    """What the reporter is told. Plain text; the triage code adds the report reference."""

    acknowledged: str = (
        "Thank you. The security team has your report and is looking at it. You did the right "
        "thing by telling us, and you have done nothing wrong. Until you hear from us, please "
        "don't reply to the contact or accept anything from them, and keep the messages as they "
        "are. If anything new happens, add it to this report."
    )
    question_intro: str = (
        "The security team has a question about your report. Answer in your own words, with as "
        'much or as little as you know; "I don\'t know" is a perfectly good answer.'
    )
    closing: Mapping[Outcome, str] = field(default_factory=lambda: DEFAULT_CLOSING)

    def closing_for(self, outcome: Outcome) -> str:
        """The suggested closing message for an outcome (the analyst may edit it before sending)."""
        return self.closing.get(outcome) or DEFAULT_CLOSING[outcome]


@dataclass(frozen=True)
class SecurityConfig:
    team: SecurityTeam
    destinations: Mapping[str, DestinationConfig]
    routes: RoutingRules
    deadlines: DeadlinePolicy
    templates: Templates
    source: str = "environment"  # the file it came from, for messages
