"""A department switches TEAMS_SDK on a database with live conversations: the inbox channel, a
report's card and a reporter's half-typed report, all written under botbuilder, carry on under
the Agents SDK (and back): what one transport stored, the other reads."""

from __future__ import annotations

from adapters.teams.addresses import PLATFORM, key_for
from adapters.teams.transport import AGENTS, BOTBUILDER
from bot.report import Reporter, Status
from tests.teams import activities as teams
from tests.teams.connector import card_texts, submit_actions
from tests.teams.test_inbox import CHAT, choose_inbox, inbox_card, press_on_card, quick_report, shown, thread
from tests.teams.tipline import REFERENCE, running_tipline


def said_to_alice(connector, since: int) -> str:
    return shown([line for r in connector.posted(CHAT)[since:] for line in connector.texts(r.activity)])


async def test_switching_from_botbuilder_to_agents_keeps_the_inbox_and_the_chats(
    tmp_path, empty_database, connector, token_issuer
):
    async with running_tipline(tmp_path, empty_database, connector, token_issuer, sdk=BOTBUILDER) as tipline:
        await choose_inbox(tipline)
        reference = await quick_report(tipline)
        await tipline.say("That's all for now")
        await tipline.say("report")  # a second report, left half-way: the second question is open
        await tipline.say("A caller offered cash for our floor plans")
        async with tipline.runtime.unit_of_work() as uow:
            stored = await uow.addresses.get(PLATFORM, key_for(alice()))
    assert stored is not None and stored["serviceUrl"] == connector.url, "botbuilder stored Alice's chat"

    async with running_tipline(tmp_path, empty_database, connector, token_issuer, sdk=AGENTS) as tipline:
        # The card botbuilder posted is triaged under agents: changed in place, the thread says
        # who, and Alice hears back through the chat reference botbuilder stored.
        root, _ = inbox_card(tipline, reference)
        before = len(connector.posted(CHAT))
        await press_on_card(tipline, reference, "Acknowledge", teams.SAM)
        _, card = inbox_card(tipline, reference)
        assert "Acknowledge" not in [a["title"] for a in submit_actions(card)]
        assert "Sam Singh" in thread(tipline, root)
        assert "security team" in said_to_alice(connector, before).lower()

        # The half-typed report goes on where it stopped, and lands in the same inbox channel.
        known = set(REFERENCE.findall(said_to_alice(connector, 0)))
        await tipline.say("Marek Novak, marek.novak@cover-firm.example")  # another persona: no campaign
        for value in ("send_now", "send"):
            _, asked = tipline.last_card(CHAT)
            [title] = [a["title"] for a in submit_actions(asked) if a["data"].get("value") == value]
            await tipline.press(title)
        [second] = set(REFERENCE.findall(said_to_alice(connector, 0))) - known
        _, card = inbox_card(tipline, second)
        assert "A caller offered cash for our floor plans" in shown(card_texts(card))
        async with tipline.runtime.unit_of_work() as uow:
            rewritten = await uow.addresses.get(PLATFORM, key_for(alice()))

    # And back: what agents stored, botbuilder reads (Alice hears the outcome of the first report).
    assert rewritten is not None
    async with running_tipline(tmp_path, empty_database, connector, token_issuer, sdk=BOTBUILDER) as tipline:
        before = len(connector.posted(CHAT))
        await press_on_card(
            tipline,
            reference,
            "Close report",
            teams.SAM,
            {"outcome": "benign", "message": "Thanks, all clear."},
        )
        assert "Thanks, all clear." in said_to_alice(connector, before)
        async with tipline.runtime.unit_of_work() as uow:
            report = await uow.reports.get(reference)
        assert report is not None and report.status is Status.CLOSED


def alice() -> Reporter:
    return Reporter(platform=PLATFORM, workspace=teams.TENANT, user_id=teams.ALICE.aad_object_id)
