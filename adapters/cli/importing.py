"""`app.py reports import FILE`: reports from another system, all or nothing (bot.report_import)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TextIO

from adapters.cli.terminal import safe
from bot.actors import Actor
from bot.report_import import ReportFileError, ReportImport, read_reports
from bot.triage import TriageService

MAX_FILE_BYTES = 200 * 1024 * 1024


async def import_reports(
    path: Path, importer: ReportImport, triage: TriageService, actor: Actor, out: TextIO, err: TextIO
) -> int:
    await triage.check_member(actor, "reports.imported")  # before the file is even read
    try:
        text = await asyncio.to_thread(_read, path)
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        print(f"tipline: {safe(str(path))}: cannot read the file ({reason}).", file=err)
        return 1
    if text is None:
        print(
            f"tipline: {safe(str(path))}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; split it.",
            file=err,
        )
        return 1
    try:
        reports = read_reports(text)
    except ReportFileError as exc:
        print(f"tipline: {safe(str(path))}: nothing was imported; fix these and try again:", file=err)
        for problem in exc.problems:
            print(f"  {safe(problem)}", file=err)
        return 1
    done = await importer.run(reports, actor)
    added, already = len(done.added), len(done.already_here)
    print(
        f"Imported {added} report{'' if added == 1 else 's'}"
        + (f"; {already} already here, left as they were" if already else "")
        + f". {done.in_campaigns} of them are in campaigns (see `campaigns list`).",
        file=out,
    )
    print(
        "Nothing was sent to the security inbox and no reporter was messaged: imported reports are history.",
        file=out,
    )
    return 0


def _read(path: Path) -> str | None:
    with path.open("rb") as file:
        data = file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        return None
    return data.decode("utf-8-sig")
