"""The command line the security team uses: `python app.py reports list` and friends.

Parsing only; adapters.cli.dispatch runs what was asked. Every option is written for a
security officer rather than a developer.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from adapters.cli.arg_types import formatter, positive_int
from adapters.cli.data_parser import add_audit
from adapters.cli.intel_args import add_campaigns, add_watchlist
from adapters.cli.keys import add_evidence, add_keys
from adapters.cli.reports_args import add_reports
from bot.ports import OutboxStatus

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
        formatter_class=formatter,
    )
    chat.add_argument("--user", metavar="NAME", help="who you are in the chat (default: your login name)")

    commands.add_parser(
        "serve",
        help="run the bot for Slack (HTTP or Socket Mode), with deliveries and reminders",
        description="Run Tipline as a server: Slack events on POST /slack/events (or Socket Mode when "
        "SLACK_APP_TOKEN is set), GET /healthz, and, in the same process, delivery to the security "
        "inbox and deadline reminders. Listens on HOST:PORT (default 127.0.0.1:3978).",
        formatter_class=formatter,
    )

    _add_db(commands)
    add_reports(commands)
    _add_outbox(commands)
    add_watchlist(commands)
    add_campaigns(commands)
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
        formatter_class=formatter,
    )
    actions = db.add_subparsers(dest="db_command", metavar="ACTION", title="actions", required=True)
    actions.add_parser(
        "upgrade",
        help="create or update the database tables (safe to run more than once)",
        description="Create the database tables, or bring them up to date after installing a new "
        "version. Safe to run more than once, and while the bot is running.",
        formatter_class=formatter,
    )


def _add_outbox(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    outbox = commands.add_parser(
        "outbox",
        help="check and retry deliveries to the security inbox",
        description="Each report is delivered to the security inbox (a channel, email, or case "
        "system). Deliveries that keep failing are set aside as dead; fix the cause, then retry.",
        formatter_class=formatter,
    )
    actions = outbox.add_subparsers(dest="outbox_command", metavar="ACTION", title="actions", required=True)

    listing = actions.add_parser(
        "list",
        help="list deliveries and their state",
        description="List deliveries: which report went where, whether it arrived, how many "
        "attempts it took and the last error. The report's contents are not shown.",
        formatter_class=formatter,
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
        formatter_class=formatter,
    )
    which = retry.add_mutually_exclusive_group(required=True)
    which.add_argument("id", nargs="?", type=positive_int, metavar="ID", help="the delivery to retry")
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
        formatter_class=formatter,
    )
    actions = teams.add_subparsers(dest="teams_command", metavar="ACTION", title="actions", required=True)
    package = actions.add_parser(
        "package",
        help="write the app package (zip) a Teams admin uploads",
        description="Write the Teams app package: a zip with the manifest and the icons, for a Teams "
        "admin to upload (Apps > Manage your apps > Upload an app, or the Teams admin centre). Each "
        "value not given as an option is read from the environment variable named in its help; the "
        "addresses must be https. Needs no database.",
        formatter_class=formatter,
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
