"""Runs a parsed `reports ...` or `outbox ...` command (app.py handles chat and db itself)."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TextIO

from adapters.cli.outbox import list_outbox, retry_outbox
from adapters.cli.reports import (
    acknowledge_report,
    assign_report,
    close_report,
    export_reports,
    list_reports,
    report_timeline,
    show_report,
)
from bot.ports import UnitOfWorkFactory
from bot.triage import TriageService


def handles(args: argparse.Namespace) -> bool:
    """True for the commands run_command knows."""
    return getattr(args, "command", None) in {"reports", "outbox"}


async def run_command(
    args: argparse.Namespace,
    uow_factory: UnitOfWorkFactory,
    clock: Callable[[], datetime],
    out: TextIO,
    err: TextIO,
) -> int:
    """Run a `reports` or `outbox` command; returns the exit code."""
    if args.command == "reports":
        return await _reports(args, uow_factory, TriageService(uow_factory, clock), out, err)
    if args.command == "outbox":
        if args.outbox_command == "list":
            return await list_outbox(uow_factory, args.status, out)
        return await retry_outbox(uow_factory, args.id, args.all_dead, clock, out, err)
    raise ValueError(f"not a reports or outbox command: {args.command!r}")


async def _reports(
    args: argparse.Namespace,
    uow_factory: UnitOfWorkFactory,
    triage: TriageService,
    out: TextIO,
    err: TextIO,
) -> int:
    action = args.reports_command
    if action == "list":
        return await list_reports(uow_factory, args.status, args.limit, out)
    if action == "show":
        return await show_report(triage, args.reference, out, err)
    if action == "export":
        if args.output is None:
            return await export_reports(uow_factory, args.format, out)
        with open_private(Path(args.output)) as file:
            code = await export_reports(uow_factory, args.format, file)
        print(f"Exported to {args.output}.", file=err)
        return code
    if action == "ack":
        return await acknowledge_report(triage, args.reference, args.actor, out, err)
    if action == "assign":
        return await assign_report(triage, args.reference, args.analyst, args.actor, out, err)
    if action == "close":
        return await close_report(triage, args.reference, args.outcome, args.message, args.actor, out, err)
    if action == "timeline":
        return await report_timeline(triage, args.reference, out, err)
    raise ValueError(f"unknown reports action {action!r}")


def open_private(path: Path) -> TextIO:
    """Open for writing, readable by the owner only: an export holds every report in full."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    # An existing file keeps its old mode through O_CREAT; tighten it as well.
    os.fchmod(descriptor, 0o600)
    # newline="" lets the csv module write its own line endings.
    return open(descriptor, "w", encoding="utf-8", newline="")
