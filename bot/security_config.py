"""The security team's configuration: who may triage, where reports go, deadlines, wording.

It comes from a YAML file named by SECURITY_CONFIG (see security.example.yaml), or, when
that is unset, from a few environment variables (the embedded default). Either way it is
checked completely at start-up, and every problem stops the start with one line naming
the file, the place in it and the fix. Secrets are never in the file: it names the
environment variables that hold them, and those must be set.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from types import MappingProxyType, NoneType, UnionType
from typing import Annotated, Any, ClassVar, Final, Literal, Union, get_args, get_origin
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, EmailStr, Field, ValidationError

from bot.durations import ACCEPTED_FORMS, format_duration, parse_duration
from bot.ports import DeadlineKind
from bot.report import ApproachKind, Outcome, Severity
from bot.settings import Settings, SettingsError

TEAM_PLATFORMS: Final = ("cli", "slack", "teams")
TEAM_HELP: Final = (
    "name the security officers in SECURITY_TEAM (for example SECURITY_TEAM=cli:alice,slack:U0123ABCD) "
    "or under team: in the SECURITY_CONFIG file"
)
EXAMPLE_FILE: Final = "security.example.yaml"

SmtpSecurity = Literal["starttls", "tls", "none"]
_SMTP_PORTS: Final[Mapping[str, int]] = {"starttls": 587, "tls": 465, "none": 25}
_MIN_SECRET_LENGTH: Final = 16

# Environment variables that the embedded default reads; a config file replaces them all.
_ENV_ONLY: Final = (
    "SECURITY_TEAM",
    "ACK_DUE",
    "ACK_WARN_BEFORE",
    "FEEDBACK_DUE",
    "FEEDBACK_WARN_BEFORE",
    "INBOX_DESTINATIONS",
    "INBOX_FILE",
)


class SecurityConfigError(SettingsError):
    """One line: the file, the place in it, what is wrong and how to fix it."""


# --- the result --------------------------------------------------------------------------


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


# --- loading -----------------------------------------------------------------------------


def load_security_config(env: Mapping[str, str], settings: Settings, base_dir: Path) -> SecurityConfig:
    """The file named by SECURITY_CONFIG (relative to `base_dir`), else the embedded default.

    Raises SecurityConfigError (one line) on any problem.
    """
    named = env.get("SECURITY_CONFIG", "").strip()
    if not named:
        return _from_environment(env, settings)
    clash = [name for name in _ENV_ONLY if env.get(name, "").strip()]
    if clash:
        raise SecurityConfigError(
            f"{', '.join(clash)} and SECURITY_CONFIG are both set; with a config file everything "
            f"about the security team is in the file: move {'them' if len(clash) > 1 else 'it'} "
            f"there (see {EXAMPLE_FILE}) and unset {'them' if len(clash) > 1 else 'it'}"
        )
    path = Path(named).expanduser()
    if not path.is_absolute():
        path = base_dir / path
    return load_security_file(path, env, shown=named)


def load_security_file(path: Path, env: Mapping[str, str], shown: str | None = None) -> SecurityConfig:
    """Load and check one file. `shown` is how to name the file in messages (as the user wrote it)."""
    where = shown or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SecurityConfigError(
            f"SECURITY_CONFIG: no file at {path}; fix the path, or unset SECURITY_CONFIG to use "
            "the settings from the environment"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SecurityConfigError(
            f"SECURITY_CONFIG: cannot read {path} ({type(exc).__name__}); "
            "check that it is a readable UTF-8 text file"
        ) from None
    data = _parse_yaml(text, where)
    try:
        raw = _RawConfig.model_validate(data)
    except ValidationError as exc:
        raise SecurityConfigError(f"{where}: {_explain(exc)}") from None
    try:
        return _build(raw, env, path.parent, where)
    except _Problem as problem:
        raise SecurityConfigError(f"{where}: {problem.place}: {problem.message}") from None


class _Problem(Exception):
    def __init__(self, place: str, message: str) -> None:
        super().__init__(f"{place}: {message}")
        self.place = place
        self.message = message


# --- YAML --------------------------------------------------------------------------------


class _UniqueKeyLoader(yaml.SafeLoader):
    """safe_load, but a key given twice in one mapping is an error rather than silently the last."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=deep)
            try:
                duplicate = key in seen
            except TypeError:  # an unhashable key: the constructor reports it
                continue
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping",
                    node.start_mark,
                    f"found duplicate key {key!r}",
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _parse_yaml(text: str, where: str) -> Any:
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        at = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = (exc.problem or "not valid YAML").strip()
        if problem.startswith("found duplicate key"):
            fix = "each name may appear only once in a section; remove or rename one"
        else:
            fix = "check the indentation there, and quote values that contain ':' or '#'"
        raise SecurityConfigError(f"{where}{at}: {problem}; {fix}") from None
    except yaml.YAMLError as exc:
        raise SecurityConfigError(
            f"{where}: not valid YAML ({type(exc).__name__}); see {EXAMPLE_FILE}"
        ) from None
    if data is None:
        raise SecurityConfigError(f"{where}: the file is empty; start from {EXAMPLE_FILE}")
    if not isinstance(data, dict):
        raise SecurityConfigError(
            f"{where}: expected sections (team:, destinations:, routes: ...) at the top level, "
            f"found {_kind_of(data)}; start from {EXAMPLE_FILE}"
        )
    return data


# --- the file's shape (pydantic) ---------------------------------------------------------


def _listify(value: Any) -> Any:
    """A single value where a list is expected is a list of one; nothing at all is an empty list."""
    if value is None:
        return []
    if isinstance(value, str | int | float):
        return [value]
    return value


Names = Annotated[list[str], BeforeValidator(_listify)]


class _Raw(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _RawTeam(_Raw):
    cli: Names = Field(default_factory=list)
    slack: Names = Field(default_factory=list)
    teams: Names = Field(default_factory=list)


class _RawFile(_Raw):
    type: Literal["file"]
    path: str


class _RawEmail(_Raw):
    type: Literal["email"]
    host: str
    port: int | None = Field(default=None, ge=1, le=65535)
    security: SmtpSecurity = "starttls"
    username_env: str | None = None
    password_env: str | None = None
    sender: EmailStr = Field(alias="from")
    recipients: Annotated[list[EmailStr], BeforeValidator(_listify)] = Field(alias="to")
    timeout_seconds: float = Field(default=20, gt=0, le=300)


class _RawWebhook(_Raw):
    type: Literal["webhook"]
    url: str
    secret_env: str
    timeout_seconds: float = Field(default=10, gt=0, le=300)


_RawDestination = Annotated[_RawFile | _RawEmail | _RawWebhook, Field(discriminator="type")]


class _RawWhen(_Raw):
    severity: Annotated[list[Severity], BeforeValidator(_listify)] | None = None
    approach_kinds: Annotated[list[ApproachKind], BeforeValidator(_listify)] | None = None
    workspace: Names | None = None


class _RawRule(_Raw):
    when: _RawWhen
    to: Names


class _RawRoutes(_Raw):
    default: Names
    rules: list[_RawRule] = Field(default_factory=list)
    escalation: Names = Field(default_factory=list)


class _RawDeadlines(_Raw):
    acknowledge_within: str | None = None
    warn_before_acknowledge: str | None = None
    feedback_within: str | None = None
    warn_before_feedback: str | None = None


class _RawClosing(_Raw):
    confirmed_hostile: str | None = None
    likely_hostile: str | None = None
    benign: str | None = None
    not_enough_information: str | None = None
    duplicate: str | None = None


class _RawTemplates(_Raw):
    acknowledged: str | None = None
    question_intro: str | None = None
    closing: _RawClosing = Field(default_factory=_RawClosing)


class _RawConfig(_Raw):
    team: _RawTeam
    destinations: dict[str, _RawDestination]
    routes: _RawRoutes
    deadlines: _RawDeadlines = Field(default_factory=_RawDeadlines)
    templates: _RawTemplates = Field(default_factory=_RawTemplates)


# --- pydantic errors as one line ---------------------------------------------------------


def _explain(exc: ValidationError) -> str:
    error = exc.errors()[0]
    loc = error["loc"]
    place, _ = _walk(loc)
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return f"{place}: missing; add it (see {EXAMPLE_FILE})"
    if kind == "extra_forbidden":
        key = str(loc[-1])
        parent_place, parent = _walk(loc[:-1])
        fields = _options(parent)
        if f"{key}_env" in fields:
            return (
                f"{place}: secrets never go in this file; put the value in an environment variable "
                f"and name that variable with {key}_env"
            )
        allowed = f"; allowed in {parent_place}: {', '.join(fields)}" if fields else ""
        return f"{place}: unknown option '{key}'; check the spelling{allowed}"
    if kind in ("enum", "literal_error"):
        if loc and isinstance(loc[-1], int):
            place, _ = _walk(loc[:-1])
        return f"{place}: {_show(value)} is not allowed; use one of {ctx.get('expected', '')}"
    if kind == "union_tag_invalid":
        return f"{place}.type: unknown destination type {_show(ctx.get('tag'))}; use file, email or webhook"
    if kind == "union_tag_not_found":
        return f"{place}: say what kind of destination this is with type: file, email or webhook"
    if kind == "string_type" and loc and loc[0] == "deadlines":
        return f"{place}: {_show(value)} has no unit; write a duration such as 24h, 90m or 7d"
    if kind == "string_type":
        return f"{place}: expected text, found {_kind_of(value)}; put the value in quotes"
    if kind == "list_type":
        return f"{place}: expected a list, found {_kind_of(value)}; write [a, b], or one '- item' per line"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"{place}: expected options (name: value), found {_kind_of(value)}; see {EXAMPLE_FILE}"
    if kind.startswith("int_"):
        return f"{place}: {_show(value)} is not a whole number; write a number such as 587"
    if kind.startswith(("float_", "greater_than", "less_than")):
        return f"{place}: {_show(value)} is not allowed: {error['msg'].lower()}"
    if kind == "value_error" and any(step in ("from", "to") for step in loc):
        reason = str(ctx.get("error") or error["msg"]).removeprefix("Value error, ")
        return (
            f"{place}: {_show(value)} is not an email address ({reason}); write one such as name@example.org"
        )
    return f"{place}: {error['msg']}; see {EXAMPLE_FILE}"


def _walk(loc: Sequence[int | str]) -> tuple[str, Any]:
    """The place in the file for a pydantic error location, and the model or type found there.

    Pydantic puts the destination type (the union tag) into the location; the file has no
    such level, so it is skipped.
    """
    parts: list[str] = []
    tp: Any = _RawConfig
    for step in loc:
        tp = _unwrap(tp)
        if isinstance(tp, list):  # a tagged union: this step is the tag
            tp = next((m for m in tp if step in get_args(m.model_fields["type"].annotation)), None)
            continue
        if step == "[key]":
            break
        parts.append(f"[{step}]" if isinstance(step, int) else f".{step}" if parts else str(step))
        tp = _step(tp, step)
    return ("".join(parts) or "the top level"), _unwrap(tp)


def _options(tp: Any) -> list[str]:
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return [f.alias or name for name, f in tp.model_fields.items()]
    return []


def _step(tp: Any, step: int | str) -> Any:
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return next((f.annotation for name, f in tp.model_fields.items() if (f.alias or name) == step), None)
    origin = get_origin(tp)
    if origin is dict:
        return get_args(tp)[1]
    if origin is list:
        return get_args(tp)[0]
    return None


def _unwrap(tp: Any) -> Any:
    """Strip Annotated and Optional; a union of several models becomes a list of them."""
    while True:
        if get_origin(tp) is Annotated:
            tp = get_args(tp)[0]
            continue
        if get_origin(tp) in (Union, UnionType):
            members = [m for m in get_args(tp) if m is not NoneType]
            if len(members) == 1:
                tp = members[0]
                continue
            return members
        return tp


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _kind_of(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"yes/no ({value})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"text ({_show(value)})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a set of options"
    return type(value).__name__


# --- checks beyond the shape -------------------------------------------------------------

_DESTINATION_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SLACK_ID = re.compile(r"[UW][A-Z0-9]{2,}")
_AAD_ID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_CLI_NAME = re.compile(r"[^\s:]+")


def _build(raw: _RawConfig, env: Mapping[str, str], config_dir: Path, where: str) -> SecurityConfig:
    team = SecurityTeam(
        cli=_team_ids(raw.team.cli, "cli", "team.cli"),
        slack=_team_ids(raw.team.slack, "slack", "team.slack"),
        teams=_team_ids(raw.team.teams, "teams", "team.teams"),
    )
    if team.is_empty:
        raise _Problem(
            "team",
            "nobody is listed, so nobody could triage; name at least one security officer "
            "under cli, slack or teams",
        )
    if not raw.destinations:
        raise _Problem("destinations", "none defined; define at least one (a file destination is simplest)")
    destinations = {
        name: _destination(name, spec, env, config_dir) for name, spec in raw.destinations.items()
    }
    routes = _routes(raw.routes, destinations)
    return SecurityConfig(
        team=team,
        destinations=MappingProxyType(destinations),
        routes=routes,
        deadlines=_policy(
            {key: getattr(raw.deadlines, key) for key in _RawDeadlines.model_fields},
            {key: f"deadlines.{key}" for key in _RawDeadlines.model_fields},
        ),
        templates=_templates(raw.templates),
        source=where,
    )


def _team_ids(ids: Sequence[str], platform: str, place: str) -> tuple[str, ...]:
    found: list[str] = []
    for i, raw_id in enumerate(ids):
        user_id = raw_id.strip()
        here = f"{place}[{i}]"
        if not user_id:
            raise _Problem(here, "empty; give the id, or remove the line")
        _check_team_id(platform, user_id, here)
        if user_id not in found:
            found.append(user_id)
    return tuple(found)


def _check_team_id(platform: str, user_id: str, here: str) -> None:
    if platform == "cli" and not _CLI_NAME.fullmatch(user_id):
        raise _Problem(here, f"{user_id!r} is not a login name; give the name `whoami` prints")
    if platform == "slack" and not _SLACK_ID.fullmatch(user_id):
        raise _Problem(
            here,
            f"{user_id!r} is not a Slack user id; ids look like U0123ABCD (in Slack: the person's "
            "profile, More, Copy member ID), not a display name",
        )
    if platform == "teams" and not _AAD_ID.fullmatch(user_id):
        raise _Problem(
            here,
            f"{user_id!r} is not a Microsoft Entra (AAD) object id; ids look like "
            "00000000-0000-0000-0000-000000000000 (the user's Object ID in the Entra admin centre)",
        )


def _destination(
    name: str, spec: _RawFile | _RawEmail | _RawWebhook, env: Mapping[str, str], config_dir: Path
) -> DestinationConfig:
    here = f"destinations.{name}"
    if not _DESTINATION_NAME.fullmatch(name):
        raise _Problem(
            here, "a destination name uses lower-case letters, digits, '-' and '_' only; rename it"
        )
    if isinstance(spec, _RawFile):
        if not spec.path.strip():
            raise _Problem(f"{here}.path", "empty; give the file to write, such as ./var/inbox.jsonl")
        path = Path(spec.path.strip()).expanduser()
        return FileDestinationConfig(path if path.is_absolute() else config_dir / path)
    if isinstance(spec, _RawEmail):
        return _email(here, spec, env)
    return _webhook(here, spec, env)


def _email(here: str, spec: _RawEmail, env: Mapping[str, str]) -> EmailDestinationConfig:
    host = spec.host.strip()
    if not host or any(c.isspace() for c in host) or "/" in host:
        raise _Problem(f"{here}.host", "give the mail server's host name only, such as smtp.example.org")
    if not spec.recipients:
        raise _Problem(f"{here}.to", "nobody to send to; list at least one address")
    if (spec.username_env is None) != (spec.password_env is None):
        missing = "password_env" if spec.password_env is None else "username_env"
        raise _Problem(
            f"{here}.{missing}",
            "missing; give both username_env and password_env, or neither for a server without login",
        )
    username = _secret(env, spec.username_env, f"{here}.username_env", "the SMTP user name")
    password = _secret(env, spec.password_env, f"{here}.password_env", "the SMTP password")
    if password is not None and spec.security == "none" and not _is_loopback(host):
        raise _Problem(
            f"{here}.security",
            "a password would be sent unencrypted; use starttls or tls (or a relay on this machine)",
        )
    return EmailDestinationConfig(
        host=host,
        port=spec.port or _SMTP_PORTS[spec.security],
        security=spec.security,
        username=username,
        password=password,
        sender=str(spec.sender),
        recipients=tuple(dict.fromkeys(str(r) for r in spec.recipients)),
        timeout=spec.timeout_seconds,
    )


def _webhook(here: str, spec: _RawWebhook, env: Mapping[str, str]) -> WebhookDestinationConfig:
    url = spec.url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise _Problem(
            f"{here}.url", "not a web address; write it in full, such as https://cases.example.org/hook"
        )
    if parts.username or parts.password:
        raise _Problem(
            f"{here}.url",
            "has a user name or password in it; secrets never go in this file, and the request is "
            "signed with secret_env instead",
        )
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise _Problem(
            f"{here}.url", "reports would travel unencrypted; use https (plain http only for this machine)"
        )
    secret = _secret(env, spec.secret_env, f"{here}.secret_env", "the webhook signing secret")
    assert secret is not None
    if len(secret) < _MIN_SECRET_LENGTH:
        raise _Problem(
            f"{here}.secret_env",
            f"{spec.secret_env} is shorter than {_MIN_SECRET_LENGTH} characters; use a long random "
            "value, such as the output of: python -c 'import secrets; print(secrets.token_urlsafe(32))'",
        )
    return WebhookDestinationConfig(url=url, secret=secret.encode("utf-8"), timeout=spec.timeout_seconds)


def _secret(env: Mapping[str, str], variable: str | None, place: str, what: str) -> str | None:
    if variable is None:
        return None
    variable = variable.strip()
    if not _ENV_NAME.fullmatch(variable):
        raise _Problem(
            place,
            f"{variable!r} is not an environment variable name; name the variable that holds {what} "
            "(the value itself never goes in this file)",
        )
    value = env.get(variable, "")
    if not value.strip():
        raise _Problem(place, f"the environment variable {variable} is not set or empty; set it to {what}")
    return value


def _is_loopback(host: str) -> bool:
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _routes(raw: _RawRoutes, destinations: Mapping[str, DestinationConfig]) -> RoutingRules:
    def known(names: Sequence[str], place: str) -> tuple[str, ...]:
        for i, name in enumerate(names):
            if name not in destinations:
                raise _Problem(
                    f"{place}[{i}]",
                    f"no destination named {name!r}; define it under destinations or fix the name "
                    f"(defined: {', '.join(destinations)})",
                )
        return tuple(dict.fromkeys(names))

    if not raw.default:
        raise _Problem(
            "routes.default",
            "name at least one destination; every report goes to the default route",
        )
    rules = []
    for i, rule in enumerate(raw.rules):
        here = f"routes.rules[{i}]"
        when = rule.when
        given = {k: v for k, v in when.model_dump().items() if v is not None}
        if not given:
            raise _Problem(
                f"{here}.when",
                "no condition; give severity, approach_kinds or workspace (the default route "
                "already takes every report)",
            )
        for key, values in given.items():
            if not values:
                raise _Problem(f"{here}.when.{key}", "empty list; give at least one value or remove it")
        workspaces = [w.strip() for w in when.workspace or []]
        if any(not w for w in workspaces):
            raise _Problem(f"{here}.when.workspace", "an empty workspace id; remove it")
        if not rule.to:
            raise _Problem(f"{here}.to", "name at least one destination for this rule")
        rules.append(
            RouteRule(
                to=known(rule.to, f"{here}.to"),
                severities=frozenset(when.severity or ()),
                approach_kinds=frozenset(when.approach_kinds or ()),
                workspaces=frozenset(workspaces),
            )
        )
    return RoutingRules(
        default=known(raw.default, "routes.default"),
        rules=tuple(rules),
        escalation=known(raw.escalation, "routes.escalation"),
    )


_POLICY_DEFAULTS: Final[Mapping[str, timedelta]] = {
    "acknowledge_within": DeadlinePolicy.acknowledge_within,
    "warn_before_acknowledge": DeadlinePolicy.warn_before_acknowledge,
    "feedback_within": DeadlinePolicy.feedback_within,
    "warn_before_feedback": DeadlinePolicy.warn_before_feedback,
}


def _policy(values: Mapping[str, str | None], places: Mapping[str, str]) -> DeadlinePolicy:
    """`values` by DeadlinePolicy field (None: the default); `places` names each for messages."""
    parsed: dict[str, timedelta] = {}
    for key, default in _POLICY_DEFAULTS.items():
        text = values.get(key)
        if text is None or not text.strip():
            parsed[key] = default
            continue
        try:
            parsed[key] = parse_duration(text)
        except ValueError:
            raise _Problem(
                places[key], f"{text.strip()!r} is not a duration; write {ACCEPTED_FORMS}"
            ) from None
    for within, warn in (
        ("acknowledge_within", "warn_before_acknowledge"),
        ("feedback_within", "warn_before_feedback"),
    ):
        if parsed[within] <= timedelta(0):
            raise _Problem(places[within], "must be longer than zero, such as 24h")
        if parsed[warn] >= parsed[within]:
            raise _Problem(
                places[warn],
                f"{format_duration(parsed[warn])} is not shorter than {places[within]} "
                f"({format_duration(parsed[within])}); make the warning come before the deadline "
                "(0s turns the early warning off)",
            )
    return DeadlinePolicy(**parsed)


def _templates(raw: _RawTemplates) -> Templates:
    defaults = Templates()

    def text(value: str | None, place: str, default: str) -> str:
        if value is None:
            return default
        if not value.strip():
            raise _Problem(place, "empty; write the message, or remove the line to use the built-in text")
        return value.strip()

    closing = {
        outcome: text(getattr(raw.closing, outcome.value), f"templates.closing.{outcome.value}", default)
        for outcome, default in DEFAULT_CLOSING.items()
    }
    return Templates(
        acknowledged=text(raw.acknowledged, "templates.acknowledged", defaults.acknowledged),
        question_intro=text(raw.question_intro, "templates.question_intro", defaults.question_intro),
        closing=MappingProxyType(closing),
    )


# --- the embedded default: from environment variables ------------------------------------

_ENV_POLICY: Final[Mapping[str, str]] = {
    "acknowledge_within": "ACK_DUE",
    "warn_before_acknowledge": "ACK_WARN_BEFORE",
    "feedback_within": "FEEDBACK_DUE",
    "warn_before_feedback": "FEEDBACK_WARN_BEFORE",
}


def _from_environment(env: Mapping[str, str], settings: Settings) -> SecurityConfig:
    try:
        team = _team_from_env(env.get("SECURITY_TEAM", ""))
        policy = _policy({key: env.get(var) for key, var in _ENV_POLICY.items()}, _ENV_POLICY)
    except _Problem as problem:
        raise SecurityConfigError(f"{problem.place}: {problem.message}") from None
    destinations: dict[str, DestinationConfig] = {"file": FileDestinationConfig(settings.inbox_file)}
    for name in settings.inbox_destinations:
        if name not in destinations:
            raise SecurityConfigError(
                f"INBOX_DESTINATIONS: '{name}' needs a config file; describe it under destinations: "
                f"in a SECURITY_CONFIG file (see {EXAMPLE_FILE})"
            )
    return SecurityConfig(
        team=team,
        destinations=MappingProxyType(destinations),
        routes=RoutingRules(default=tuple(dict.fromkeys(settings.inbox_destinations))),
        deadlines=policy,
        templates=Templates(),
    )


def _team_from_env(value: str) -> SecurityTeam:
    ids: dict[str, list[str]] = {platform: [] for platform in TEAM_PLATFORMS}
    for item in value.split(","):
        item = item.strip()
        if not item:
            continue
        platform, sep, user_id = item.partition(":")
        platform, user_id = platform.strip().lower(), user_id.strip()
        if not sep or platform not in ids or not user_id:
            raise _Problem(
                "SECURITY_TEAM",
                f"{item!r} is not platform:id; write for example cli:alice, slack:U0123ABCD or "
                "teams:<Entra object id>, separated by commas",
            )
        _check_team_id(platform, user_id, "SECURITY_TEAM")
        if user_id not in ids[platform]:
            ids[platform].append(user_id)
    return SecurityTeam(cli=tuple(ids["cli"]), slack=tuple(ids["slack"]), teams=tuple(ids["teams"]))
