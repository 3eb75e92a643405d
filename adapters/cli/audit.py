"""`audit verify`: the whole audit trail checked against its hash chain."""

from __future__ import annotations

from typing import TextIO

from bot.audit.verify import verify_chain
from bot.ports import UnitOfWorkFactory


async def verify_audit(uow_factory: UnitOfWorkFactory, out: TextIO, err: TextIO) -> int:
    async with uow_factory(readonly=True) as uow:
        head = await uow.audit.head()
        verdict = await verify_chain(head, uow.audit.chain())
    entries = f"{verdict.checked} entr{'y' if verdict.checked == 1 else 'ies'}"
    if verdict.ok:
        print(
            f"Audit trail OK: {entries} checked; newest sequence {head.sequence}, hash {head.hash}.",
            file=out,
        )
        return 0
    print(
        f"Audit trail NOT intact: {len(verdict.findings)} problem{'' if len(verdict.findings) == 1 else 's'} "
        f"in {entries}:",
        file=err,
    )
    for finding in verdict.findings:
        print(f"  {finding.says}", file=err)
    print(
        "Compare with a backup of the database to see what was there; keep this copy as it is.",
        file=err,
    )
    return 1
