"""What the command line's options accept, shared by its parsers, with a message for a person."""

from __future__ import annotations

import argparse
from datetime import date

from bot.sharing.tlp import Tlp, parse_tlp


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def tlp_option(text: str) -> Tlp:
    try:
        return parse_tlp(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def formatter(prog: str) -> argparse.HelpFormatter:
    return argparse.HelpFormatter(prog, max_help_position=32)


def day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2025-11-18") from None
