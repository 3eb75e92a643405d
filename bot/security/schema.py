"""The shape of the config file, as pydantic models: what is allowed where, before any checks."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, EmailStr, Field

from bot.report import ApproachKind, Severity
from bot.security.model import SmtpSecurity


def _listify(value: Any) -> Any:
    """A single value where a list is expected is a list of one; nothing at all is an empty list."""
    if value is None:
        return []
    if isinstance(value, str | int | float):
        return [value]
    return value


Names = Annotated[list[str], BeforeValidator(_listify)]


class Raw(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RawTeam(Raw):
    cli: Names = Field(default_factory=list)
    slack: Names = Field(default_factory=list)
    teams: Names = Field(default_factory=list)


class RawFile(Raw):
    type: Literal["file"]
    path: str


class RawEmail(Raw):
    type: Literal["email"]
    host: str
    port: int | None = Field(default=None, ge=1, le=65535)
    security: SmtpSecurity = "starttls"
    username_env: str | None = None
    password_env: str | None = None
    sender: EmailStr = Field(alias="from")
    recipients: Annotated[list[EmailStr], BeforeValidator(_listify)] = Field(alias="to")
    timeout_seconds: float = Field(default=20, gt=0, le=300)


class RawWebhook(Raw):
    type: Literal["webhook"]
    url: str
    secret_env: str
    timeout_seconds: float = Field(default=10, gt=0, le=300)


RawDestination = Annotated[RawFile | RawEmail | RawWebhook, Field(discriminator="type")]


class RawWhen(Raw):
    severity: Annotated[list[Severity], BeforeValidator(_listify)] | None = None
    approach_kinds: Annotated[list[ApproachKind], BeforeValidator(_listify)] | None = None
    workspace: Names | None = None


class RawRule(Raw):
    when: RawWhen
    to: Names


class RawRoutes(Raw):
    default: Names
    rules: list[RawRule] = Field(default_factory=list)
    escalation: Names = Field(default_factory=list)


class RawDeadlines(Raw):
    acknowledge_within: str | None = None
    warn_before_acknowledge: str | None = None
    feedback_within: str | None = None
    warn_before_feedback: str | None = None


class RawClosing(Raw):
    confirmed_hostile: str | None = None
    likely_hostile: str | None = None
    benign: str | None = None
    not_enough_information: str | None = None
    duplicate: str | None = None


class RawTemplates(Raw):
    acknowledged: str | None = None
    question_intro: str | None = None
    closing: RawClosing = Field(default_factory=RawClosing)


class RawConfig(Raw):
    team: RawTeam
    destinations: dict[str, RawDestination]
    routes: RawRoutes
    deadlines: RawDeadlines = Field(default_factory=RawDeadlines)
    templates: RawTemplates = Field(default_factory=RawTemplates)
