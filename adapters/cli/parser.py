"""The command line the security team uses: `python app.py reports list` and friends.

Parsing only; adapters.cli.dispatch runs what was asked. Every option is written for a
security officer rather than a developer.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from adapters.cli.data_parser import add_audit, add_report_actions
from adapters.cli.keys import add_evidence, add_keys
from adapters.cli.stats_args import add_stats
from bot.ports import OutboxStatus
from bot.report import LinkKind, Outcome, Status
from bot.sharing.tlp import Tlp, parse_tlp

_DESCRIPTION = """\
Tipline: staff report suspicious approaches (fake recruiters, paid "insight" work,
trip invitations, offers of cash or crypto) to the security team.

With no command, starts a chat in this terminal, as a member of staff would see it.
"""

_EPILOG = """\
examples:
  app.py reports list --status new
  app.py reports show TIP-7K3Q9D
  app.py reports find linkedin.com/in/jane-smith
  app.py reports stats --since 2025-09-01 --png stats.png
  app.py reports export --format stix --output tip-7k3q9d.json TIP-7K3Q9D
  app.py reports assign TIP-7K3Q9D alice
  app.py reports close TIP-7K3Q9D --outcome benign --message "Thank you; this one was genuine."
  app.py outbox retry --all-dead
  app.py outbox retry 12 --force
  app.py watchlist import examples/watchlist-uk-2025-11.yaml
  app.py keys rotate
  app.py reports import earlier-reports.json
  app.py campaigns list
  app.py campaigns split 3 TIP-7K3Q9D
"""


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _tlp(text: str) -> Tlp:
    try:
        return parse_tlp(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _formatter(prog: str) -> argparse.HelpFormatter:
    return argparse.HelpFormatter(prog, max_help_position=32)


def _raw_formatter(prog: str) -> argparse.HelpFormatter:
    # The top-level description and examples are laid out by hand.
    return argparse.RawDescriptionHelpFormatter(prog, max_help_position=32)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="app.py", description=_DESCRIPTION, epilog=_EPILOG, formatter_class=_raw_formatter
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")

    chat = commands.add_parser(
        "chat",
        help="talk to the bot in this terminal, as a member of staff",
        description="Start a chat in this terminal, exactly as a member of staff would see it. "
        "Useful to try the questions and the guidance before going live.",
        formatter_class=_formatter,
    )
    chat.add_argument("--user", metavar="NAME", help="who you are in the chat (default: your login name)")

    commands.add_parser(
        "serve",
        help="run the bot for Slack (HTTP or Socket Mode), with deliveries and reminders",
        description="Run Tipline as a server: Slack events on POST /slack/events (or Socket Mode when "
        "SLACK_APP_TOKEN is set), GET /healthz, and, in the same process, delivery to the security "
        "inbox and deadline reminders. Listens on HOST:PORT (default 127.0.0.1:3978).",
        formatter_class=_formatter,
    )

    _add_db(commands)
    _add_reports(commands)
    _add_outbox(commands)
    _add_watchlist(commands)
    _add_campaigns(commands)
    _add_teams(commands)
    add_audit(commands)
    add_keys(commands)
    add_evidence(commands)
    return parser


def _add_db(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    db = commands.add_parser(
        "db",
        help="look after the database",
        description="Look after the database that holds the reports.",
        formatter_class=_formatter,
    )
    actions = db.add_subparsers(dest="db_command", metavar="ACTION", title="actions", required=True)
    actions.add_parser(
        "upgrade",
        help="create or update the database tables (safe to run more than once)",
        description="Create the database tables, or bring them up to date after installing a new "
        "version. Safe to run more than once, and while the bot is running.",
        formatter_class=_formatter,
    )


def _add_reports(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    reports = commands.add_parser(
        "reports",
        help="read and handle reports",
        description="Read the reports staff have sent, and handle them: acknowledge, assign, close.",
        formatter_class=_formatter,
    )
    actions = reports.add_subparsers(dest="reports_command", metavar="ACTION", title="actions", required=True)

    listing = actions.add_parser(
        "list",
        help="list reports, newest first",
        description="List reports, newest first: reference, when it arrived, severity, status, "
        "kind of approach and who it is assigned to.",
        formatter_class=_formatter,
    )
    listing.add_argument(
        "--status", type=Status, choices=list(Status), help="only reports with this status (default: all)"
    )
    listing.add_argument(
        "--limit",
        type=_positive_int,
        default=50,
        metavar="N",
        help="show at most N reports (default: %(default)s)",
    )

    show = actions.add_parser(
        "show",
        help="everything in one report",
        description="Show everything in one report: the approach, who made it, what was asked for "
        "and offered, what the reporter did, evidence, severity and how it is being handled.",
        formatter_class=_formatter,
    )
    _add_reference(show)

    find = actions.add_parser(
        "find",
        help="every report that mentions a profile, email, phone, website or organisation",
        description="Find every report that mentions this profile address, email, phone, website "
        "or organisation: to check an indicator from an alert, or to see whether many staff were "
        "approached by the same person. Type it as you have it: any spelling of a LinkedIn "
        "address, a phone number with or without the country code (UK assumed), an email domain "
        "such as example.com, or part of an organisation or name.",
        formatter_class=_formatter,
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
        formatter_class=_formatter,
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
    _add_sharing_options(export)

    importing = actions.add_parser(
        "import",
        help="add reports from another system (JSON, as reports export writes it)",
        description="Add the reports in FILE: a JSON array or JSON lines (one report per line), in "
        "the form `reports export --format json` writes. The whole file is checked first; a mistake "
        "is named by line and field and nothing is added. Reports already here (by reference) are "
        "left alone, so importing a file again adds nothing. Imported reports are indexed and linked "
        "into campaigns; nothing is sent to the security inbox and no reporter is messaged.",
        formatter_class=_formatter,
    )
    importing.add_argument("file", metavar="FILE")

    ack = actions.add_parser(
        "ack",
        help="acknowledge a new report",
        description="Acknowledge a new report: tells everyone the security team has seen it.",
        formatter_class=_formatter,
    )
    _add_reference(ack)

    assign = actions.add_parser(
        "assign",
        help="give a report to an analyst",
        description="Give a report to an analyst. A new report is acknowledged at the same time "
        "and becomes in progress.",
        formatter_class=_formatter,
    )
    _add_reference(assign)
    assign.add_argument("analyst", metavar="ANALYST", help="who will handle it")

    close = actions.add_parser(
        "close",
        help="close a report with an outcome; the reporter is told",
        description="Close a report with an outcome. The reporter is sent the outcome's message "
        "from the templates (see --preview), or your own with --message: thank them, and say what, "
        "if anything, they should do now.",
        formatter_class=_formatter,
    )
    _add_reference(close)
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
        formatter_class=_formatter,
    )
    _add_reference(reopen)

    ask = actions.add_parser(
        "ask",
        help="ask the reporter a question",
        description="Ask the reporter a question. It reaches them where they reported; their answer "
        "is added to the report and sent on to the security inbox. They see it as from the security "
        "team unless you --sign it.",
        formatter_class=_formatter,
    )
    _add_reference(ask)
    ask.add_argument("question", metavar="QUESTION", help="the question, in words for the reporter")
    ask.add_argument("--sign", metavar="NAME", help="sign the question with this name")

    note = actions.add_parser(
        "note",
        help="add an internal note (never shown to the reporter)",
        description="Add a note for the security team to a report. The reporter never sees notes.",
        formatter_class=_formatter,
    )
    _add_reference(note)
    note.add_argument("text", metavar="TEXT", help="the note")

    link = actions.add_parser(
        "link",
        help="link two reports: the same approach, or the same person or campaign",
        description="Link two reports, both ways. Use 'duplicate' for the same approach reported "
        "twice, 'related' for the same person, company or campaign.",
        formatter_class=_formatter,
    )
    _add_reference(link)
    link.add_argument("other", metavar="OTHER", help="the other report's reference")
    link.add_argument(
        "--kind", type=LinkKind, choices=list(LinkKind), default=LinkKind.RELATED, help="(default: related)"
    )

    timeline = actions.add_parser(
        "timeline",
        help="who did what to a report, and when",
        description="Everything the team has done with one report, oldest first.",
        formatter_class=_formatter,
    )
    _add_reference(timeline)
    add_report_actions(actions)
    add_stats(actions, _formatter)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2025-11-18") from None


def _add_watchlist(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    watchlist = commands.add_parser(
        "watchlist",
        help="keep the published alerts every report is matched against",
        description="The watchlist: profiles, names, firms, emails and phones named in published "
        "security alerts. Every report is matched against it as it is typed; adding an entry checks "
        "earlier reports too. Security team only; every change is recorded.",
        formatter_class=_formatter,
    )
    actions = watchlist.add_subparsers(
        dest="watchlist_command", metavar="ACTION", title="actions", required=True
    )
    listing = actions.add_parser("list", help="list the entries", formatter_class=_formatter)
    listing.add_argument("--all", action="store_true", help="retired entries too")
    show = actions.add_parser("show", help="everything in one entry", formatter_class=_formatter)
    show.add_argument("id", type=_positive_int, metavar="ENTRY", help="the entry's number, from list")
    retire = actions.add_parser(
        "retire", help="stop matching reports against an entry (it is kept)", formatter_class=_formatter
    )
    retire.add_argument("id", type=_positive_int, metavar="ENTRY", help="the entry's number, from list")
    add = actions.add_parser(
        "add",
        help="add one entry",
        description="Add one entry. Give at least one indicator; repeat an option for several values.",
        formatter_class=_formatter,
    )
    for option, dest, what in (
        ("--name", "name", "a name the contact uses"),
        ("--organisation", "organisation", "an organisation they claim"),
        ("--profile", "profile", "a profile address (URL)"),
        ("--email", "email", "an email address"),
        ("--domain", "domain", "a company's email domain (not free mail)"),
        ("--phone", "phone", "a phone number"),
        ("--website", "website", "a website"),
    ):
        add.add_argument(option, dest=dest, action="append", default=[], metavar="VALUE", help=what)
    add.add_argument("--source", required=True, help="where it comes from: the alert's title")
    add.add_argument("--date", type=_date, metavar="YYYY-MM-DD", help="the alert's date")
    add.add_argument("--notes", help="anything the team should know")
    importing = actions.add_parser(
        "import",
        help="add every entry in a YAML or CSV file (all or nothing)",
        description="Add every entry in FILE (YAML, or CSV when it ends in .csv). The whole file is "
        "checked first; any mistake is named by line and field and nothing is added. Entries "
        "already on the watchlist are left alone, so importing a file again adds nothing.",
        formatter_class=_formatter,
    )
    importing.add_argument("file", metavar="FILE")
    export = actions.add_parser(
        "export", help="print every entry, retired ones too, as YAML or CSV", formatter_class=_formatter
    )
    export.add_argument("--format", choices=["yaml", "csv"], default="yaml")


def _add_sharing_options(parser: argparse.ArgumentParser) -> None:
    """--output, --tlp, --as-threat-actor, --include-narrative: of reports export and campaigns export."""
    parser.add_argument("--output", metavar="FILE", help="write to FILE instead of the screen")
    parser.add_argument(
        "--tlp",
        type=_tlp,
        metavar="LEVEL",
        help="stix and misp: the Traffic Light Protocol marking, TLP:CLEAR, TLP:GREEN, TLP:AMBER or "
        "TLP:RED (default: the SHARING_TLP setting, else TLP:AMBER)",
    )
    parser.add_argument(
        "--as-threat-actor",
        action="store_true",
        help="stix: describe the persona as a threat actor (default: an identity, making no judgement)",
    )
    parser.add_argument(
        "--include-narrative",
        action="store_true",
        help="stix and misp: add what each reporter told us in their own words (what happened, what "
        "was asked, offered, shared); who they are is still left out",
    )


def _add_campaigns(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    campaigns = commands.add_parser(
        "campaigns",
        help="reports about the same persona or cover company, linked together",
        description="A campaign is every report about one persona or cover company: linked "
        "automatically as reports arrive (by profile, email, phone, company website or email "
        "domain, or a name with its organisation), however each was typed. Confirm, rename, split, "
        "merge or dismiss one; automatic linking never undoes a decision. Security team only; every "
        "decision is recorded. See docs/campaigns.md.",
        formatter_class=_formatter,
    )
    actions = campaigns.add_subparsers(
        dest="campaigns_command", metavar="ACTION", title="actions", required=True
    )
    listing = actions.add_parser("list", help="every campaign, newest first", formatter_class=_formatter)
    listing.add_argument("--format", choices=["table", "json"], default="table", help="(default: table)")
    show = actions.add_parser(
        "show",
        help="one campaign: its reports, indicators, and why each pair is linked",
        formatter_class=_formatter,
    )
    _add_campaign_id(show)
    for name, text in (
        ("confirm", "agree it is one campaign"),
        ("dismiss", "say it is not a campaign: its reports stay apart and nothing joins it"),
    ):
        _add_campaign_id(actions.add_parser(name, help=text, formatter_class=_formatter))
    export = actions.add_parser(
        "export",
        help="the campaign as one persona for partners: STIX 2.1 or MISP, never a reporter",
        description="Write the campaign's persona (its names, organisation, accounts, addresses and "
        "indicators, from every report in it) as a STIX 2.1 bundle or a MISP event, with a TLP "
        "marking and never a reporter: see docs/sharing.md.",
        formatter_class=_formatter,
    )
    _add_campaign_id(export)
    export.add_argument("--format", required=True, choices=["stix", "misp"], help="the file format")
    _add_sharing_options(export)
    rename = actions.add_parser("rename", help="give a campaign a title", formatter_class=_formatter)
    _add_campaign_id(rename)
    rename.add_argument("title", metavar="TITLE", help="the new title (up to 200 characters)")
    split = actions.add_parser(
        "split",
        help="take reports out into a campaign of their own",
        description="Take the named reports out of the campaign into a new one. Automatic linking "
        "never puts them back together; merge them if that was a mistake.",
        formatter_class=_formatter,
    )
    _add_campaign_id(split)
    split.add_argument("references", nargs="+", metavar="REF", help="the reports to take out")
    actions.add_parser(
        "link-earlier",
        help="link the reports that arrived before campaigns (once, after upgrading)",
        description="Link every report that is in no campaign yet, oldest first, as if each had just "
        "arrived. Reports are linked as they come; this is for the ones already there when Tipline "
        "was upgraded to campaigns. Safe to run again: reports already in a campaign are left alone.",
        formatter_class=_formatter,
    )
    merge = actions.add_parser(
        "merge", help="put other campaigns' reports into this one", formatter_class=_formatter
    )
    _add_campaign_id(merge)
    merge.add_argument(
        "others", nargs="+", type=_positive_int, metavar="OTHER", help="the campaigns to merge in"
    )


def _add_campaign_id(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", type=_positive_int, metavar="ID", help="the campaign's number, from list")


def _add_outbox(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    outbox = commands.add_parser(
        "outbox",
        help="check and retry deliveries to the security inbox",
        description="Each report is delivered to the security inbox (a channel, email, or case "
        "system). Deliveries that keep failing are set aside as dead; fix the cause, then retry.",
        formatter_class=_formatter,
    )
    actions = outbox.add_subparsers(dest="outbox_command", metavar="ACTION", title="actions", required=True)

    listing = actions.add_parser(
        "list",
        help="list deliveries and their state",
        description="List deliveries: which report went where, whether it arrived, how many "
        "attempts it took and the last error. The report's contents are not shown.",
        formatter_class=_formatter,
    )
    listing.add_argument(
        "--status",
        type=OutboxStatus,
        choices=list(OutboxStatus),
        help="only deliveries in this state (default: all)",
    )

    retry = actions.add_parser(
        "retry",
        help="try a failed delivery again",
        description="Try a delivery again now: one by its ID (from 'outbox list'), or every dead one. "
        "The running app sends it.",
        formatter_class=_formatter,
    )
    which = retry.add_mutually_exclusive_group(required=True)
    which.add_argument("id", nargs="?", type=_positive_int, metavar="ID", help="the delivery to retry")
    which.add_argument("--all-dead", action="store_true", help="retry every dead delivery")
    retry.add_argument(
        "--force",
        action="store_true",
        help="take a delivery whose lease a stopped or crashed worker still holds (the destination "
        "ignores a second copy, so this never duplicates a report)",
    )


def _add_teams(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    teams = commands.add_parser(
        "teams",
        help="set Tipline up in Microsoft Teams",
        description="Set Tipline up in Microsoft Teams.",
        formatter_class=_formatter,
    )
    actions = teams.add_subparsers(dest="teams_command", metavar="ACTION", title="actions", required=True)
    package = actions.add_parser(
        "package",
        help="write the app package (zip) a Teams admin uploads",
        description="Write the Teams app package: a zip with the manifest and the icons, for a Teams "
        "admin to upload (Apps > Manage your apps > Upload an app, or the Teams admin centre). Each "
        "value not given as an option is read from the environment variable named in its help; the "
        "addresses must be https. Needs no database.",
        formatter_class=_formatter,
    )
    package.add_argument(
        "--output",
        type=Path,
        default=Path("var/tipline-teams.zip"),
        metavar="FILE",
        help="where to write the zip (default: %(default)s)",
    )
    package.add_argument(
        "--app-id",
        metavar="GUID",
        help="the bot's Microsoft App ID, from its Azure Bot resource; also the Teams app id "
        "(default: MICROSOFT_APP_ID)",
    )
    package.add_argument(
        "--developer-name",
        metavar="NAME",
        help="who staff see as the app's publisher, up to 32 characters, e.g. your organisation "
        "(default: TEAMS_DEVELOPER_NAME)",
    )
    package.add_argument(
        "--website-url",
        metavar="URL",
        help="https page about Tipline or your security team (default: TEAMS_WEBSITE_URL)",
    )
    package.add_argument(
        "--privacy-url",
        metavar="URL",
        help="https page with the privacy notice for reports (default: TEAMS_PRIVACY_URL)",
    )
    package.add_argument(
        "--terms-url",
        metavar="URL",
        help="https page with the terms of use (default: TEAMS_TERMS_URL)",
    )
    package.add_argument(
        "--version",
        dest="app_version",
        metavar="X.Y.Z",
        help="the package's version (default: 1.0.0); raise it each time you upload a changed package",
    )
    package.add_argument(
        "--name",
        metavar="NAME",
        help="the app's name in Teams, up to 30 characters (default: Tipline)",
    )


def _add_reference(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("reference", metavar="REF", help="the report's reference, e.g. TIP-7K3Q9D")
