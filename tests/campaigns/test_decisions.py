"""The security team's decisions about campaigns, through the CLI: each is audited, and none is
undone when the next report arrives."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditEventRow
from storage.protection.fields import AUDIT_DETAIL, audit_row
from tests.campaigns.support import arrives, campaigns_json, groups
from tests.cli.test_reports import HOSTILE, REFUSED, terminal_safe
from tests.keys import TEST_SEALER
from tests.triage.support import OUTSIDER, refusals

AMANDA = "https://www.linkedin.com/in/amanda-qiu-4b1a"
PHONE = "+86 138 0013 8000"


def detail(row: AuditEventRow) -> dict:
    return dict(TEST_SEALER.open_json(row.detail, AUDIT_DETAIL, audit_row(row.report_reference, row.action)))


async def audited(engine, prefix: str = "campaign.") -> list[tuple[str, str, dict]]:
    async with AsyncSession(engine) as session:
        rows = await session.scalars(select(AuditEventRow).order_by(AuditEventRow.id))
        return [
            (
                r.actor,
                r.action,
                TEST_SEALER.open_json(r.detail, AUDIT_DETAIL, audit_row(r.report_reference, r.action)),
            )
            for r in rows
            if r.action.startswith(prefix)
        ]


async def test_a_split_stays_split_when_a_new_report_links_to_both_sides(uow_factory, engine, run):
    a = await arrives(uow_factory, 0, profile_urls=[AMANDA])
    b = await arrives(uow_factory, 1, profile_urls=[AMANDA], phones=[PHONE])
    c = await arrives(uow_factory, 2, phones=[PHONE])
    [campaign] = await campaigns_json(run)

    code, out, err = await run("campaigns", "split", str(campaign["id"]), c.reference.lower())
    assert (code, err) == (0, "")
    assert "Automatic linking will not put them back together" in out
    assert groups(await campaigns_json(run)) == {
        frozenset({a.reference, b.reference}),
        frozenset({c.reference}),
    }

    # Links to both sides: it joins one of them, and the two stay apart.
    d = await arrives(uow_factory, 3, profile_urls=[AMANDA], phones=[PHONE])
    e = await arrives(uow_factory, 4, phones=["0086 13800138000"])

    after = groups(await campaigns_json(run))
    assert len(after) == 2
    assert any({a.reference, b.reference} <= g and c.reference not in g for g in after)
    assert any(c.reference in g and a.reference not in g for g in after)
    assert sum(d.reference in g for g in after) == 1 and sum(e.reference in g for g in after) == 1
    [(actor, _, detail)] = [event for event in await audited(engine) if event[1] == "campaign.split"]
    assert (actor, detail["campaign"], detail["moved"]) == ("cli:alice", campaign["id"], [c.reference])


async def test_a_dismissed_campaign_takes_no_one_in_and_forms_nothing_new(uow_factory, run):
    a = await arrives(uow_factory, 0, profile_urls=[AMANDA])
    b = await arrives(uow_factory, 1, profile_urls=[AMANDA])
    [campaign] = await campaigns_json(run)
    assert (await run("campaigns", "dismiss", str(campaign["id"])))[0] == 0

    await arrives(uow_factory, 2, profile_urls=[AMANDA])

    [after] = await campaigns_json(run)
    assert (after["status"], set(after["references"])) == ("dismissed", {a.reference, b.reference})


async def test_merge_rename_and_confirm_are_kept_and_audited(uow_factory, engine, run):
    a = await arrives(uow_factory, 0, profile_urls=[AMANDA])
    b = await arrives(uow_factory, 1, profile_urls=[AMANDA])
    c = await arrives(uow_factory, 2, emails=["jobs@gip-consult.example"])
    d = await arrives(uow_factory, 3, emails=["jobs@gip-consult.example"])
    second, first = await campaigns_json(run)  # newest first

    assert (await run("campaigns", "merge", str(first["id"]), str(second["id"])))[1] == (
        f"Campaign {first['id']} now holds 4 reports.\n"
    )
    assert (await run("campaigns", "rename", str(first["id"]), "Operation  Lantern\n"))[0] == 0
    assert (await run("campaigns", "confirm", str(first["id"])))[0] == 0

    [merged] = await campaigns_json(run)
    assert set(merged["references"]) == {a.reference, b.reference, c.reference, d.reference}
    assert (merged["title"], merged["status"]) == ("Operation Lantern", "confirmed")
    actions = [(actor, action) for actor, action, _ in await audited(engine)]
    assert actions[-3:] == [
        ("cli:alice", "campaign.merged"),
        ("cli:alice", "campaign.renamed"),
        ("cli:alice", "campaign.confirmed"),
    ]
    assert ("system", "campaign.formed") in actions


async def test_show_gives_the_reports_indicators_and_the_evidence_of_each_link(uow_factory, run):
    a = await arrives(uow_factory, 0, name_used="Amanda Qiu", organisation="BR-YR Executive Search")
    b = await arrives(
        uow_factory, 1, name_used="Qiu Amanda", organisation="BRYR Exec Search Ltd", phones=[PHONE]
    )
    await arrives(uow_factory, 2, phones=["+8613800138000"], name_used=HOSTILE)
    [campaign] = await campaigns_json(run)

    code, out, err = await run("campaigns", "show", str(campaign["id"]))

    assert (code, err) == (0, "")
    assert out.splitlines()[0] == f"Campaign {campaign['id']}: Amanda Qiu / BR-YR Executive Search  (open)"
    assert f"  {a.reference} - {b.reference}  (strength 0.90)" in out
    assert "      name + organisation: Amanda Qiu / BR-YR Executive Search  (0.90)" in out
    assert "      phone: +86 138 0013 8000  (1.00)" in out or "      phone: +8613800138000  (1.00)" in out
    assert "  phone: +8613800138000  (in 2)" in out
    assert terminal_safe(out) and "pwned" not in out


async def test_mistakes_are_named_and_change_nothing(uow_factory, run):
    await arrives(uow_factory, 0, profile_urls=[AMANDA])
    other = await arrives(uow_factory, 1, emails=["x@elsewhere.example"])
    await arrives(uow_factory, 2, profile_urls=[AMANDA])
    [campaign] = await campaigns_json(run)
    cid = str(campaign["id"])

    assert await run("campaigns", "show", "99") == (1, "", "tipline: No campaign 99.\n")
    assert (await run("campaigns", "split", cid, other.reference))[2] == (
        f"tipline: {other.reference} not in campaign {cid}.\n"
    )
    assert (await run("campaigns", "split", cid, *campaign["references"]))[2].startswith(
        "tipline: Name the reports to take out, not all of them"
    )
    assert (await run("campaigns", "merge", cid, cid))[0] == 1
    assert (await run("campaigns", "rename", cid, "   "))[2] == "tipline: The title is empty.\n"
    assert await campaigns_json(run) == [campaign]


async def test_only_the_security_team_sees_or_decides_and_attempts_are_recorded(uow_factory, engine, run):
    await arrives(uow_factory, 0, profile_urls=[AMANDA])
    await arrives(uow_factory, 1, profile_urls=[AMANDA])

    for argv in (["list"], ["show", "1"], ["split", "1", "TIP-222222"], ["dismiss", "1"]):
        assert await run("campaigns", *argv, actor=OUTSIDER) == (1, "", REFUSED)

    attempted = [r.detail["attempted"] for r in await refusals(engine)]
    assert attempted == ["campaigns.list", "campaigns.show", "campaign.split", "campaign.dismissed"]
    [campaign] = await campaigns_json(run)
    assert campaign["status"] == "open"
