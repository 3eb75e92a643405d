"""Writing audit entries the way the product does, and tampering with them the way an
insider with database access would: plain SQL on the table."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from bot.audit.verify import Verdict, verify_chain
from bot.ports import AuditEvent
from storage.unit_of_work import SqlUnitOfWork
from tests.factories import CREATED_AT

UowFactory = Callable[..., SqlUnitOfWork]


def event(n: int, reference: str | None = "TIP-AAAAAA") -> AuditEvent:
    return AuditEvent(
        at=CREATED_AT + timedelta(minutes=n),
        actor="cli:alice",
        platform="cli",
        action="report.noted",
        report_reference=reference,
        detail={"n": n, "said": "naïve café ✓"},
    )


async def write(uow_factory: UowFactory, *events: AuditEvent) -> None:
    async with uow_factory() as uow:
        for e in events:
            await uow.audit.add(e)
        await uow.commit()


async def verdict(uow_factory: UowFactory) -> Verdict:
    async with uow_factory(readonly=True) as uow:
        return await verify_chain(await uow.audit.head(), uow.audit.chain())
