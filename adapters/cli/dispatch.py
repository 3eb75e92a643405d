"""Runs a parsed `reports ...` or `outbox ...` command (app.py handles chat and db itself).

The person at this command line is the operating system account running it (not a name
typed, nor LOGNAME/USER, which anyone can set). That is only as strong as the protection
of the database and the settings on this machine: give shell access to Tipline's host, and
read access to its database and .env, only to the security team.
"""

from __future__ import annotations

import argparse
import io
import os
import pwd
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TextIO

from adapters.cli.audit import verify_audit
from adapters.cli.campaigns import run_campaigns
from adapters.cli.importing import import_reports
from adapters.cli.outbox import list_outbox, retry_outbox
from adapters.cli.reports import (
    acknowledge_report,
    add_note,
    ask_reporter,
    assign_report,
    close_report,
    export_reports,
    find_reports,
    link_reports,
    list_reports,
    refused,
    reopen_report,
    report_timeline,
    show_report,
)
from adapters.cli.retention import forget_reporter, purge_reports
from adapters.cli.stats import run_stats
from adapters.cli.watchlist import run_watchlist
from bot.actors import Actor
from bot.campaigns.service import CampaignError, CampaignService
from bot.ports import UnitOfWorkFactory
from bot.report_import import ReportImport
from bot.retention.forget import ReporterForgetting
from bot.retention.purge import Retention
from bot.sharing.audit import Shared, record_shared
from bot.sharing.settings import SharingSettings
from bot.triage import NotAllowed, TriageError, TriageService
from bot.watchlist.service import WatchlistService

PLATFORM = "cli"
SHARING_FORMATS = ("stix", "misp")


def cli_actor() -> Actor:
    """The operating system's account for this process. Not getpass.getuser(): that believes
    LOGNAME and USER, which anyone can set to a security officer's name."""
    try:
        login = pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:
        login = ""
    return Actor(PLATFORM, login or f"uid-{os.geteuid()}")


def handles(args: argparse.Namespace) -> bool:
    """True for the commands run_command knows."""
    return getattr(args, "command", None) in {"reports", "outbox", "watchlist", "campaigns", "audit"}


async def run_command(
    args: argparse.Namespace,
    triage: TriageService,
    uow_factory: UnitOfWorkFactory,
    clock: Callable[[], datetime],
    out: TextIO,
    err: TextIO,
    actor: Actor | None = None,
    sharing: SharingSettings | None = None,
    watchlist: WatchlistService | None = None,
    campaigns: CampaignService | None = None,
    retention: Retention | None = None,
) -> int:
    """Run a `reports`, `outbox`, `watchlist` or `campaigns` command; returns the exit code.
    `sharing`: the defaults of the STIX and MISP exports (SHARING_TLP, SHARING_ORGANISATION)."""
    actor = actor or cli_actor()
    sharing = sharing or SharingSettings()
    campaigns = campaigns or CampaignService(uow_factory, clock, triage.check_member, triage.region)
    try:
        if args.command == "audit":
            await triage.check_member(actor, f"audit.{args.audit_command}")
            return await verify_audit(uow_factory, out, err)
        if args.command == "watchlist" and watchlist is not None:
            return await run_watchlist(args, watchlist, actor, out, err)
        if args.command == "campaigns" and args.campaigns_command == "export":
            return await _export_campaign(args, triage, campaigns, actor, sharing, out, err)
        if args.command == "campaigns":
            return await run_campaigns(args, campaigns, actor, out, err)
        if args.command == "reports" and args.reports_command == "import":
            importer = ReportImport(uow_factory, clock, triage.region)
            return await import_reports(Path(args.file), importer, triage, actor, out, err)
        if args.command == "reports" and args.reports_command == "purge":
            if retention is None:
                raise ValueError("reports purge: no retention policy given to run_command")
            await triage.check_member(actor, "reports.purge")
            return await purge_reports(retention, actor, args.dry_run, clock, out)
        if args.command == "reports" and args.reports_command == "stats":
            return await run_stats(args, triage, uow_factory, clock, actor, out, err)
        if args.command == "reports" and args.reports_command == "forget-reporter":
            await triage.check_member(actor, "reports.forget_reporter")
            forgetting = ReporterForgetting(uow_factory, clock)
            return await forget_reporter(forgetting, actor, args.references, out, err)
        if args.command == "reports":
            return await _reports(args, triage, actor, sharing, out, err)
        if args.command == "outbox":
            await triage.check_member(actor, f"outbox.{args.outbox_command}")
            if args.outbox_command == "list":
                return await list_outbox(uow_factory, args.status, out)
            return await retry_outbox(
                uow_factory, args.id, args.all_dead, clock, out, err, force=getattr(args, "force", False)
            )
    except NotAllowed as exc:
        refused(exc, err)
        print(
            f"If you are on the security team: add {actor.user_id} to SECURITY_TEAM (e.g. "
            f"SECURITY_TEAM=cli:{actor.user_id}), or to team.cli in the SECURITY_CONFIG file.",
            file=err,
        )
        return 1
    except TriageError as exc:
        return refused(exc, err)
    raise ValueError(f"not a reports or outbox command: {args.command!r}")


async def _reports(
    args: argparse.Namespace,
    triage: TriageService,
    actor: Actor,
    sharing: SharingSettings,
    out: TextIO,
    err: TextIO,
) -> int:
    action = args.reports_command
    if action == "list":
        return await list_reports(triage, actor, args.status, args.limit, out)
    if action == "show":
        return await show_report(triage, actor, args.reference, out)
    if action == "find":
        return await find_reports(triage, actor, args.indicator, out)
    if action == "export":
        return await _export(args, triage, actor, sharing, out, err)
    if action == "ack":
        return await acknowledge_report(triage, actor, args.reference, out)
    if action == "assign":
        return await assign_report(triage, actor, args.reference, args.analyst, out)
    if action == "close":
        return await close_report(
            triage, actor, args.reference, args.outcome, args.message, args.preview, out
        )
    if action == "reopen":
        return await reopen_report(triage, actor, args.reference, out)
    if action == "ask":
        return await ask_reporter(triage, actor, args.reference, args.question, args.sign, out)
    if action == "note":
        return await add_note(triage, actor, args.reference, args.text, out)
    if action == "link":
        return await link_reports(triage, actor, args.reference, args.other, args.kind, out)
    if action == "timeline":
        return await report_timeline(triage, actor, args.reference, out)
    raise ValueError(f"unknown reports action {action!r}")


async def _export(
    args: argparse.Namespace,
    triage: TriageService,
    actor: Actor,
    sharing: SharingSettings,
    out: TextIO,
    err: TextIO,
) -> int:
    await triage.check_member(actor, "export")  # before anything is read or a file created
    if args.format in SHARING_FORMATS:
        return await _share(args, triage, actor, sharing, err, out, args.references)
    if args.tlp or args.as_threat_actor or args.include_narrative:
        raise TriageError("--tlp, --as-threat-actor and --include-narrative are for --format stix or misp.")
    if args.output is None:
        return await export_reports(triage, actor, args.format, out, args.references)
    with open_private(Path(args.output)) as file:
        code = await export_reports(triage, actor, args.format, file, args.references, to="file")
    print(f"Exported to {args.output}.", file=err)
    return code


async def _export_campaign(
    args: argparse.Namespace,
    triage: TriageService,
    campaigns: CampaignService,
    actor: Actor,
    sharing: SharingSettings,
    out: TextIO,
    err: TextIO,
) -> int:
    """`campaigns export ID --format stix|misp`: every report in it, as one persona."""
    await triage.check_member(actor, "export")
    try:
        campaign = await campaigns.show(args.id, actor)
    except CampaignError as exc:
        print(f"tipline: {exc}", file=err)
        return 1
    return await _share(
        args, triage, actor, sharing, err, out, campaign.references, (campaign.id, campaign.title)
    )


async def _share(
    args: argparse.Namespace,
    triage: TriageService,
    actor: Actor,
    sharing: SharingSettings,
    err: TextIO,
    out: TextIO,
    references: Sequence[str],
    campaign: tuple[int, str] | None = None,
) -> int:
    # Imported here: stix2, pymisp and the validator take seconds to load, for this command only.
    from adapters.cli.share import ShareRequest, reports_to_share, write_shared

    tlp = args.tlp or sharing.tlp
    request = ShareRequest(
        args.format, references, tlp, args.as_threat_actor, args.include_narrative, campaign
    )
    reports = await reports_to_share(triage, actor, request.references)
    text = io.StringIO()
    write_shared(reports, request, sharing, text)  # a refused export leaves no file behind
    if args.output is None:
        out.write(text.getvalue())
    else:
        with open_private(Path(args.output)) as file:
            file.write(text.getvalue())
    to = "screen" if args.output is None else "file"
    shared = Shared(
        request.fmt, [r.reference for r in reports], to, tlp, args.include_narrative, args.as_threat_actor
    )
    await record_shared(triage, actor, shared)
    if args.output is not None:
        what = (
            f"campaign {campaign[0]}"
            if campaign
            else f"{len(reports)} report{'' if len(reports) == 1 else 's'}"
        )
        print(f"Exported {what} as {request.fmt} ({tlp.label}) to {args.output}.", file=err)
    return 0


def open_private(path: Path) -> TextIO:
    """Open for writing, readable by the owner only: an export holds every report in full."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    # An existing file keeps its old mode through O_CREAT; tighten it as well.
    os.fchmod(descriptor, 0o600)
    # newline="" lets the csv module write its own line endings.
    return open(descriptor, "w", encoding="utf-8", newline="")
