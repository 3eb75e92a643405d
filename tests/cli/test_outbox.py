"""`app.py outbox list|retry` against a real database."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot.ports import OutboxStatus, UnitOfWorkFactory
from bot.report import Contact
from tests.factories import CREATED_AT, Clock, make_entry, make_report
from tests.triage.support import OUTSIDER, refusals

SECRET = "Project Nightjar budget figures"


@pytest.fixture
def clock() -> Clock:
    return Clock(CREATED_AT + timedelta(hours=1))


async def queue(uow_factory: UnitOfWorkFactory, **overrides: Any) -> int:
    entry = make_entry(
        make_report(what_happened=f"They asked for the {SECRET}.", contact=Contact(name_used="Boris Q")),
        **overrides,
    )
    async with uow_factory() as uow:
        await uow.outbox.add(entry)
        await uow.commit()
        stored = [e for e in await uow.outbox.list() if e.idempotency_key == entry.idempotency_key]
    assert stored[0].id is not None
    return stored[0].id


async def kill(uow_factory, entry_id: int, clock: Clock) -> None:
    async with uow_factory() as uow:
        await uow.outbox.mark_failed(entry_id, 8, "HTTPStatusError", clock.now, dead=True)
        await uow.commit()


async def deliver(uow_factory, entry_id: int, clock: Clock) -> None:
    async with uow_factory() as uow:
        await uow.outbox.mark_delivered(entry_id, clock.now)
        await uow.commit()


async def get(uow_factory, entry_id: int):
    async with uow_factory() as uow:
        return await uow.outbox.get(entry_id)


async def test_list_with_nothing_queued(uow_factory, clock, run):
    assert await run("outbox", "list") == (0, "No deliveries.\n", "")
    assert await run("outbox", "list", "--status", "dead") == (
        0,
        "No dead deliveries.\n",
        "",
    )


async def test_list_shows_the_state_of_each_delivery_but_never_its_payload(uow_factory, clock, run):
    pending = await queue(uow_factory, destination="slack")
    dead = await queue(uow_factory, destination="webhook")
    delivered = await queue(uow_factory, destination="file")
    await kill(uow_factory, dead, clock)
    await deliver(uow_factory, delivered, clock)

    code, out, _ = await run("outbox", "list")

    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["ID", "REFERENCE", "DESTINATION"]
    assert "LAST ERROR" in lines[0] and "ATTEMPTS" in lines[0]
    by_id = {int(line.split()[0]): line for line in lines[2:]}
    assert set(by_id) == {pending, dead, delivered}
    assert "slack" in by_id[pending] and "pending" in by_id[pending]
    assert "2026-03-14 09:30 UTC" in by_id[pending]  # due since the report arrived
    assert "dead" in by_id[dead] and " 8 " in by_id[dead] and "HTTPStatusError" in by_id[dead]
    assert "delivered" in by_id[delivered] and "2026-03-14 10:30 UTC" in by_id[delivered]
    assert "report.submitted" in by_id[pending]
    for text in (SECRET, "Nightjar", "Boris", "what_happened", "Jane"):
        assert text not in out

    _, out, _ = await run("outbox", "list", "--status", "dead")
    assert [int(line.split()[0]) for line in out.splitlines()[2:]] == [dead]


async def test_retrying_a_dead_delivery_makes_it_pending_again(uow_factory, clock, run):
    entry_id = await queue(uow_factory)
    await kill(uow_factory, entry_id, clock)
    clock.advance(timedelta(minutes=10))

    code, out, err = await run("outbox", "retry", str(entry_id))

    assert (code, err) == (0, "")
    assert out == f"Delivery {entry_id} requeued; the running app will send it.\n"
    entry = await get(uow_factory, entry_id)
    assert entry.status is OutboxStatus.PENDING
    assert entry.attempts == 0
    assert entry.last_error is None
    assert entry.next_attempt_at == clock.now


async def test_retrying_what_cannot_be_retried_fails(uow_factory, clock, run):
    delivered = await queue(uow_factory)
    await deliver(uow_factory, delivered, clock)

    code, out, err = await run("outbox", "retry", str(delivered))
    assert (code, out) == (1, "")
    assert err == f"Delivery {delivered} was already delivered (2026-03-14 10:30 UTC); nothing to retry.\n"

    assert await run("outbox", "retry", "999") == (1, "", "No delivery 999.\n")


async def test_retrying_a_delivery_that_is_being_sent_changes_nothing(uow_factory, clock, run):
    entry_id = await queue(uow_factory)
    async with uow_factory() as uow:
        claimed = await uow.outbox.claim_due(clock.now, "worker-1", clock.now + timedelta(minutes=5), 10)
        await uow.commit()
    assert [e.id for e in claimed] == [entry_id]

    code, _, err = await run("outbox", "retry", str(entry_id))

    assert code == 1
    assert err == (
        f"Delivery {entry_id} is being sent right now; nothing to retry. If the worker sending it has "
        f"stopped, 'outbox retry {entry_id} --force' takes it over (never a second copy).\n"
    )


async def test_force_takes_a_delivery_a_crashed_worker_still_holds(uow_factory, clock, run):
    entry_id = await queue(uow_factory)
    async with uow_factory() as uow:
        await uow.outbox.claim_due(clock.now, "crashed-worker", clock.now + timedelta(minutes=5), 10)
        await uow.commit()

    assert await run("outbox", "retry", str(entry_id), "--force") == (
        0,
        f"Delivery {entry_id} requeued; the running app will send it.\n",
        "",
    )
    async with uow_factory() as uow:
        taken = await uow.outbox.claim_due(clock.now, "a-live-worker", clock.now + timedelta(seconds=30), 10)
        await uow.commit()
    assert [e.id for e in taken] == [entry_id], "another worker can send it at once"
    async with uow_factory() as uow:
        assert (
            await uow.outbox.renew_lease(entry_id, "crashed-worker", clock.now + timedelta(hours=1)) is False
        )
        assert await uow.outbox.release_lease(entry_id, "crashed-worker") is False


async def test_retry_all_dead(uow_factory, clock, run):
    assert await run("outbox", "retry", "--all-dead") == (
        0,
        "No dead deliveries to retry.\n",
        "",
    )
    dead = [await queue(uow_factory, destination=name) for name in ("a", "b")]
    delivered = await queue(uow_factory, destination="c")
    for entry_id in dead:
        await kill(uow_factory, entry_id, clock)
    await deliver(uow_factory, delivered, clock)

    code, out, _ = await run("outbox", "retry", "--all-dead")

    assert (code, out) == (0, "Requeued 2 dead deliveries; the running app will send them.\n")
    assert [(await get(uow_factory, i)).status for i in dead] == [OutboxStatus.PENDING] * 2
    assert (await get(uow_factory, delivered)).status is OutboxStatus.DELIVERED


@pytest.mark.parametrize(
    "argv", [["list"], ["list", "--status", "dead"], ["retry", "1"], ["retry", "--all-dead"]]
)
async def test_the_outbox_is_for_the_security_team_only(uow_factory, engine, clock, run, argv):
    entry_id = await queue(uow_factory)
    await kill(uow_factory, entry_id, clock)

    code, out, err = await run("outbox", *argv, actor=OUTSIDER)

    assert (code, out) == (1, "")
    assert err.startswith("cli:mallory is not a member of the security team, so can't do this.")
    assert (await get(uow_factory, entry_id)).status is OutboxStatus.DEAD  # not requeued
    [refusal] = await refusals(engine)
    assert (refusal.actor, refusal.report_reference) == ("cli:mallory", None)
    assert refusal.detail == {"attempted": f"outbox.{argv[0]}", "reason": "not_team"}
