"""The security team's configuration: who may triage, where reports go, deadlines, wording.

It comes from a YAML file named by SECURITY_CONFIG (see security.example.yaml), or, when
that is unset, from a few environment variables (the embedded default). Either way it is
checked completely at start-up, and every problem stops the start with one line naming
the file, the place in it and the fix. Secrets are never in the file: it names the
environment variables that hold them, and those must be set.

The modules, each doing one thing:
    model           the checked result: SecurityConfig and its frozen parts
    load            start-up: the file named by SECURITY_CONFIG, else the environment
    yaml_loading    the file's YAML, refusing a key given twice
    schema          the file's shape (pydantic), before any checks
    errors          SecurityConfigError; pydantic's errors as one line
    build           raw file -> SecurityConfig: the checks the shape cannot make
    build_destinations  each destination, with its secrets from the environment
    team_ids        security officers' ids, per platform
    deadline_policy the deadlines, from durations such as 24h
    environment     the embedded default, from environment variables
"""

from __future__ import annotations

from bot.security.errors import EXAMPLE_FILE, SecurityConfigError
from bot.security.load import load_security_config, load_security_file
from bot.security.model import (
    DEFAULT_CLOSING,
    TEAM_HELP,
    TEAM_PLATFORMS,
    DeadlinePolicy,
    DestinationConfig,
    EmailDestinationConfig,
    FileDestinationConfig,
    RouteRule,
    RoutingRules,
    SecurityConfig,
    SecurityTeam,
    SmtpSecurity,
    Templates,
    WebhookDestinationConfig,
)

__all__ = [
    "DEFAULT_CLOSING",
    "EXAMPLE_FILE",
    "TEAM_HELP",
    "TEAM_PLATFORMS",
    "DeadlinePolicy",
    "DestinationConfig",
    "EmailDestinationConfig",
    "FileDestinationConfig",
    "RouteRule",
    "RoutingRules",
    "SecurityConfig",
    "SecurityConfigError",
    "SecurityTeam",
    "SmtpSecurity",
    "Templates",
    "WebhookDestinationConfig",
    "load_security_config",
    "load_security_file",
]
