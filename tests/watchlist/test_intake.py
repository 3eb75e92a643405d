"""Matching at intake, through the real service and storage: the reporter is told at once, the
report is critical with a reason naming the alert and goes the escalation route; a possible
match is for analysts only."""

from __future__ import annotations

from bot.conversation import ConversationKey
from bot.messages import Guidance, TextAnswer
from bot.report import Contact, Reporter, Severity
from bot.service import ReportingService
from bot.watchlist.findings import Strength
from bot.watchlist.intake import IntakeScreen
from flows.engine import Engine
from tests.flows.helpers import FLOW
from tests.watchlist.support import ADDED_AT, ALERT, content

KEY = ConversationKey("console", "local", "alice")
ALICE = Reporter(platform="console", user_id="alice", display_name="Alice", workspace="local")
ALERT_TITLE = "This contact matches a profile named in a security alert"


class Clock:
    def __init__(self) -> None:
        self.now = ADDED_AT

    def __call__(self):
        from datetime import timedelta

        self.now += timedelta(seconds=3)
        return self.now


def service(uow_factory) -> ReportingService:
    def route(report):
        return ["file", "escalation"] if report.severity is Severity.CRITICAL else ["file"]

    return ReportingService(Engine(FLOW), uow_factory, Clock(), route=route, watchlist=IntakeScreen())


async def add_entries(uow_factory, *contents):
    async with uow_factory() as uow:
        for c in contents:
            await uow.watchlist.add(c, c.indicators(), "cli:alice", ADDED_AT)
        await uow.commit()


def alerts(reply) -> list[Guidance]:
    return [m for m in reply.messages if isinstance(m, Guidance) and m.sections[0].title == ALERT_TITLE]


async def say(svc, *texts):
    replies = []
    for text in texts:
        replies.append(await svc.handle(KEY, ALICE, TextAnswer(text)))
    return replies


async def test_a_profile_in_an_alert_is_told_at_once_and_the_report_escalated(uow_factory):
    await add_entries(
        uow_factory, content(names=["Amanda Qiu"], profile_urls=["linkedin.com/in/amanda-qiu-br-yr"])
    )
    svc = service(uow_factory)
    await svc.open(KEY, ALICE)
    first, who = await say(
        svc, "A headhunter offered me a role", "her profile: uk.linkedin.com/in/Amanda-Qiu-BR-YR/?trk=x"
    )
    assert alerts(first) == []
    [alert] = alerts(who)
    points = " ".join(alert.sections[0].points)
    for words in ("stop all contact", "Don't tell them you're reporting", "evidence", "in touch today"):
        assert words in points
    assert who.messages.index(alert) < len(who.messages) - 1, "told before the next question"

    *_, sent = await say(svc, "2", "send")
    async with uow_factory() as uow:
        report = await uow.reports.get(sent.reference)
    assert report.severity is Severity.CRITICAL
    assert (
        report.severity_reasons[0]
        == f"Matches a profile named in a security alert: {ALERT} (watchlist entry #1)"
    )
    assert report.routed_to == ["file", "escalation"]
    [finding] = report.watchlist
    assert finding.strength is Strength.MATCH and finding.indicators[0].kind == "profile"
    assert all(alerts(r) == [] for r in (sent,)), "told once, not on every later answer"


async def test_a_name_and_firm_in_the_first_message_are_enough(uow_factory):
    await add_entries(uow_factory, content(names=["Shirly Shen"], organisations=["Internship Union"]))
    svc = service(uow_factory)
    await svc.open(KEY, ALICE)
    [first] = await say(
        svc, "Shirly SHEN, co-founder of InternshipUnion, invited me to a paid internship scheme"
    )
    assert len(alerts(first)) == 1


async def test_a_name_alone_is_possible_for_analysts_and_never_told_to_the_reporter(uow_factory):
    await add_entries(uow_factory, content(names=["Amanda Qiu"], organisations=["BR-YR Executive Search"]))
    svc = service(uow_factory)
    await svc.open(KEY, ALICE)
    replies = await say(svc, "A recruiter messaged me", "Amanda Qiu", "2", "send")
    assert all(alerts(r) == [] for r in replies)
    async with uow_factory() as uow:
        report = await uow.reports.get(replies[-1].reference)
    assert [f.strength for f in report.watchlist] == [Strength.POSSIBLE]
    assert report.severity is not Severity.CRITICAL and report.routed_to == ["file"]


async def test_a_look_alike_at_another_firm_is_nothing(uow_factory):
    await add_entries(uow_factory, content(names=["Amanda Qiu"], organisations=["BR-YR Executive Search"]))
    svc = service(uow_factory)
    await svc.open(KEY, ALICE)
    replies = await say(svc, "A recruiter messaged me", "Amanda Chen of Northbridge Talent", "2", "send")
    async with uow_factory() as uow:
        report = await uow.reports.get(replies[-1].reference)
    assert report.watchlist == [] and all(alerts(r) == [] for r in replies)


async def test_a_new_entry_is_picked_up_by_a_running_service(uow_factory):
    svc = service(uow_factory)
    await svc.open(KEY, ALICE)
    await say(svc, "A recruiter messaged me")
    await add_entries(uow_factory, content(emails=["amanda@br-yr.example"]))
    [who] = await say(svc, "amanda@br-yr.example")
    assert len(alerts(who)) == 1


async def test_after_a_retirement_the_index_forgets_the_entry(uow_factory):
    screen = IntakeScreen()
    await add_entries(
        uow_factory, content(emails=["amanda@br-yr.example"]), content(phones=["+86 10 5555 0100"])
    )
    probe = Contact(emails=["amanda@br-yr.example"], phones=["+86 10 5555 0100"])
    async with uow_factory() as uow:
        built = await screen.index(uow.watchlist)
        assert len(built.match(probe)) == 2
        await uow.watchlist.retire(1, "cli:alice", ADDED_AT)
        await add_entries_in(uow, content(websites=["br-yr.example"]))
        kept = await screen.index(uow.watchlist)
        found = kept.match(probe)
    assert sorted(f.entry_id for f in found) == [2, 3]
    assert kept is built and len(kept) == 2, "retired out and the new one added, not built again"


async def add_entries_in(uow, *contents):
    for c in contents:
        await uow.watchlist.add(c, c.indicators(), "cli:alice", ADDED_AT)
