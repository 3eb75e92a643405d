"""`reports ...`: the security team's commands on reports (parsing only; adapters.cli.dispatch runs them)."""

from __future__ import annotations

import argparse

from adapters.cli.arg_types import formatter, positive_int
from adapters.cli.data_parser import add_report_actions
from adapters.cli.intel_args import add_sharing_options
from adapters.cli.stats_args import add_stats
from bot.report import LinkKind, Outcome, Status


def add_reports(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    reports = commands.add_parser(
        "reports",
        help="read and handle reports",
        description="Read the reports staff have sent, and handle them: acknowledge, assign, close.",
        formatter_class=formatter,
    )
    actions = reports.add_subparsers(dest="reports_command", metavar="ACTION", title="actions", required=True)

    listing = actions.add_parser(
        "list",
        help="list reports, newest first",
        description="List reports, newest first: reference, when it arrived, severity, status, "
        "kind of approach and who it is assigned to.",
        formatter_class=formatter,
    )
    listing.add_argument(
        "--status", type=Status, choices=list(Status), help="only reports with this status (default: all)"
    )
    listing.add_argument(
        "--limit",
        type=positive_int,
        default=50,
        metavar="N",
        help="show at most N reports (default: %(default)s)",
    )

    show = actions.add_parser(
        "show",
        help="everything in one report",
        description="Show everything in one report: the approach, who made it, what was asked for "
        "and offered, what the reporter did, evidence, severity and how it is being handled.",
        formatter_class=formatter,
    )
    add_reference(show)

    find = actions.add_parser(
        "find",
        help="every report that mentions a profile, email, phone, website or organisation",
        description="Find every report that mentions this profile address, email, phone, website "
        "or organisation: to check an indicator from an alert, or to see whether many staff were "
        "approached by the same person. Type it as you have it: any spelling of a LinkedIn "
        "address, a phone number with or without the country code (UK assumed), an email domain "
        "such as example.com, or part of an organisation or name.",
        formatter_class=formatter,
    )
    find.add_argument(
        "indicator",
        metavar="INDICATOR",
        help='what to look for, e.g. linkedin.com/in/jane-smith, jane@example.com or "020 7946 0000"',
    )

    export = actions.add_parser(
        "export",
        help="reports as JSON or CSV for other tools, or STIX 2.1 or MISP for partners",
        description="Write reports, oldest first, as JSON (exactly as stored) or CSV (one row per "
        "report, for a spreadsheet): every report, or the ones named. JSON and CSV hold everything "
        "staff told us: keep them as carefully as the reports themselves. For partners (a national "
        "authority, sector peers, a threat intelligence platform), --format stix or misp writes the "
        "named reports' hostile persona, its accounts, addresses and indicators, with a TLP marking "
        "and never the reporter: not their name, id, role or what they shared (see docs/sharing.md). "
        "A file written with --output is readable by you only.",
        formatter_class=formatter,
    )
    export.add_argument(
        "--format", required=True, choices=["json", "csv", "stix", "misp"], help="the file format"
    )
    export.add_argument(
        "references",
        nargs="*",
        metavar="REF",
        help="the reports to export, e.g. TIP-7K3Q9D (needed for stix and misp; default for json "
        "and csv: every report)",
    )
    add_sharing_options(export)

    importing = actions.add_parser(
        "import",
        help="add reports from another system (JSON, as reports export writes it)",
        description="Add the reports in FILE: a JSON array or JSON lines (one report per line), in "
        "the form `reports export --format json` writes. The whole file is checked first; a mistake "
        "is named by line and field and nothing is added. Reports already here (by reference) are "
        "left alone, so importing a file again adds nothing. Imported reports are indexed and linked "
        "into campaigns; nothing is sent to the security inbox and no reporter is messaged.",
        formatter_class=formatter,
    )
    importing.add_argument("file", metavar="FILE")

    ack = actions.add_parser(
        "ack",
        help="acknowledge a new report",
        description="Acknowledge a new report: tells everyone the security team has seen it.",
        formatter_class=formatter,
    )
    add_reference(ack)

    assign = actions.add_parser(
        "assign",
        help="give a report to an analyst",
        description="Give a report to an analyst. A new report is acknowledged at the same time "
        "and becomes in progress.",
        formatter_class=formatter,
    )
    add_reference(assign)
    assign.add_argument("analyst", metavar="ANALYST", help="who will handle it")

    close = actions.add_parser(
        "close",
        help="close a report with an outcome; the reporter is told",
        description="Close a report with an outcome. The reporter is sent the outcome's message "
        "from the templates (see --preview), or your own with --message: thank them, and say what, "
        "if anything, they should do now.",
        formatter_class=formatter,
    )
    add_reference(close)
    close.add_argument(
        "--outcome", required=True, type=Outcome, choices=list(Outcome), help="what the team concluded"
    )
    close.add_argument(
        "--message",
        metavar="TEXT",
        help="what the reporter will be told, instead of the template (up to 2000 characters)",
    )
    close.add_argument(
        "--preview", action="store_true", help="show what the reporter would be told, and change nothing"
    )

    reopen = actions.add_parser(
        "reopen",
        help="reopen a closed report",
        description="Reopen a closed report: it goes back to in progress, with a new feedback deadline.",
        formatter_class=formatter,
    )
    add_reference(reopen)

    ask = actions.add_parser(
        "ask",
        help="ask the reporter a question",
        description="Ask the reporter a question. It reaches them where they reported; their answer "
        "is added to the report and sent on to the security inbox. They see it as from the security "
        "team unless you --sign it.",
        formatter_class=formatter,
    )
    add_reference(ask)
    ask.add_argument("question", metavar="QUESTION", help="the question, in words for the reporter")
    ask.add_argument("--sign", metavar="NAME", help="sign the question with this name")

    note = actions.add_parser(
        "note",
        help="add an internal note (never shown to the reporter)",
        description="Add a note for the security team to a report. The reporter never sees notes.",
        formatter_class=formatter,
    )
    add_reference(note)
    note.add_argument("text", metavar="TEXT", help="the note")

    link = actions.add_parser(
        "link",
        help="link two reports: the same approach, or the same person or campaign",
        description="Link two reports, both ways. Use 'duplicate' for the same approach reported "
        "twice, 'related' for the same person, company or campaign.",
        formatter_class=formatter,
    )
    add_reference(link)
    link.add_argument("other", metavar="OTHER", help="the other report's reference")
    link.add_argument(
        "--kind", type=LinkKind, choices=list(LinkKind), default=LinkKind.RELATED, help="(default: related)"
    )

    timeline = actions.add_parser(
        "timeline",
        help="who did what to a report, and when",
        description="Everything the team has done with one report, oldest first.",
        formatter_class=formatter,
    )
    add_reference(timeline)
    add_report_actions(actions)
    add_stats(actions, formatter)


def add_reference(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("reference", metavar="REF", help="the report's reference, e.g. TIP-7K3Q9D")
