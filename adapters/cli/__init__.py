"""The security team's command line: `python app.py reports ...`, `outbox ...`, `db ...`."""

from adapters.cli.dispatch import handles, run_command
from adapters.cli.parser import build_parser

__all__ = ["build_parser", "handles", "run_command"]
