"""The security team's configuration: the example file, the built-in default, and one clear
line for every mistake."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.ports import DeadlineKind
from bot.report import ApproachKind, Outcome, Severity
from bot.security import (
    DEFAULT_CLOSING,
    DeadlinePolicy,
    EmailDestinationConfig,
    FileDestinationConfig,
    SecurityConfig,
    SecurityConfigError,
    SecurityTeam,
    Templates,
    WebhookDestinationConfig,
    load_security_config,
)
from bot.settings import SettingsError, load_settings

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "security.example.yaml"
SMTP_PASSWORD = "SENTINEL-smtp-password"
WEBHOOK_SECRET = "SENTINEL-webhook-secret-0123456789"
EXAMPLE_ENV = {
    "SMTP_USERNAME": "tipline",
    "SMTP_PASSWORD": SMTP_PASSWORD,
    "TIPLINE_WEBHOOK_SECRET": WEBHOOK_SECRET,
}

BASE: dict[str, Any] = {
    "team": {"cli": ["alice"]},
    "destinations": {
        "inbox-file": {"type": "file", "path": "./var/inbox.jsonl"},
        "security-mail": {
            "type": "email",
            "host": "smtp.example.org",
            "username_env": "SMTP_USERNAME",
            "password_env": "SMTP_PASSWORD",
            "from": "tipline@example.org",
            "to": ["security-team@example.org"],
        },
        "case-system": {
            "type": "webhook",
            "url": "https://cases.example.org/hooks/tipline",
            "secret_env": "TIPLINE_WEBHOOK_SECRET",
        },
    },
    "routes": {
        "default": ["inbox-file"],
        "rules": [
            {"when": {"severity": ["high"]}, "to": ["case-system"]},
            {"when": {"approach_kinds": ["payment_offer"]}, "to": ["security-mail"]},
            {"when": {"workspace": ["T0PARLIAMENT"]}, "to": ["case-system"]},
        ],
    },
}


def load(tmp_path: Path, text: str, env: dict[str, str] | None = None) -> SecurityConfig:
    path = tmp_path / "security.yaml"
    path.write_text(text, encoding="utf-8")
    full_env = {**EXAMPLE_ENV, "SECURITY_CONFIG": "security.yaml", **(env or {})}
    return load_security_config(full_env, load_settings({}, tmp_path), tmp_path)


def load_data(tmp_path: Path, data: Any, env: dict[str, str] | None = None) -> SecurityConfig:
    return load(tmp_path, yaml.safe_dump(data, sort_keys=False), env)


def changed(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    change(data)
    return data


def failure(tmp_path: Path, data: Any, env: dict[str, str] | None = None) -> str:
    with pytest.raises(SecurityConfigError) as caught:
        load_data(tmp_path, data, env) if not isinstance(data, str) else load(tmp_path, data, env)
    message = str(caught.value)
    assert "\n" not in message, message
    assert SMTP_PASSWORD not in message and WEBHOOK_SECRET not in message
    return message


# --- the example file ----------------------------------------------------------------


def test_the_example_file_loads_when_its_variables_are_set(tmp_path: Path) -> None:
    env = {**EXAMPLE_ENV, "SECURITY_CONFIG": str(EXAMPLE)}
    config = load_security_config(env, load_settings({}, tmp_path), tmp_path)

    assert config.team == SecurityTeam(
        cli=("alice", "bob"), slack=("U0123ABCD",), teams=("00000000-0000-0000-0000-000000000000",)
    )
    assert set(config.destinations) == {"inbox-file", "security-mail", "duty-officer-mail", "case-system"}
    assert config.destinations["inbox-file"] == FileDestinationConfig(REPO / "var" / "inbox.jsonl")
    mail = config.destinations["security-mail"]
    assert isinstance(mail, EmailDestinationConfig)
    assert (mail.host, mail.port, mail.security) == ("smtp.example.org", 587, "starttls")
    assert (mail.username, mail.password) == ("tipline", SMTP_PASSWORD)
    assert (mail.sender, mail.recipients, mail.timeout) == (
        "tipline@example.org",
        ("security-team@example.org",),
        20,
    )
    hook = config.destinations["case-system"]
    assert isinstance(hook, WebhookDestinationConfig)
    assert hook == WebhookDestinationConfig(
        "https://cases.example.org/hooks/tipline", WEBHOOK_SECRET.encode(), 10
    )
    assert config.routes.default == ("inbox-file", "security-mail")
    assert config.routes.escalation == ("duty-officer-mail",)
    assert config.routes.rules[0].severities == {Severity.HIGH, Severity.CRITICAL}
    assert config.routes.rules[1].approach_kinds == {ApproachKind.TRIP_OR_EVENT, ApproachKind.PAYMENT_OFFER}
    assert config.routes.rules[2].workspaces == {"T0PARLIAMENT"}
    assert config.deadlines == DeadlinePolicy()
    assert config.source == str(EXAMPLE)


def test_the_example_shows_the_built_in_wording(tmp_path: Path) -> None:
    env = {**EXAMPLE_ENV, "SECURITY_CONFIG": str(EXAMPLE)}
    config = load_security_config(env, load_settings({}, tmp_path), tmp_path)
    assert config.templates.acknowledged == Templates().acknowledged
    assert config.templates.question_intro == Templates().question_intro
    assert dict(config.templates.closing) == dict(DEFAULT_CLOSING)


@pytest.mark.parametrize("missing", sorted(EXAMPLE_ENV))
def test_the_example_file_needs_every_variable_it_names(tmp_path: Path, missing: str) -> None:
    env = {**EXAMPLE_ENV, "SECURITY_CONFIG": str(EXAMPLE), missing: "  "}
    with pytest.raises(SecurityConfigError, match=rf"{missing} is not set or empty; set it to"):
        load_security_config(env, load_settings({}, tmp_path), tmp_path)


def test_secrets_are_not_in_the_repr(tmp_path: Path) -> None:
    config = load_data(tmp_path, BASE)
    shown = repr(config) + str(config.destinations)
    assert SMTP_PASSWORD not in shown
    assert WEBHOOK_SECRET not in shown
    assert "smtp.example.org" in shown  # the rest is there


def test_errors_are_settings_errors() -> None:
    assert issubclass(SecurityConfigError, SettingsError)


# --- the shape: one line naming the file, the place and the fix ----------------------------


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        *parents, last = path.split("/")
        node: Any = data
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        if value is _DELETE:
            del node[int(last) if isinstance(node, list) else last]
        elif isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value

    return change


_DELETE = object()

CASES = [
    (
        _set("routes/rules/2/when/severity", ["urgent"]),
        "security.yaml: routes.rules[2].when.severity: 'urgent' is not allowed; "
        "use one of 'low', 'medium', 'high' or 'critical'",
    ),
    (
        _set("routes/rules/1/when/approach_kinds", ["headhunter"]),
        "routes.rules[1].when.approach_kinds: 'headhunter' is not allowed; use one of 'recruiter'",
    ),
    (
        _set("routes/rules/0/when/severty", ["high"]),
        "routes.rules[0].when.severty: unknown option 'severty'; check the spelling; "
        "allowed in routes.rules[0].when: severity, approach_kinds, workspace",
    ),
    (
        _set("destinations/security-mail/hostt", "x"),
        "destinations.security-mail.hostt: unknown option 'hostt'; check the spelling; "
        "allowed in destinations.security-mail: type, host, port, security",
    ),
    (
        _set("destinations/security-mail/password", "hunter2"),
        "destinations.security-mail.password: secrets never go in this file; put the value in an "
        "environment variable and name that variable with password_env",
    ),
    (
        _set("destinations/case-system/secret", "hunter2"),
        "with secret_env",
    ),
    (
        _set("colour", "blue"),
        "security.yaml: colour: unknown option 'colour'; check the spelling; allowed in",
    ),
    (_set("routes", _DELETE), "security.yaml: routes: missing; add it (see security.example.yaml)"),
    (_set("destinations/security-mail/host", _DELETE), "destinations.security-mail.host: missing"),
    (_set("destinations/security-mail/from", _DELETE), "destinations.security-mail.from: missing"),
    (_set("destinations/security-mail/to", []), "destinations.security-mail.to: nobody to send to"),
    (_set("destinations/security-mail/from", "tipline"), "destinations.security-mail.from: 'tipline' is not"),
    (
        _set("destinations/security-mail/security", "ssl"),
        "destinations.security-mail.security: 'ssl' is not allowed; use one of 'starttls', 'tls' or 'none'",
    ),
    (
        _set("destinations/security-mail/port", "smtp"),
        "destinations.security-mail.port: 'smtp' is not a whole",
    ),
    (_set("destinations/security-mail/port", 70000), "destinations.security-mail.port: 70000 is not allowed"),
    (
        _set("destinations/security-mail/password_env", _DELETE),
        "destinations.security-mail.password_env: missing; give both username_env and password_env",
    ),
    (
        _set("destinations/security-mail/password_env", "MAIL_PASS"),
        "destinations.security-mail.password_env: the environment variable MAIL_PASS is not set or "
        "empty; set it to the SMTP password",
    ),
    (
        _set("destinations/security-mail/password_env", "hunter 2"),
        "destinations.security-mail.password_env: 'hunter 2' is not an environment variable name",
    ),
    (
        _set("destinations/security-mail/security", "none"),
        "destinations.security-mail.security: a password would be sent unencrypted",
    ),
    (
        _set("destinations/inbox-file/type", "smtp"),
        "destinations.inbox-file.type: unknown destination type 'smtp'",
    ),
    (_set("destinations/inbox-file/type", _DELETE), "destinations.inbox-file: say what kind of destination"),
    (_set("destinations/inbox-file/path", " "), "destinations.inbox-file.path: empty"),
    (
        _set("destinations/Inbox", {"type": "file", "path": "x"}),
        "destinations.Inbox: a destination name uses",
    ),
    (_set("destinations", {}), "destinations: none defined"),
    (
        _set("destinations/case-system/url", "http://cases.example.org/hook"),
        "destinations.case-system.url: reports would travel unencrypted; use https",
    ),
    (
        _set("destinations/case-system/url", "https://user:pw@cases.example.org/hook"),
        "destinations.case-system.url: has a user name or password in it",
    ),
    (
        _set("destinations/case-system/url", "cases.example.org"),
        "destinations.case-system.url: not a web address",
    ),
    (_set("destinations/case-system/secret_env", _DELETE), "destinations.case-system.secret_env: missing"),
    (
        _set("destinations/case-system/timeout_seconds", 0),
        "destinations.case-system.timeout_seconds: 0 is not allowed: input should be greater than 0",
    ),
    (
        _set("routes/rules/0/to", ["case-sytem"]),
        "routes.rules[0].to[0]: no destination named 'case-sytem'; define it under destinations or fix "
        "the name (defined: inbox-file, security-mail, case-system)",
    ),
    (_set("routes/default", ["inbox-fil"]), "routes.default[0]: no destination named 'inbox-fil'"),
    (_set("routes/escalation", ["duty"]), "routes.escalation[0]: no destination named 'duty'"),
    (_set("routes/default", []), "routes.default: name at least one destination"),
    (_set("routes/rules/0/when", {}), "routes.rules[0].when: no condition"),
    (_set("routes/rules/0/when/severity", []), "routes.rules[0].when.severity: empty list"),
    (_set("routes/rules/0/to", []), "routes.rules[0].to: name at least one destination"),
    (_set("routes/rules/2/when/workspace", [""]), "routes.rules[2].when.workspace: an empty workspace id"),
    (_set("routes/rules", {"severity": "high"}), "routes.rules: expected a list, found a set of options"),
    (_set("team", {}), "team: nobody is listed, so nobody could triage"),
    (_set("team/cli", ["alice", ""]), "team.cli[1]: empty"),
    (_set("team/cli", [7]), "team.cli[0]: expected text, found a number (7); put the value in quotes"),
    (
        _set("team/slack", ["@alice"]),
        "team.slack[0]: '@alice' is not a Slack user id; ids look like U0123ABCD",
    ),
    (
        _set("team/teams", ["alice@example.org"]),
        "team.teams[0]: 'alice@example.org' is not a Microsoft Entra",
    ),
    (
        _set("team/email", ["alice"]),
        "team.email: unknown option 'email'; check the spelling; allowed in team: cli",
    ),
    (
        _set("deadlines", {"acknowledge_within": "a day"}),
        "deadlines.acknowledge_within: 'a day' is not a duration; write a whole number and a unit",
    ),
    (
        _set("deadlines", {"acknowledge_within": 24}),
        "deadlines.acknowledge_within: 24 has no unit; write a duration such as 24h",
    ),
    (
        _set("deadlines", {"acknowledge_within": "4h"}),
        "deadlines.warn_before_acknowledge: 4 hours is not shorter than deadlines.acknowledge_within "
        "(4 hours); make the warning come before the deadline",
    ),
    (_set("deadlines", {"feedback_within": "0s"}), "deadlines.feedback_within: must be longer than zero"),
    (_set("templates", {"acknowledged": "  "}), "templates.acknowledged: empty; write the message"),
    (_set("templates", {"closing": {"benign": ""}}), "templates.closing.benign: empty"),
    (_set("templates", {"closing": {"hostile": "x"}}), "templates.closing.hostile: unknown option 'hostile'"),
]


@pytest.mark.parametrize(("change", "expected"), CASES)
def test_a_mistake_is_one_line_naming_the_place_and_the_fix(
    tmp_path: Path, change: Callable[[dict[str, Any]], None], expected: str
) -> None:
    message = failure(tmp_path, changed(change))
    assert message.startswith("security.yaml: ")
    assert expected in message


def test_the_valid_base_loads(tmp_path: Path) -> None:
    config = load_data(tmp_path, BASE)
    assert config.team.cli == ("alice",)
    assert config.deadlines == DeadlinePolicy()
    assert config.templates == Templates(closing=config.templates.closing)


# --- YAML itself ---------------------------------------------------------------------------


def test_a_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    message = failure(tmp_path, "team:\n  cli: [alice\nroutes: {}\n")
    assert message.startswith("security.yaml line 3, column ")
    assert "check the indentation" in message


def test_a_name_given_twice_is_an_error_not_the_last_one_winning(tmp_path: Path) -> None:
    text = yaml.safe_dump(BASE, sort_keys=False).replace(
        "  case-system:", "  inbox-file:\n    type: file\n    path: other.jsonl\n  case-system:"
    )
    message = failure(tmp_path, text)
    assert "found duplicate key 'inbox-file'; each name may appear only once" in message
    assert message.startswith("security.yaml line ")


def test_yaml_merge_keys_are_not_duplicates(tmp_path: Path) -> None:
    text = """
team: {cli: [alice]}
destinations:
  a: &mail {type: email, host: smtp.example.org, from: t@example.org, to: [x@example.org]}
  b:
    <<: *mail
    to: [y@example.org]
routes: {default: [a, b]}
"""
    config = load(tmp_path, text)
    b = config.destinations["b"]
    assert isinstance(b, EmailDestinationConfig)
    assert b.recipients == ("y@example.org",)
    assert b.username is None and b.password is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "security.yaml: the file is empty; start from security.example.yaml"),
        ("# nothing\n", "the file is empty"),
        ("- team\n", "expected sections (team:, destinations:, routes: ...) at the top level, found a list"),
        ("just words\n", "found text ('just words')"),
    ],
)
def test_a_file_that_is_not_a_config(tmp_path: Path, text: str, expected: str) -> None:
    assert expected in failure(tmp_path, text)


def test_a_missing_file(tmp_path: Path) -> None:
    env = {"SECURITY_CONFIG": "nowhere.yaml"}
    with pytest.raises(
        SecurityConfigError, match=r"^SECURITY_CONFIG: no file at .*nowhere\.yaml; fix the path"
    ):
        load_security_config(env, load_settings({}, tmp_path), tmp_path)


# --- details --------------------------------------------------------------------------------


def test_one_value_where_a_list_is_expected_is_a_list_of_one(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        data["team"] = {"cli": "alice", "slack": None}
        data["destinations"]["security-mail"]["to"] = "security-team@example.org"
        data["routes"]["default"] = "inbox-file"
        data["routes"]["rules"] = [{"when": {"severity": "critical"}, "to": "case-system"}]

    config = load_data(tmp_path, changed(change))
    assert config.team == SecurityTeam(cli=("alice",))
    mail = config.destinations["security-mail"]
    assert isinstance(mail, EmailDestinationConfig) and mail.recipients == ("security-team@example.org",)
    assert config.routes.default == ("inbox-file",)
    assert config.routes.rules[0].severities == {Severity.CRITICAL}
    assert config.routes.rules[0].to == ("case-system",)


def test_a_relative_file_path_is_relative_to_the_config_file(tmp_path: Path) -> None:
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "security.yaml").write_text(yaml.safe_dump(BASE), encoding="utf-8")
    env = {**EXAMPLE_ENV, "SECURITY_CONFIG": "conf/security.yaml"}
    config = load_security_config(env, load_settings({}, tmp_path), tmp_path)
    assert config.destinations["inbox-file"] == FileDestinationConfig(
        tmp_path / "conf" / "var" / "inbox.jsonl"
    )


@pytest.mark.parametrize(("security", "port"), [("starttls", 587), ("tls", 465), ("none", 25)])
def test_the_smtp_port_follows_the_security_unless_given(tmp_path: Path, security: str, port: int) -> None:
    def change(data: dict[str, Any]) -> None:
        mail = data["destinations"]["security-mail"]
        mail["security"] = security
        del mail["username_env"], mail["password_env"]

    mail = load_data(tmp_path, changed(change)).destinations["security-mail"]
    assert isinstance(mail, EmailDestinationConfig)
    assert mail.port == port


def test_a_password_may_go_unencrypted_only_to_this_machine(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        data["destinations"]["security-mail"] |= {"security": "none", "host": "127.0.0.1"}

    mail = load_data(tmp_path, changed(change)).destinations["security-mail"]
    assert isinstance(mail, EmailDestinationConfig) and mail.port == 25


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080/hook", "http://localhost/hook", "http://[::1]/hook"])
def test_plain_http_is_allowed_to_this_machine(tmp_path: Path, url: str) -> None:
    config = load_data(tmp_path, changed(_set("destinations/case-system/url", url)))
    assert config.destinations["case-system"] == WebhookDestinationConfig(url, WEBHOOK_SECRET.encode(), 10)


def test_a_short_webhook_secret_is_refused(tmp_path: Path) -> None:
    message = failure(tmp_path, BASE, {"TIPLINE_WEBHOOK_SECRET": "short"})
    assert (
        "destinations.case-system.secret_env: TIPLINE_WEBHOOK_SECRET is shorter than 16 characters" in message
    )
    assert "short" not in message.split("characters")[0].replace("shorter", "")


def test_deadlines_and_templates_may_be_partly_given(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        data["deadlines"] = {"acknowledge_within": "1d12h", "warn_before_feedback": "0s"}
        data["templates"] = {"closing": {"benign": "  All fine, thank you!\n"}}

    config = load_data(tmp_path, changed(change))
    assert config.deadlines == DeadlinePolicy(
        acknowledge_within=timedelta(days=1, hours=12), warn_before_feedback=timedelta(0)
    )
    assert config.templates.closing_for(Outcome.BENIGN) == "All fine, thank you!"
    assert config.templates.closing_for(Outcome.DUPLICATE) == DEFAULT_CLOSING[Outcome.DUPLICATE]
    assert config.templates.acknowledged == Templates().acknowledged


@pytest.mark.parametrize("variable", ["SECURITY_TEAM", "ACK_DUE", "INBOX_DESTINATIONS", "INBOX_FILE"])
def test_environment_settings_the_file_replaces_are_refused_with_it(tmp_path: Path, variable: str) -> None:
    message = failure(tmp_path, BASE, {variable: "cli:alice" if variable == "SECURITY_TEAM" else "x"})
    assert message.startswith(f"{variable} and SECURITY_CONFIG are both set")
    assert "move it there" in message


# --- the embedded default: the environment ------------------------------------------------


def from_env(tmp_path: Path, **env: str) -> SecurityConfig:
    return load_security_config(env, load_settings(env, tmp_path), tmp_path)


def test_without_a_file_reports_go_to_the_file_inbox(tmp_path: Path) -> None:
    config = from_env(tmp_path)
    assert config.destinations == {"file": FileDestinationConfig(tmp_path / "var" / "inbox.jsonl")}
    assert config.routes.default == ("file",)
    assert config.routes.rules == () and config.routes.escalation == ()
    assert config.team.is_empty
    assert config.deadlines == DeadlinePolicy()
    assert config.templates == Templates()
    assert config.source == "environment"


def test_without_a_file_the_inbox_file_setting_is_used(tmp_path: Path) -> None:
    config = from_env(tmp_path, INBOX_FILE="elsewhere/inbox.jsonl")
    assert config.destinations["file"] == FileDestinationConfig(tmp_path / "elsewhere" / "inbox.jsonl")


def test_security_team_from_the_environment(tmp_path: Path) -> None:
    aad = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
    config = from_env(tmp_path, SECURITY_TEAM=f" cli:alice, slack:U123ABC ,teams:{aad}, cli:bob, cli:alice,")
    assert config.team == SecurityTeam(cli=("alice", "bob"), slack=("U123ABC",), teams=(aad,))
    assert config.team.members() == ("cli:alice", "cli:bob", "slack:U123ABC", f"teams:{aad}")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("alice", "SECURITY_TEAM: 'alice' is not platform:id; write for example cli:alice"),
        ("email:alice", "SECURITY_TEAM: 'email:alice' is not platform:id"),
        ("cli:", "SECURITY_TEAM: 'cli:' is not platform:id"),
        ("slack:alice", "SECURITY_TEAM: 'alice' is not a Slack user id"),
        ("teams:alice", "SECURITY_TEAM: 'alice' is not a Microsoft Entra (AAD) object id"),
    ],
)
def test_a_bad_security_team_is_one_line(tmp_path: Path, value: str, expected: str) -> None:
    with pytest.raises(SecurityConfigError) as caught:
        from_env(tmp_path, SECURITY_TEAM=value)
    assert str(caught.value).startswith(expected)
    assert "\n" not in str(caught.value)


def test_deadlines_from_the_environment(tmp_path: Path) -> None:
    config = from_env(
        tmp_path, ACK_DUE="8h", ACK_WARN_BEFORE="2h", FEEDBACK_DUE="2w", FEEDBACK_WARN_BEFORE="2d"
    )
    assert config.deadlines == DeadlinePolicy(
        timedelta(hours=8), timedelta(hours=2), timedelta(weeks=2), timedelta(days=2)
    )
    assert config.deadlines.within(DeadlineKind.ACKNOWLEDGE) == timedelta(hours=8)
    assert config.deadlines.warn_before(DeadlineKind.FEEDBACK) == timedelta(days=2)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"ACK_DUE": "tomorrow"}, "ACK_DUE: 'tomorrow' is not a duration; write a whole number and a unit"),
        ({"ACK_DUE": "2h"}, "ACK_WARN_BEFORE: 4 hours is not shorter than ACK_DUE (2 hours)"),
        ({"FEEDBACK_WARN_BEFORE": "7d"}, "FEEDBACK_WARN_BEFORE: 7 days is not shorter than FEEDBACK_DUE"),
        ({"FEEDBACK_DUE": "0m"}, "FEEDBACK_DUE: must be longer than zero"),
    ],
)
def test_bad_deadlines_in_the_environment_name_the_variable(
    tmp_path: Path, env: dict[str, str], expected: str
) -> None:
    with pytest.raises(SecurityConfigError) as caught:
        from_env(tmp_path, **env)
    assert str(caught.value).startswith(expected)


# --- the team ------------------------------------------------------------------------------


def test_the_team_allows_exactly_the_listed_ids() -> None:
    team = SecurityTeam(cli=("alice",), slack=("U0123ABCD",), teams=("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",))
    assert team.allows("cli", "alice")
    assert team.allows("slack", "U0123ABCD")
    assert team.allows("teams", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0")
    assert not team.allows("cli", "Alice")
    assert not team.allows("cli", "alice ")
    assert not team.allows("slack", "u0123abcd")
    assert not team.allows("slack", "alice")  # another platform's id
    assert not team.allows("console", "alice")
    assert not team.allows("cli", "")
    assert not SecurityTeam().allows("cli", "alice")


# --- the built-in wording -----------------------------------------------------------------


def test_there_is_a_closing_message_for_every_outcome() -> None:
    templates = Templates()
    for outcome in Outcome:
        text = templates.closing_for(outcome)
        assert text.startswith("Thank you for your report.")
        assert "\n" not in text
    assert "did exactly the right thing" in templates.closing_for(Outcome.CONFIRMED_HOSTILE)
    assert "genuine" in templates.closing_for(Outcome.BENIGN)
    assert "keep reporting" in templates.closing_for(Outcome.BENIGN)
