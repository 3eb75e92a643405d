"""`python app.py keys ...`: the data keys (docs/data-protection.md). Parsing and wording only;
app.py runs the rotation itself."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import BinaryIO, TextIO

_ROTATE = """\
Seal everything under the newest key: the last one in TIPLINE_DATA_KEYS or the key file (the
older ones stay in the list, for reading, until this has finished). Rows written before
encryption are sealed too. Works in batches, beside the running bot; if it is stopped or
killed, run it again and it carries on where it was."""


def add_keys(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    keys = commands.add_parser(
        "keys",
        help="the data keys that encrypt reports at rest",
        description="The data keys that encrypt reports at rest (see docs/data-protection.md).",
    )
    actions = keys.add_subparsers(dest="keys_command", metavar="ACTION", title="actions", required=True)
    actions.add_parser(
        "new",
        help="print a new random key, to add to the key file or TIPLINE_DATA_KEYS",
        description="Print a new random 256-bit key (base64). Needs no database.",
    )
    rotate = actions.add_parser(
        "rotate",
        help="re-encrypt everything under the newest key (resumable)",
        description=_ROTATE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    rotate.add_argument(
        "--batch", type=int, default=200, metavar="N", help="rows a transaction (default 200)"
    )


def add_evidence(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    evidence = commands.add_parser(
        "evidence",
        help="open a kept evidence file (they are encrypted at rest)",
        description="Evidence files downloaded from the chat (EVIDENCE_DOWNLOAD=on) are kept encrypted.",
    )
    actions = evidence.add_subparsers(
        dest="evidence_command", metavar="ACTION", title="actions", required=True
    )
    opening = actions.add_parser(
        "open",
        help="write a readable copy of a kept evidence file",
        description="Write a readable copy of a kept evidence file (the path a report names), to "
        "--output (created readable by you only) or to standard output.",
    )
    opening.add_argument("path", type=Path, metavar="PATH", help="the kept file, as the report names it")
    opening.add_argument("--output", type=Path, metavar="FILE", help="where to write the copy")


def write_opened(plain: bytes, output: Path | None, out: BinaryIO) -> None:
    if output is None:
        out.write(plain)
        out.flush()
        return
    descriptor = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as target:
        target.write(plain)


def progress_printer(out: TextIO) -> Callable[[str, int], None]:
    def progress(field: str, count: int) -> None:
        print(f"  {field}: {count} re-sealed so far", file=out, flush=True)

    return progress


def print_rotation(
    out: TextIO, current: str, sealed: dict[str, int], unreadable: Sequence[str], old_keys: Sequence[str]
) -> int:
    total = sum(sealed.values())
    print(f"Re-sealed {total} values under key {current}.", file=out)
    if unreadable:
        shown = ", ".join(unreadable[:10]) + (" ..." if len(unreadable) > 10 else "")
        print(
            f"{len(unreadable)} values could not be opened with the keys given and were left as they "
            f"were: {shown}. Keep the old keys until these are explained.",
            file=out,
        )
        return 1
    if old_keys:
        print(
            f"Finished: nothing needs key {', '.join(old_keys)} any more. Once the new key is backed up, "
            "remove the old one from the key file or TIPLINE_DATA_KEYS.",
            file=out,
        )
    else:
        print("Finished: everything is under the newest key.", file=out)
    return 0
