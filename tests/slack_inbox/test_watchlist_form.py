"""The security team adds to the watchlist from Slack: the global shortcut opens the form, a
mistake is shown beside its field, and a good entry is added, audited and hunted back through
earlier reports. Signed interactions dispatched to the Bolt app, the recording Web API, real
storage and the real watchlist service."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.slack.watchlist_form import ADD_SHORTCUT, ADD_VIEW
from adapters.slack.watchlist_listeners import register_watchlist_listeners
from bot.report import Contact, Severity
from bot.watchlist.service import WatchlistService
from storage.unit_of_work import SqlUnitOfWork
from tests.factories import Clock
from tests.slack import web_api
from tests.slack.harness import valid_blocks
from tests.slack.web_api import RecordingSlackApi
from tests.slack_inbox.support import MEMBER, OUTSIDER, SIGNING_SECRET, Team, interact, stored, submit
from tests.triage.support import refusals

UowFactory = Callable[[], SqlUnitOfWork]
SOURCE = "MI5 espionage alert to Parliament, 18 November 2025"


@pytest.fixture
def watchlist(uow_factory: UowFactory, clock: Clock) -> WatchlistService:
    return WatchlistService(uow_factory, clock, Team(("slack", MEMBER)))


@pytest.fixture
def app(client: AsyncWebClient, watchlist: WatchlistService) -> AsyncApp:
    bolt = AsyncApp(signing_secret=SIGNING_SECRET, client=client, process_before_response=True)
    register_watchlist_listeners(bolt, watchlist)
    return bolt


def form(**typed: str) -> dict[str, Any]:
    """view.state.values as Slack sends them: every field, empty unless typed."""
    fields = ("source", "source_date", "names", "organisations", "profile_urls", "emails",
              "email_domains", "phones", "websites", "notes")  # fmt: skip
    return {f: {"value": {"type": "plain_text_input", "value": typed.get(f) or None}} for f in fields}


def shown(api: RecordingSlackApi, method: str) -> str:
    return json.dumps([call["view"] for call in api.calls_to(method)])


async def entries(uow_factory: UowFactory) -> list[Any]:
    async with uow_factory() as uow:
        return list(await uow.watchlist.list())


async def test_a_member_opens_the_form_and_adds_an_entry_that_flags_an_earlier_report(
    app: AsyncApp, slack_api: RecordingSlackApi, uow_factory: UowFactory, clock: Clock
):
    earlier = await submit(
        uow_factory,
        clock(),
        contact=Contact(name_used="QIU, Amanda", organisation="BRYR Executive Search Ltd"),
    )
    assert (await interact(app, web_api.global_shortcut(MEMBER, callback_id=ADD_SHORTCUT))).status == 200
    [opened] = slack_api.calls_to("views.open")
    assert opened["view"]["callback_id"] == ADD_VIEW
    valid_blocks(opened["view"]["blocks"])
    assert "Profile addresses" in json.dumps(opened["view"])

    typed = form(
        source=SOURCE,
        names="Amanda Qiu",
        organisations="BR-YR Executive Search",
        profile_urls="https://www.linkedin.com/in/amanda-qiu-example",
        source_date="2025-11-18",
    )
    answer = await interact(app, web_api.view_submission(MEMBER, ADD_VIEW, typed))
    assert answer.status == 200 and json.loads(answer.body)["response_action"] == "update"
    assert "Adding the entry" in answer.body
    outcome = shown(slack_api, "views.update")
    assert "Added Amanda Qiu (BR-YR Executive Search) to the watchlist as #1" in outcome
    assert "1 earlier report matches it" in outcome
    [entry] = await entries(uow_factory)
    assert entry.added_by == f"slack:{MEMBER}" and entry.content.source_date.isoformat() == "2025-11-18"
    flagged = await stored(uow_factory, earlier.reference)
    assert flagged.severity is Severity.CRITICAL

    again = await interact(app, web_api.view_submission(MEMBER, ADD_VIEW, typed))
    assert again.status == 200
    assert "already on the watchlist" in shown(slack_api, "views.update")
    assert len(await entries(uow_factory)) == 1


async def test_mistakes_are_named_beside_their_fields_and_nothing_is_added(
    app: AsyncApp, uow_factory: UowFactory
):
    typed = form(source=SOURCE, emails="amanda at br-yr", source_date="18/11/2025")
    answer = await interact(app, web_api.view_submission(MEMBER, ADD_VIEW, typed))
    body = json.loads(answer.body)
    assert answer.status == 200 and body["response_action"] == "errors"
    assert "YYYY-MM-DD" in body["errors"]["source_date"]
    assert "is not an email address" in body["errors"]["emails"]

    nothing = await interact(app, web_api.view_submission(MEMBER, ADD_VIEW, form(source=SOURCE)))
    assert "at least one way to recognise" in json.loads(nothing.body)["errors"]["profile_urls"]
    no_source = await interact(app, web_api.view_submission(MEMBER, ADD_VIEW, form(names="Amanda Qiu")))
    assert "alert's title" in json.loads(no_source.body)["errors"]["source"]

    bad_email = await interact(
        app, web_api.view_submission(MEMBER, ADD_VIEW, form(source=SOURCE, emails="x@"))
    )
    assert "is not an email address" in json.loads(bad_email.body)["errors"]["emails"]
    assert await entries(uow_factory) == []


async def test_anyone_else_is_refused_and_the_attempt_audited(
    app: AsyncApp, slack_api: RecordingSlackApi, uow_factory: UowFactory, engine: AsyncEngine
):
    assert (await interact(app, web_api.global_shortcut(OUTSIDER, callback_id=ADD_SHORTCUT))).status == 200
    assert "Only the security team" in shown(slack_api, "views.open")
    assert ADD_VIEW not in shown(slack_api, "views.open")

    # A forged submission (the form was never opened for them) adds nothing either.
    typed = form(source=SOURCE, names="Amanda Qiu", organisations="BR-YR Executive Search")
    await interact(app, web_api.view_submission(OUTSIDER, ADD_VIEW, typed))
    assert "Only the security team" in shown(slack_api, "views.update")
    assert await entries(uow_factory) == []
    assert [r.detail["attempted"] for r in await refusals(engine)] == ["watchlist.add", "watchlist.slack"]


async def test_an_unsigned_submission_is_refused(app: AsyncApp, uow_factory: UowFactory):
    typed = form(source=SOURCE, names="Amanda Qiu", organisations="BR-YR Executive Search")
    answer = await interact(app, web_api.view_submission(MEMBER, ADD_VIEW, typed), secret="not-the-secret")
    assert answer.status == 401
    assert await entries(uow_factory) == []
