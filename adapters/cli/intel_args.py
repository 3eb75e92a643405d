"""`watchlist ...` and `campaigns ...`: the published alerts and the campaigns (parsing only)."""

from __future__ import annotations

import argparse

from adapters.cli.arg_types import day, formatter, positive_int, tlp_option


def add_watchlist(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    watchlist = commands.add_parser(
        "watchlist",
        help="keep the published alerts every report is matched against",
        description="The watchlist: profiles, names, firms, emails and phones named in published "
        "security alerts. Every report is matched against it as it is typed; adding an entry checks "
        "earlier reports too. Security team only; every change is recorded.",
        formatter_class=formatter,
    )
    actions = watchlist.add_subparsers(
        dest="watchlist_command", metavar="ACTION", title="actions", required=True
    )
    listing = actions.add_parser("list", help="list the entries", formatter_class=formatter)
    listing.add_argument("--all", action="store_true", help="retired entries too")
    show = actions.add_parser("show", help="everything in one entry", formatter_class=formatter)
    show.add_argument("id", type=positive_int, metavar="ENTRY", help="the entry's number, from list")
    retire = actions.add_parser(
        "retire", help="stop matching reports against an entry (it is kept)", formatter_class=formatter
    )
    retire.add_argument("id", type=positive_int, metavar="ENTRY", help="the entry's number, from list")
    add = actions.add_parser(
        "add",
        help="add one entry",
        description="Add one entry. Give at least one indicator; repeat an option for several values.",
        formatter_class=formatter,
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
    add.add_argument("--date", type=day, metavar="YYYY-MM-DD", help="the alert's date")
    add.add_argument("--notes", help="anything the team should know")
    importing = actions.add_parser(
        "import",
        help="add every entry in a YAML or CSV file (all or nothing)",
        description="Add every entry in FILE (YAML, or CSV when it ends in .csv). The whole file is "
        "checked first; any mistake is named by line and field and nothing is added. Entries "
        "already on the watchlist are left alone, so importing a file again adds nothing.",
        formatter_class=formatter,
    )
    importing.add_argument("file", metavar="FILE")
    export = actions.add_parser(
        "export", help="print every entry, retired ones too, as YAML or CSV", formatter_class=formatter
    )
    export.add_argument("--format", choices=["yaml", "csv"], default="yaml")


def add_sharing_options(parser: argparse.ArgumentParser) -> None:
    """--output, --tlp, --as-threat-actor, --include-narrative: of reports export and campaigns export."""
    parser.add_argument("--output", metavar="FILE", help="write to FILE instead of the screen")
    parser.add_argument(
        "--tlp",
        type=tlp_option,
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


def add_campaigns(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    campaigns = commands.add_parser(
        "campaigns",
        help="reports about the same persona or cover company, linked together",
        description="A campaign is every report about one persona or cover company: linked "
        "automatically as reports arrive (by profile, email, phone, company website or email "
        "domain, or a name with its organisation), however each was typed. Confirm, rename, split, "
        "merge or dismiss one; automatic linking never undoes a decision. Security team only; every "
        "decision is recorded. See docs/campaigns.md.",
        formatter_class=formatter,
    )
    actions = campaigns.add_subparsers(
        dest="campaigns_command", metavar="ACTION", title="actions", required=True
    )
    listing = actions.add_parser("list", help="every campaign, newest first", formatter_class=formatter)
    listing.add_argument("--format", choices=["table", "json"], default="table", help="(default: table)")
    show = actions.add_parser(
        "show",
        help="one campaign: its reports, indicators, and why each pair is linked",
        formatter_class=formatter,
    )
    _add_campaign_id(show)
    for name, text in (
        ("confirm", "agree it is one campaign"),
        ("dismiss", "say it is not a campaign: its reports stay apart and nothing joins it"),
    ):
        _add_campaign_id(actions.add_parser(name, help=text, formatter_class=formatter))
    export = actions.add_parser(
        "export",
        help="the campaign as one persona for partners: STIX 2.1 or MISP, never a reporter",
        description="Write the campaign's persona (its names, organisation, accounts, addresses and "
        "indicators, from every report in it) as a STIX 2.1 bundle or a MISP event, with a TLP "
        "marking and never a reporter: see docs/sharing.md.",
        formatter_class=formatter,
    )
    _add_campaign_id(export)
    export.add_argument("--format", required=True, choices=["stix", "misp"], help="the file format")
    add_sharing_options(export)
    rename = actions.add_parser("rename", help="give a campaign a title", formatter_class=formatter)
    _add_campaign_id(rename)
    rename.add_argument("title", metavar="TITLE", help="the new title (up to 200 characters)")
    split = actions.add_parser(
        "split",
        help="take reports out into a campaign of their own",
        description="Take the named reports out of the campaign into a new one. Automatic linking "
        "never puts them back together; merge them if that was a mistake.",
        formatter_class=formatter,
    )
    _add_campaign_id(split)
    split.add_argument("references", nargs="+", metavar="REF", help="the reports to take out")
    actions.add_parser(
        "link-earlier",
        help="link the reports that arrived before campaigns (once, after upgrading)",
        description="Link every report that is in no campaign yet, oldest first, as if each had just "
        "arrived. Reports are linked as they come; this is for the ones already there when Tipline "
        "was upgraded to campaigns. Safe to run again: reports already in a campaign are left alone.",
        formatter_class=formatter,
    )
    merge = actions.add_parser(
        "merge", help="put other campaigns' reports into this one", formatter_class=formatter
    )
    _add_campaign_id(merge)
    merge.add_argument(
        "others", nargs="+", type=positive_int, metavar="OTHER", help="the campaigns to merge in"
    )


def _add_campaign_id(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", type=positive_int, metavar="ID", help="the campaign's number, from list")
