"""`app.py watchlist ...`: the security team keeps the published alerts that every report is
matched against. Each command takes the watchlist service, prints to `out`, complains on
`err` and returns the exit code; the service checks membership and audits every change."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import TextIO

from pydantic import ValidationError

from adapters.cli.terminal import print_table, safe, when
from bot.actors import Actor
from bot.watchlist.files import WatchlistFileError, read_entries, write_csv, write_yaml
from bot.watchlist.model import EntryContent, WatchlistEntry
from bot.watchlist.service import Added, WatchlistError, WatchlistService

MAX_FILE_BYTES = 20 * 1024 * 1024


async def run_watchlist(
    args: argparse.Namespace, service: WatchlistService, actor: Actor, out: TextIO, err: TextIO
) -> int:
    action = args.watchlist_command
    try:
        if action == "list":
            return _list(await service.entries(actor, include_retired=args.all), out)
        if action == "show":
            _show(await service.get(args.id, actor), out)
            return 0
        if action == "retire":
            entry = await service.retire(args.id, actor)
            print(f"Entry #{entry.id} retired: reports are no longer matched against it.", file=out)
            return 0
        if action == "add":
            return await _add(args, service, actor, out, err)
        if action == "import":
            return await _import(Path(args.file), service, actor, out, err)
        if action == "export":
            return await _export(args.format, service, actor, out)
    except WatchlistError as exc:
        print(f"tipline: {exc}", file=err)
        return 1
    raise ValueError(f"unknown watchlist action {action!r}")


def _list(entries: list[WatchlistEntry], out: TextIO) -> int:
    if not entries:
        print("The watchlist is empty. Load an alert with: app.py watchlist import FILE", file=out)
        return 0
    rows = [
        [
            f"#{e.id}",
            safe(e.content.label),
            safe(e.content.source)[:60],
            str(len(e.content.indicators())),
            "active" if e.active else "retired",
        ]
        for e in entries
    ]
    print_table(["ENTRY", "WHO", "SOURCE", "INDICATORS", "STATE"], rows, out)
    return 0


def _show(entry: WatchlistEntry, out: TextIO) -> None:
    content = entry.content
    print(f"Entry #{entry.id}: {safe(content.label)}", file=out)
    print(f"  State:         {'active' if entry.active else 'retired'}", file=out)
    labels = {
        "names": "Names",
        "organisations": "Organisations",
        "profile_urls": "Profiles",
        "emails": "Emails",
        "email_domains": "Email domains",
        "phones": "Phones",
        "websites": "Websites",
    }
    for field, shown in labels.items():
        values = getattr(content, field)
        if values:
            print(f"  {shown + ':':<15}{', '.join(safe(v) for v in values)}", file=out)
    dated = f" ({content.source_date.isoformat()})" if content.source_date else ""
    print(f"  Source:        {safe(content.source)}{dated}", file=out)
    print(f"  Added:         {when(entry.added_at)} by {safe(entry.added_by)}", file=out)
    if entry.retired_at is not None:
        print(f"  Retired:       {when(entry.retired_at)} by {safe(entry.retired_by)}", file=out)
    if content.notes:
        print(f"  Notes:         {safe(content.notes)}", file=out)


async def _add(
    args: argparse.Namespace, service: WatchlistService, actor: Actor, out: TextIO, err: TextIO
) -> int:
    try:
        content = EntryContent(
            names=args.name,
            organisations=args.organisation,
            profile_urls=args.profile,
            emails=args.email,
            email_domains=args.domain,
            phones=args.phone,
            websites=args.website,
            source=args.source,
            source_date=args.date,
            notes=args.notes,
        )
    except ValidationError as exc:
        for error in exc.errors():
            field = ".".join(str(p) for p in error.get("loc", ()) if not isinstance(p, int))
            message = str(error.get("msg", "not valid")).removeprefix("Value error, ")
            print(f"tipline: {field + ': ' if field else ''}{message}", file=err)
        print("Nothing was added.", file=err)
        return 1
    added = await service.add([content], actor)
    if not added.entries:
        print("That entry is already on the watchlist; nothing was added.", file=out)
        return 0
    print(f"Added entry #{added.entries[0].id}: {safe(content.label)}.", file=out)
    _earlier(added, out)
    return 0


async def _import(path: Path, service: WatchlistService, actor: Actor, out: TextIO, err: TextIO) -> int:
    await service.check_member(actor, "watchlist.imported")  # before the file is even read
    try:
        text = await asyncio.to_thread(_read, path)
        if text is None:
            print(f"tipline: {path}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; split it.", file=err)
            return 1
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        print(f"tipline: {path}: cannot read the file ({reason}).", file=err)
        return 1
    try:
        contents = read_entries(text, path.name)
    except WatchlistFileError as exc:
        for problem in exc.problems:
            print(f"tipline: {path}: {problem}", file=err)
        print("Nothing was imported: fix the file and import it again.", file=err)
        return 1
    added = await service.add(contents, actor, how="imported")
    print(
        f"Imported {path.name}: {len(added.entries)} added, {added.unchanged} already on the watchlist.",
        file=out,
    )
    _earlier(added, out)
    return 0


def _read(path: Path) -> str | None:
    if path.stat().st_size > MAX_FILE_BYTES:
        return None
    return path.read_text(encoding="utf-8")


async def _export(fmt: str, service: WatchlistService, actor: Actor, out: TextIO) -> int:
    entries = await service.export(actor)
    if fmt == "csv":
        write_csv(entries, out)
    else:
        out.write(write_yaml(entries))
    return 0


def _earlier(added: Added, out: TextIO) -> None:
    if not added.earlier:
        print("No earlier report matches.", file=out)
        return
    references = sorted({hit.reference for hit in added.earlier})
    count = len(references)
    print(
        f"{count} earlier report{'' if count == 1 else 's'} match{'es' if count == 1 else ''} "
        f"the new entr{'y' if len(added.entries) == 1 else 'ies'}: {', '.join(references)} "
        "(updated, and noted in the security inbox).",
        file=out,
    )
