"""`reports stats`: the statistics as text or JSON, and the chart as a PNG file. Security team
only: the counts describe every report, not only one's own."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TextIO

from bot.actors import Actor
from bot.ports import UnitOfWorkFactory
from bot.statistics.service import gather
from bot.statistics.text import render_text
from bot.triage import TriageService

BAD_INPUT = 2  # as argparse exits on a bad option


async def run_stats(
    args: argparse.Namespace,
    triage: TriageService,
    uow_factory: UnitOfWorkFactory,
    clock: Callable[[], datetime],
    actor: Actor,
    out: TextIO,
    err: TextIO,
) -> int:
    await triage.check_member(actor, "stats")
    now = clock()
    if args.since is not None and args.since > now.date():
        print(
            f"--since {args.since.isoformat()} is in the future: nothing has been reported yet. "
            f"Give a day on or before today ({now.date().isoformat()}).",
            file=err,
        )
        return BAD_INPUT
    stats = await gather(uow_factory, now, args.since)
    if args.png:
        from bot.statistics.chart import render_png  # matplotlib takes a second to load: only when asked

        png = await asyncio.to_thread(render_png, stats)
        try:
            await asyncio.to_thread(Path(args.png).write_bytes, png)
        except OSError as exc:
            print(f"Could not write the chart to {args.png}: {exc.strerror or type(exc).__name__}.", file=err)
            return 1
        print(f"Chart written to {args.png} ({len(png) // 1024 or 1} KB).", file=err)
    if args.format == "json":
        out.write(stats.model_dump_json(indent=2) + "\n")
    else:
        out.write(render_text(stats))
    return 0
