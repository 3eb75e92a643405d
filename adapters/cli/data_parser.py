"""The data-protection commands' arguments: `audit verify`, `reports purge`, `reports forget-reporter`."""

from __future__ import annotations

import argparse


def _formatter(prog: str) -> argparse.HelpFormatter:
    return argparse.HelpFormatter(prog, max_help_position=32)


def add_audit(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    audit = commands.add_parser(
        "audit",
        help="check the audit trail",
        description="The audit trail records who did what with each report. Every entry holds the "
        "hash of the one before, so an entry edited, inserted or deleted in the database is found.",
        formatter_class=_formatter,
    )
    actions = audit.add_subparsers(dest="audit_command", metavar="ACTION", title="actions", required=True)
    actions.add_parser(
        "verify",
        help="check that no audit entry was edited, inserted or deleted",
        description="Walk the whole audit trail and check every entry against its hash and the entry "
        "before it. Prints OK and the number of entries, or names each entry that was edited, inserted "
        "or deleted and exits with status 1. Note the newest sequence and hash it prints somewhere "
        "outside Tipline: someone able to rewrite the whole database could rewrite the chain, but not "
        "your note of it.",
        formatter_class=_formatter,
    )


def add_report_actions(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    purge = actions.add_parser(
        "purge",
        help="delete what is past its retention period now (--dry-run: only show it)",
        description="Delete closed reports older than RETENTION_CLOSED and cancelled drafts older "
        "than DRAFT_KEEP_DAYS, with their messages, evidence files, deadlines and pending deliveries. "
        "Each purged report leaves a stub (reference, dates, outcome) for statistics. The scheduler "
        "does this every day on its own; this command does it now.",
        formatter_class=_formatter,
    )
    purge.add_argument(
        "--dry-run", action="store_true", help="list what would be deleted, and delete nothing"
    )
