"""The bot's own token, from a stand-in for Microsoft Entra reached as MSAL reaches Entra
(HTTPS, the authority TEAMS_LOGIN_URL names): one request for a run of many turns, fetched
while the server keeps answering, and retried with backoff, never logging the secret."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator

import pytest

from tests.teams import activities as teams
from tests.teams.entra import EntraStandIn
from tests.teams.tipline import BOT_TOKEN, running_tipline

SECRET = "not-used-the-stand-in-hands-out-the-token"  # what tests.teams.tipline configures


@pytest.fixture
def entra(tmp_path, monkeypatch) -> Iterator[EntraStandIn]:
    stand_in = EntraStandIn(teams.TENANT, teams.APP_ID, SECRET, BOT_TOKEN, tmp_path / "entra-ca.pem")
    stand_in.start()
    # How requests (inside MSAL) trusts a private CA, as a deployment behind a TLS proxy would.
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(stand_in.ca_file))
    try:
        yield stand_in
    finally:
        stand_in.stop()


async def until(condition, within: float = 15.0) -> None:
    async with asyncio.timeout(within):
        while not condition():  # noqa: ASYNC110 - the stand-in counts in its own thread
            await asyncio.sleep(0.02)


def replies_to(connector, person: teams.Person):
    return connector.texts(conversation_id=teams.personal_conversation_id(person.teams_id))


async def test_a_run_of_turns_asks_entra_once_and_the_server_answers_meanwhile(
    tmp_path, empty_database, connector, token_issuer, entra, caplog, teams_sdk
):
    caplog.set_level(logging.DEBUG)
    env = {"TEAMS_LOGIN_URL": entra.authority}
    async with running_tipline(
        tmp_path, empty_database, connector, token_issuer, extra_env=env, entra=True, sdk=teams_sdk
    ) as tl:
        entra.hold()
        first = teams.personal_message("report", user=teams.ALICE, service_url=connector.url)
        assert await tl.post(first) == 200
        await until(lambda: entra.token_requests == 1)

        # Entra has the request and has not answered: the event loop is free for everyone else.
        async with tl.session.get(tl.url + "/healthz") as health:
            assert health.status == 200
        other = teams.personal_message("report", user=teams.EVE, service_url=connector.url)
        assert await tl.post(other) == 200
        assert entra.holding, "answered while Entra was still answering, not after"
        entra.release()
        await tl.settle()
        assert replies_to(connector, teams.ALICE) and replies_to(connector, teams.EVE)

        for text in ("A headhunter offered paid insight reports", "Anna, linkedin.com/in/anna-x", "2"):
            await tl.say(text)
            await tl.say(text, user=teams.EVE)
        calls = len(connector.requests)
    assert calls >= 8
    assert (entra.token_requests, entra.discovery_requests) == (1, 1), "one token for the whole run"
    assert all(r.authorization == f"Bearer {BOT_TOKEN}" for r in connector.requests)
    assert SECRET not in caplog.text


async def test_a_failed_token_request_is_retried_with_backoff_and_logged_without_the_secret(
    tmp_path, empty_database, connector, token_issuer, entra, caplog, teams_sdk
):
    caplog.set_level(logging.INFO)
    entra.failures_left = 1  # a 503 with Retry-After: 1, as Entra answers when it is overloaded
    env = {"TEAMS_LOGIN_URL": entra.authority}
    async with running_tipline(
        tmp_path, empty_database, connector, token_issuer, extra_env=env, entra=True, sdk=teams_sdk
    ) as tl:
        await tl.say("report")
    assert replies_to(connector, teams.ALICE), "the reply went out once Entra answered"
    assert entra.token_requests == 2, "asked again after the failure, and only once it succeeded"
    retries = [r.getMessage() for r in caplog.records if "token request failed" in r.getMessage()]
    assert retries and all("MsalServiceError" in line for line in retries), retries
    assert not [r for r in caplog.records if r.exc_info], "no traceback"
    assert SECRET not in caplog.text
