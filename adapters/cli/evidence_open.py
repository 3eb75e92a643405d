"""`python app.py evidence open FILE [--output COPY]`: a sealed evidence file, opened for the
security team only, and every opening audited (who, which file, where the copy went), as every
other read of report content out of Tipline is."""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, TextIO

from adapters.cli.dispatch import cli_actor
from adapters.cli.keys import write_opened
from bot.actors import TeamMembership
from bot.ports import AuditEvent, UnitOfWorkFactory
from bot.triage import REFUSAL
from storage.protection import Sealer, UnreadableValue

OPENED = "evidence.opened"


async def open_evidence(
    team: TeamMembership,
    uow_factory: UnitOfWorkFactory,
    sealer: Sealer,
    path: Path,
    output: Path | None,
    err: TextIO = sys.stderr,
    stdout: BinaryIO | None = None,
) -> int:
    actor = cli_actor()
    allowed = team.allows(actor.platform, actor.user_id)
    detail = {"file": path.name, "to": "a file" if output else "standard output"}
    if not allowed:
        refused = {"attempted": "evidence.open", "reason": "not_team"}
        await _audit(
            uow_factory, AuditEvent(_now(), actor.id, actor.platform, "triage.refused", detail=refused)
        )
        print(f"tipline: {REFUSAL}", file=err)
        return 1
    try:
        plain = sealer.open_file(await asyncio.to_thread(path.read_bytes), path.name)
        write_opened(plain, output, stdout or sys.stdout.buffer)
    except (OSError, UnreadableValue) as exc:
        print(f"tipline: {path}: {getattr(exc, 'strerror', None) or exc}", file=err)
        return 1
    await _audit(uow_factory, AuditEvent(_now(), actor.id, actor.platform, OPENED, detail=detail))
    return 0


async def _audit(uow_factory: UnitOfWorkFactory, event: AuditEvent) -> None:
    async with uow_factory() as uow:
        await uow.audit.add(event)
        await uow.commit()


def _now() -> datetime:
    return datetime.now(UTC)
