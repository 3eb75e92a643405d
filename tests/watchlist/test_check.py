""" "check <contact>" through the real service and storage: named in an alert, reported by
colleagues, or the red-flag questions; never which entry, never who reported; counted and
limited per person."""

from __future__ import annotations

from bot.conversation import ConversationKey
from bot.messages import Guidance, PickOptions, Question, Text, TextAnswer, TextQuestion
from bot.report import Contact, Reporter
from bot.service import ReportingService
from bot.watchlist.check import CHECK_TOKEN, OPTIONS, ContactCheck, probe, risk
from bot.watchlist.intake import IntakeScreen
from flows.engine import Engine
from tests.flows.helpers import FLOW
from tests.triage.support import store
from tests.watchlist.support import content
from tests.watchlist.test_intake import Clock, add_entries

BOB = Reporter(platform="slack", user_id="U0BOB", display_name="Bob", workspace="T1")
KEY = ConversationKey("slack", "T1", "U0BOB")


def service(uow_factory, per_hour: int = 10) -> ReportingService:
    screen, clock = IntakeScreen(), Clock()
    checks = ContactCheck(screen, FLOW, clock, per_hour=per_hour)
    return ReportingService(
        Engine(FLOW), uow_factory, clock, route=lambda r: ["file"], watchlist=screen, checks=checks
    )


def words(reply) -> str:
    parts = []
    for m in reply.messages:
        if isinstance(m, Guidance):
            parts += [s.title for s in m.sections] + [p for s in m.sections for p in s.points]
        elif isinstance(m, (Text, Question, TextQuestion)):
            parts.append(m.text)
    return "\n".join(parts)


async def check(svc, text):
    return await svc.handle(KEY, BOB, TextAnswer(text))


async def test_a_contact_named_in_an_alert_gets_the_guidance_and_an_offer_to_report(uow_factory):
    await add_entries(uow_factory, content(names=["Amanda Qiu"], organisations=["BR-YR Executive Search"]))
    svc = service(uow_factory)
    for typed in ("check Amanda Qiu at BR YR Exec Search", "Check: QIU Amanda, BRYR Executive Search Ltd"):
        reply = await check(svc, typed)
        said = words(reply)
        assert "matches a profile named in a security alert" in said
        assert "BR-YR" not in said and "MI5" not in said and "#1" not in said, "never which entry"
        offer = reply.messages[-1]
        assert isinstance(offer, Question) and [c.value for c in offer.options] == ["report"]
    started = await svc.handle(KEY, BOB, PickOptions("idle", ("report",)))
    assert "In a sentence or two, what happened?" in words(started)


async def test_a_contact_colleagues_reported_says_so_and_never_who(uow_factory):
    earlier = await store(
        uow_factory, contact=Contact(profile_urls=["https://www.linkedin.com/in/jane-smith-hr"])
    )
    reply = await check(service(uow_factory), "check https://uk.linkedin.com/in/Jane-Smith-HR/?trk=x")
    said = words(reply)
    assert "Colleagues have reported this contact" in said and "don't engage" in said
    assert earlier.reference not in said and "Alice" not in said


async def test_a_shared_organisation_alone_tells_nothing(uow_factory):
    await store(uow_factory, contact=Contact(name_used="Jane Smith", organisation="Acme Talent"))
    reply = await check(service(uow_factory), "check Jane Smith at Acme Talent")
    assert "Colleagues have reported" not in words(reply)
    assert reply.messages[-1].token == CHECK_TOKEN


async def test_no_match_leads_to_the_questions_and_a_risk_with_reasons(uow_factory):
    svc = service(uow_factory)
    reply = await check(svc, "check anna@gip-consult.example")
    assert "haven't found this contact" in words(reply)
    question = reply.messages[-1]
    assert isinstance(question, Question) and question.multiple and reply.in_progress
    typed = await check(svc, "1, 2, 8")  # flattery, thin profile, cash or crypto
    said = words(typed)
    assert "High risk" in said and "cash or cryptocurrency" in said and "full of praise" in said
    assert typed.messages[-1].token == "idle"


async def test_the_questions_answered_by_buttons(uow_factory):
    svc = service(uow_factory)
    await check(svc, "check +44 20 7946 0123")
    reply = await svc.handle(KEY, BOB, PickOptions(CHECK_TOKEN, ("thin_profile", "vague_company")))
    assert "Medium risk" in words(reply)
    none = await svc.handle(KEY, BOB, PickOptions(CHECK_TOKEN, ("none",)))
    assert "Low risk" in words(none) and "None of the usual warning signs" in words(none)


async def test_nothing_usable_asks_for_a_profile_or_a_name_and_company(uow_factory):
    svc = service(uow_factory)
    for typed in ("check", "check Amanda Qiu", "check ???"):
        assert "profile address" in words(await check(svc, typed)), typed


async def test_checks_are_counted_and_limited_per_person(uow_factory):
    svc = service(uow_factory, per_hour=2)
    await check(svc, "check linkedin.com/in/one")
    await check(svc, "check Amanda")
    limited = await check(svc, "check linkedin.com/in/three")
    assert "paused checks" in words(limited)
    other = ConversationKey("slack", "T1", "U0CAROL")
    carol = Reporter(platform="slack", user_id="U0CAROL", workspace="T1")
    assert "paused" not in words(await svc.handle(other, carol, TextAnswer("check linkedin.com/in/three")))
    async with uow_factory() as uow:
        assert await uow.watchlist.check_counts() == {"questionnaire": 2, "unusable": 1}


async def test_check_during_a_report_is_an_answer_to_the_report(uow_factory):
    svc = service(uow_factory)
    await svc.open(KEY, BOB)
    reply = await check(svc, "check this: a recruiter wrote to me")
    assert "Who contacted you?" in words(reply)


def test_what_a_check_can_read():
    assert (
        probe("check Amanda Qiu from BR-YR Executive Search", "GB").organisation == "BR-YR Executive Search"
    )
    assert probe("check amanda@br-yr.example", "GB").emails == ["amanda@br-yr.example"]
    assert probe("check Amanda Qiu", "GB") is None
    assert risk(["flattery"]) == ("low", ["They got in touch out of the blue, full of praise for your work"])
    assert risk(["pay"])[0] == "medium" and risk(["secrecy"])[0] == "high"
    assert risk(["flattery", "thin_profile", "vague_company", "pay"])[0] == "high"
    assert len(OPTIONS) <= 10, "tick boxes in every chat"
