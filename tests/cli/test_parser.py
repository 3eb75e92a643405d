"""The command line parses what the README promises, and every --help works."""

from __future__ import annotations

import getpass

import pytest

from adapters.cli.parser import build_parser
from bot.ports import OutboxStatus
from bot.report import Outcome, Status

HELP_PAGES = [
    [],
    ["chat"],
    ["db"],
    ["db", "upgrade"],
    ["reports"],
    ["reports", "list"],
    ["reports", "show"],
    ["reports", "export"],
    ["reports", "ack"],
    ["reports", "assign"],
    ["reports", "close"],
    ["reports", "timeline"],
    ["outbox"],
    ["outbox", "list"],
    ["outbox", "retry"],
]


@pytest.mark.parametrize("command", HELP_PAGES, ids=lambda c: " ".join(c) or "app.py")
def test_every_help_page_works(command, capsys):
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args([*command, "--help"])

    assert exited.value.code == 0
    text = capsys.readouterr().out
    assert text.startswith(f"usage: {' '.join(['app.py', *command])}")
    assert len(text.splitlines()) > 3


def test_no_command_means_chat():
    assert build_parser().parse_args([]).command is None


def test_chat_takes_a_user():
    args = build_parser().parse_args(["chat", "--user", "bob"])
    assert (args.command, args.user) == ("chat", "bob")


def test_reports_list_defaults_and_filters():
    args = build_parser().parse_args(["reports", "list"])
    assert (args.status, args.limit) == (None, 50)

    args = build_parser().parse_args(["reports", "list", "--status", "in_progress", "--limit", "5"])
    assert (args.status, args.limit) == (Status.IN_PROGRESS, 5)


@pytest.mark.parametrize("bad", [["--status", "open"], ["--limit", "0"], ["--limit", "many"]])
def test_reports_list_refuses_nonsense(bad, capsys):
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args(["reports", "list", *bad])
    assert exited.value.code == 2


def test_triage_commands_default_to_the_login_name():
    args = build_parser().parse_args(["reports", "ack", "tip-7k3q9d"])
    assert (args.reports_command, args.reference, args.actor) == ("ack", "tip-7k3q9d", getpass.getuser())

    args = build_parser().parse_args(["reports", "assign", "TIP-7K3Q9D", "bob", "--as", "alice"])
    assert (args.analyst, args.actor) == ("bob", "alice")


def test_close_needs_an_outcome_and_a_message(capsys):
    args = build_parser().parse_args(
        ["reports", "close", "TIP-7K3Q9D", "--outcome", "not_enough_information", "--message", "Thanks"]
    )
    assert (args.outcome, args.message) == (Outcome.NOT_ENOUGH_INFORMATION, "Thanks")

    with pytest.raises(SystemExit):
        build_parser().parse_args(["reports", "close", "TIP-7K3Q9D", "--message", "Thanks"])
    with pytest.raises(SystemExit):
        build_parser().parse_args(["reports", "close", "TIP-7K3Q9D", "--outcome", "benign"])


def test_export_needs_a_format():
    args = build_parser().parse_args(["reports", "export", "--format", "csv", "--output", "x.csv"])
    assert (args.format, args.output) == ("csv", "x.csv")
    assert build_parser().parse_args(["reports", "export", "--format", "json"]).output is None


def test_outbox_retry_takes_an_id_or_all_dead_but_not_both(capsys):
    args = build_parser().parse_args(["outbox", "retry", "7"])
    assert (args.id, args.all_dead) == (7, False)
    args = build_parser().parse_args(["outbox", "retry", "--all-dead"])
    assert (args.id, args.all_dead) == (None, True)
    assert build_parser().parse_args(["outbox", "list", "--status", "dead"]).status is OutboxStatus.DEAD

    for bad in ([], ["7", "--all-dead"], ["zero"]):
        with pytest.raises(SystemExit) as exited:
            build_parser().parse_args(["outbox", "retry", *bad])
        assert exited.value.code == 2


@pytest.mark.parametrize("group", ["db", "reports", "outbox"])
def test_a_group_without_an_action_is_an_error(group, capsys):
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args([group])
    assert exited.value.code == 2
