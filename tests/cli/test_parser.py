"""The command line parses what the README promises, and every --help works."""

from __future__ import annotations

import argparse

import pytest

from adapters.cli.parser import build_parser
from bot.ports import OutboxStatus
from bot.report import LinkKind, Outcome, Status

HELP_PAGES = [
    [],
    ["chat"],
    ["serve"],
    ["db"],
    ["db", "upgrade"],
    ["reports"],
    ["reports", "list"],
    ["reports", "show"],
    ["reports", "find"],
    ["reports", "export"],
    ["reports", "import"],
    ["reports", "ack"],
    ["reports", "assign"],
    ["reports", "close"],
    ["reports", "reopen"],
    ["reports", "ask"],
    ["reports", "note"],
    ["reports", "link"],
    ["reports", "timeline"],
    ["reports", "purge"],
    ["reports", "forget-reporter"],
    ["audit"],
    ["audit", "verify"],
    ["reports", "stats"],
    ["outbox"],
    ["outbox", "list"],
    ["outbox", "retry"],
    ["watchlist"],
    ["watchlist", "list"],
    ["watchlist", "show"],
    ["watchlist", "retire"],
    ["watchlist", "add"],
    ["watchlist", "import"],
    ["watchlist", "export"],
    ["campaigns"],
    ["campaigns", "list"],
    ["campaigns", "show"],
    ["campaigns", "confirm"],
    ["campaigns", "dismiss"],
    ["campaigns", "rename"],
    ["campaigns", "split"],
    ["campaigns", "merge"],
    ["campaigns", "link-earlier"],
    ["campaigns", "export"],
    ["teams"],
    ["teams", "package"],
    ["keys"],
    ["keys", "new"],
    ["keys", "rotate"],
    ["evidence"],
    ["evidence", "open"],
]


@pytest.mark.parametrize("command", HELP_PAGES, ids=lambda c: " ".join(c) or "app.py")
def test_every_help_page_works(command, capsys):
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args([*command, "--help"])

    assert exited.value.code == 0
    text = capsys.readouterr().out
    assert text.startswith(f"usage: {' '.join(['app.py', *command])}")
    assert len(text.splitlines()) > 3


def _command_paths(parser: argparse.ArgumentParser, path: list[str]) -> list[list[str]]:
    paths = [path]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                paths.extend(_command_paths(sub, [*path, name]))
    return paths


def test_the_help_pages_tested_are_every_command():
    assert sorted(_command_paths(build_parser(), [])) == sorted(HELP_PAGES)


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


def test_triage_commands_take_the_reference_as_typed():
    args = build_parser().parse_args(["reports", "ack", "tip-7k3q9d"])
    assert (args.reports_command, args.reference) == ("ack", "tip-7k3q9d")
    args = build_parser().parse_args(["reports", "assign", "TIP-7K3Q9D", "bob"])
    assert (args.reference, args.analyst) == ("TIP-7K3Q9D", "bob")
    args = build_parser().parse_args(["reports", "reopen", "TIP-7K3Q9D"])
    assert (args.reports_command, args.reference) == ("reopen", "TIP-7K3Q9D")


@pytest.mark.parametrize(
    "argv",
    [
        ["reports", "ack", "TIP-7K3Q9D", "--as", "alice"],
        ["reports", "assign", "TIP-7K3Q9D", "bob", "--as", "alice"],
        ["reports", "close", "TIP-7K3Q9D", "--outcome", "benign", "--as", "alice"],
    ],
)
def test_nobody_can_act_as_someone_else(argv, capsys):
    """The person acting is the login; a name typed on the command line could not be checked."""
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args(argv)
    assert exited.value.code == 2
    assert "unrecognized arguments: --as alice" in capsys.readouterr().err


def test_close_needs_an_outcome_and_may_take_a_message_or_a_preview(capsys):
    args = build_parser().parse_args(
        ["reports", "close", "TIP-7K3Q9D", "--outcome", "not_enough_information", "--message", "Thanks"]
    )
    assert (args.outcome, args.message, args.preview) == (Outcome.NOT_ENOUGH_INFORMATION, "Thanks", False)

    args = build_parser().parse_args(["reports", "close", "TIP-7K3Q9D", "--outcome", "benign"])
    assert (args.outcome, args.message, args.preview) == (Outcome.BENIGN, None, False)

    args = build_parser().parse_args(["reports", "close", "TIP-7K3Q9D", "--outcome", "benign", "--preview"])
    assert args.preview is True

    for bad in (["--message", "Thanks"], ["--outcome", "hostile"], []):
        with pytest.raises(SystemExit) as exited:
            build_parser().parse_args(["reports", "close", "TIP-7K3Q9D", *bad])
        assert exited.value.code == 2


def test_ask_takes_a_question_and_may_be_signed(capsys):
    args = build_parser().parse_args(["reports", "ask", "TIP-7K3Q9D", "When did it start?"])
    assert (args.reference, args.question, args.sign) == ("TIP-7K3Q9D", "When did it start?", None)

    args = build_parser().parse_args(["reports", "ask", "TIP-7K3Q9D", "Any email?", "--sign", "Alice"])
    assert args.sign == "Alice"

    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args(["reports", "ask", "TIP-7K3Q9D"])
    assert exited.value.code == 2


def test_note_takes_the_text(capsys):
    args = build_parser().parse_args(["reports", "note", "TIP-7K3Q9D", "Seen before."])
    assert (args.reports_command, args.reference, args.text) == ("note", "TIP-7K3Q9D", "Seen before.")
    with pytest.raises(SystemExit):
        build_parser().parse_args(["reports", "note", "TIP-7K3Q9D"])


def test_link_takes_two_references_and_a_kind(capsys):
    args = build_parser().parse_args(["reports", "link", "TIP-7K3Q9D", "TIP-8K3Q9D"])
    assert (args.reference, args.other, args.kind) == ("TIP-7K3Q9D", "TIP-8K3Q9D", LinkKind.RELATED)

    args = build_parser().parse_args(["reports", "link", "TIP-7K3Q9D", "TIP-8K3Q9D", "--kind", "duplicate"])
    assert args.kind is LinkKind.DUPLICATE

    for bad in (["TIP-7K3Q9D"], ["TIP-7K3Q9D", "TIP-8K3Q9D", "--kind", "same"]):
        with pytest.raises(SystemExit) as exited:
            build_parser().parse_args(["reports", "link", *bad])
        assert exited.value.code == 2


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
