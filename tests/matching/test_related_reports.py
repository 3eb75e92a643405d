"""`reports show` lists the other reports about the same person, and `reports find` looks
one indicator up, on a real database; only the security team may do either."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot.campaigns.lookup import Indicator
from bot.report import Contact, LinkKind, Report
from bot.triage import NotAllowed, TriageError
from tests.cli.test_reports import HOSTILE, REFUSED, terminal_safe
from tests.factories import CREATED_AT
from tests.triage.support import MEMBER, OUTSIDER, refusals, store

JANE = "https://www.linkedin.com/in/jane-smith"


async def about(uow_factory, hours: int = 0, **contact: Any) -> Report:
    return await store(
        uow_factory, contact=Contact(**contact), created_at=CREATED_AT + timedelta(hours=hours)
    )


def related_section(out: str) -> list[str]:
    lines = out.splitlines()
    start = lines.index("Other reports with the same indicators")
    end = lines.index("Campaign", start)
    return lines[start + 1 : end - 1]


async def test_show_lists_every_other_report_about_the_same_linkedin_profile(uow_factory, run, triage):
    first = await about(uow_factory, 0, profile_urls=["https://www.linkedin.com/in/jane-smith"])
    second = await about(uow_factory, 1, profile_urls=["uk.linkedin.com/in/Jane-Smith/"])
    third = await about(uow_factory, 2, profile_urls=["http://m.linkedin.com/in/jane-smith?trk=x"])
    unrelated = await about(uow_factory, 3, profile_urls=["linkedin.com/in/john-doe"], emails=["j@gmail.com"])
    await triage.link(first.reference, second.reference, LinkKind.RELATED, MEMBER)

    code, out, err = await run("reports", "show", first.reference.lower())

    assert (code, err) == (0, "")
    assert related_section(out) == [
        f"  {third.reference}  (received 2026-03-14 11:30 UTC, new)",
        f"      profile: {JANE}",
        f"  {second.reference}  (received 2026-03-14 10:30 UTC, new, already linked as related)",
        f"      profile: {JANE}",
    ]
    assert unrelated.reference not in out

    code, out, _ = await run("reports", "show", unrelated.reference)
    assert related_section(out) == ["  None so far."]


async def test_a_company_email_domain_links_reports_but_a_free_mail_one_does_not(uow_factory, run):
    jane = "Jane Smith"
    report = await about(
        uow_factory, 0, name_used=jane, emails=["jane@northbridge-advisory.example", "js@gmail.com"]
    )
    same = await about(uow_factory, 1, name_used="J. Smith", emails=["Recruit@Northbridge-Advisory.example"])
    await about(uow_factory, 3, name_used=jane, emails=["someone.else@gmail.com"])

    _, out, _ = await run("reports", "show", report.reference)

    assert related_section(out) == [
        f"  {same.reference}  (received 2026-03-14 10:30 UTC, new)",
        "      email domain: northbridge-advisory.example",
    ]


async def test_find_a_phone_typed_the_way_people_say_it(uow_factory, run):
    report = await about(uow_factory, 0, phones=["+442079460000"], name_used="Jane")
    await about(uow_factory, 1, phones=["+442079460001"])

    code, out, err = await run("reports", "find", "020 7946 0000")

    assert (code, err) == (0, "")
    header, _, row, _, total = out.splitlines()
    assert header.split() == ["REFERENCE", "RECEIVED", "STATUS", "MENTIONS"]
    assert row.split() == [report.reference, "2026-03-14", "09:30", "UTC", "new", "phone:", "+442079460000"]
    assert total == "1 report."


async def test_find_reports_about_a_profile_newest_first(uow_factory, run):
    older = await about(uow_factory, 0, profile_urls=[JANE])
    newer = await about(uow_factory, 5, profile_urls=["linkedin.com/in/jane-smith"], organisation="Acme")
    code, out, _ = await run("reports", "find", "https://uk.linkedin.com/in/JANE-SMITH/")
    assert code == 0
    rows = out.splitlines()[2:4]
    assert [r.split()[0] for r in rows] == [newer.reference, older.reference]
    assert out.splitlines()[-1] == "2 reports."


async def test_find_says_when_nothing_mentions_it(uow_factory, run):
    await about(uow_factory, 0, emails=["jane@acme.example"])
    assert await run("reports", "find", "\x1b[2Jbob@acme.example") == (
        0,
        "No report mentions bob@acme.example.\n",
        "",
    )


@pytest.mark.parametrize("query", ["", "  ", "ab", "x" * 501])
async def test_find_refuses_too_little_or_too_much(run, query):
    code, out, err = await run("reports", "find", query)
    assert (code, out) == (1, "")
    assert err.startswith("Give 3 to 500 characters to look for")


async def test_hostile_text_in_a_shared_name_and_organisation_is_printed_safely(uow_factory, run):
    organisation = HOSTILE + " Advisory"
    report = await about(uow_factory, 0, name_used=HOSTILE, organisation=organisation)
    other = await about(uow_factory, 1, name_used="jane smith", organisation="jane smith advisory")

    _, shown, _ = await run("reports", "show", report.reference)
    _, found, _ = await run("reports", "find", "Smith Advisory")

    assert related_section(shown)[0].startswith(f"  {other.reference}")
    assert related_section(shown)[1].strip() == "name + organisation: Jane Smith / Jane Smith Advisory"
    assert "organisation: Jane Smith Advisory" in found
    for text in (shown, found):
        assert terminal_safe(text)
        assert "\x1b" not in text and "pwned" not in text


@pytest.mark.parametrize("argv", [["reports", "find", "020 7946 0000"], ["reports", "show", "TIP-8K3Q9D"]])
async def test_an_outsider_is_refused_and_the_attempt_recorded(uow_factory, engine, run, argv):
    await store(uow_factory, reference="TIP-8K3Q9D", contact=Contact(phones=["+442079460000"]))

    assert await run(*argv, actor=OUTSIDER) == (1, "", REFUSED)

    [refusal] = await refusals(engine)
    assert (refusal.actor, refusal.detail["reason"]) == ("cli:mallory", "not_team")


async def test_the_service_refuses_outsiders_both_reads_and_audits_each(uow_factory, engine, triage):
    await store(uow_factory, reference="TIP-8K3Q9D", contact=Contact(phones=["+442079460000"]))

    with pytest.raises(NotAllowed):
        await triage.related("TIP-8K3Q9D", OUTSIDER)
    with pytest.raises(NotAllowed):
        await triage.find("+442079460000", OUTSIDER)

    assert [(r.report_reference, r.detail["attempted"]) for r in await refusals(engine)] == [
        ("TIP-8K3Q9D", "related"),
        (None, "find"),
    ]


async def test_the_service_reads_for_the_team(uow_factory, triage):
    report = await about(uow_factory, 0, name_used="Jane Smith", websites=["www.acme.example"])
    other = await about(uow_factory, 1, name_used="Jane Smith", websites=["https://acme.example/jobs"])

    [match] = await triage.related(report.reference.lower(), MEMBER)
    assert (match.reference, match.indicators) == (other.reference, (Indicator("website", "acme.example"),))
    assert [m.reference for m in await triage.find("ACME.example", MEMBER)] == [
        other.reference,
        report.reference,
    ]
    with pytest.raises(TriageError, match="No report TIP-222222"):
        await triage.related("TIP-222222", MEMBER)
