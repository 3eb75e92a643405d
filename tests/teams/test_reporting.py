"""A member of staff reports in their personal chat with Tipline in Teams, over the real
endpoint: card submits and typed replies, read-only answered cards, guidance as its own card,
a re-submitted card refused kindly, files as evidence, "my reports"."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from adapters.teams.addresses import PLATFORM, reporter_key
from storage.protection import Sealer
from tests.teams import activities as teams
from tests.teams.connector import card_texts, inputs, submit_actions
from tests.teams.tipline import REFERENCE, Tipline, running_tipline

CHAT = teams.personal_conversation_id(teams.ALICE.teams_id)


@pytest.fixture
async def tipline(tmp_path, empty_database, connector, token_issuer, teams_sdk) -> AsyncIterator[Tipline]:
    async with running_tipline(tmp_path, empty_database, connector, token_issuer, sdk=teams_sdk) as running:
        yield running


def words(tipline: Tipline, since: int = 0) -> str:
    """Everything the bot said in the chat (as the cards show it now), as one string."""
    shown = [tipline.connector.current(r.activity_id) for r in tipline.connector.posted(CHAT)[since:]]
    said = "\n".join(line for activity in shown for line in tipline.connector.texts(activity))
    return re.sub(r"\\(.)", r"\1", said)  # as Teams shows it: Markdown escapes undone


def by_value(card: dict[str, Any], value: str) -> str:
    [action] = [a for a in submit_actions(card) if a["data"].get("value") == value]
    return str(action["title"])


async def test_installing_the_app_says_what_to_report_and_why(tipline):
    assert await tipline.post(teams.install_personal(tipline.connector.url)) == 200
    await tipline.settle()
    said = words(tipline)
    assert "recruiter or headhunter" in said and "reporting it protects you" in said
    _, card = tipline.last_card(CHAT)
    assert [a["data"]["value"] for a in submit_actions(card)] == ["report"]
    async with tipline.runtime.unit_of_work() as uow:
        address = await uow.addresses.get(PLATFORM, reporter_key(teams.TENANT, teams.ALICE.aad_object_id))
    assert address is not None and address["conversation"]["id"] == CHAT


async def test_a_report_completed_with_card_submits_and_typed_replies(tipline):
    await tipline.say("report")
    question_id, question = tipline.last_card(CHAT)
    [field] = inputs(question)
    assert inputs(question)[field]["isRequired"] is True
    await tipline.press("Send", inputs={field: "A recruiter on LinkedIn offered paid consultancy work"})

    # The answered card is now read-only, showing the answer; guidance came as its own card.
    answered = tipline.connector.current(question_id)["attachments"][0]["content"]
    assert not inputs(answered) and not submit_actions(answered)
    assert "✓ A recruiter on LinkedIn offered paid consultancy work" in card_texts(answered)
    assert "What to do right now" in words(tipline)

    await tipline.say("Anna Smith, linkedin.com/in/anna-smith-123")  # typed, not submitted
    _, pace = tipline.last_card(CHAT)
    await tipline.press(by_value(pace, "send_now"))
    _, summary = tipline.last_card(CHAT)
    assert "Anna Smith" in json.dumps(summary)
    await tipline.press(by_value(summary, "send"))

    [reference] = set(REFERENCE.findall(words(tipline)))
    async with tipline.runtime.unit_of_work() as uow:
        report = await uow.reports.get(reference)
    assert report is not None
    assert report.reporter.platform == "teams"
    assert report.reporter.user_id == teams.ALICE.aad_object_id
    assert report.reporter.workspace == teams.TENANT
    assert report.what_happened == "A recruiter on LinkedIn offered paid consultancy work"
    assert report.contact.profile_urls == ["https://www.linkedin.com/in/anna-smith-123"]


async def test_a_card_submitted_again_after_it_was_answered_is_refused_kindly(tipline):
    await tipline.say("report")
    card = tipline.last_card(CHAT)
    [field] = inputs(card[1])
    await tipline.press("Send", inputs={field: "A headhunter offered me a paid trip"}, card=card)
    before = words(tipline)
    posted = len(tipline.connector.posted(CHAT))

    await tipline.press("Send", inputs={field: "Something else entirely"}, card=card)

    later = words(tipline, since=posted)
    assert "already moved on" in later, "the old card is answered kindly"
    assert "Who contacted you?" in later, "and the current question is asked again"
    settled = json.dumps(tipline.connector.current(card[0]))
    assert "Not used: this question had already moved on" in settled, "the old card says it wasn't used"
    async with tipline.runtime.unit_of_work() as uow:
        stored = await uow.conversations.get(f"teams:{teams.TENANT}:{teams.ALICE.aad_object_id}")
    assert "A headhunter offered me a paid trip" in json.dumps(stored.state)
    assert "Something else entirely" not in json.dumps(stored.state)
    assert before.splitlines()[0] in words(tipline)


async def test_several_choices_come_as_a_choice_set_and_are_kept_together(tipline):
    await tipline.say("report")
    await tipline.say("A recruiter wrote to me")
    await tipline.say("Anna")
    _, pace = tipline.last_card(CHAT)
    await tipline.press(by_value(pace, "add_detail"))
    _, kinds = tipline.last_card(CHAT)
    assert inputs(kinds), "several choices come as a choice set"
    [choice] = inputs(kinds).values()
    assert choice["type"] == "Input.ChoiceSet" and choice["isMultiSelect"] is True
    values = [c["value"] for c in choice["choices"]]
    [done] = submit_actions(kinds)
    await tipline.press(done["title"], inputs={choice["id"]: f"{values[0]},{values[2]}"})
    async with tipline.runtime.unit_of_work() as uow:
        stored = await uow.conversations.get(f"teams:{teams.TENANT}:{teams.ALICE.aad_object_id}")
    assert stored.state["flow"]["answers"][done["data"]["key"]] == [values[0], values[2]]


async def test_files_shared_in_the_chat_become_evidence(tipline):
    await tipline.say("report")
    url = tipline.connector.host_file("profile.png", b"\x89PNG fake", "image/png")
    share = teams.file_share("profile.png", download_url=url, service_url=tipline.connector.url)
    assert await tipline.post(share) == 200
    await tipline.settle()
    async with tipline.runtime.unit_of_work() as uow:
        stored = await uow.conversations.get(f"teams:{teams.TENANT}:{teams.ALICE.aad_object_id}")
    [kept] = stored.state["files"]
    assert kept["name"] == "profile.png" and kept["id"].startswith("teams-file:")
    assert "profile.png" in words(tipline)


async def test_my_reports_lists_what_was_sent(tipline):
    await tipline.say("my reports")
    assert "You haven't sent any reports yet." in words(tipline)


async def test_reporter_text_cannot_become_a_link_or_a_mention(tipline):
    await tipline.say("report")
    await tipline.say("[Click here](https://evil.example) <at>Security Lead</at> **now**")
    await tipline.say("Anna")
    _, pace = tipline.last_card(CHAT)
    await tipline.press(by_value(pace, "send_now"))
    _, summary = tipline.last_card(CHAT)
    shown = json.dumps(summary)
    assert "[Click here](https://evil.example)" not in shown
    assert r"\\[Click here\\](https://evil.example)" in shown
    assert "<at>" not in shown


async def test_an_install_delivered_twice_welcomes_once(tipline):
    install = teams.install_personal(tipline.connector.url)
    assert await tipline.post(install) == 200
    assert await tipline.post(install) == 200
    await tipline.settle()
    assert words(tipline).count("Hello, I'm Tipline") == 1


async def test_with_downloads_on_a_shared_file_is_kept_privately(
    tmp_path, empty_database, connector, token_issuer, teams_sdk
):
    evidence = tmp_path / "kept"
    settings = {"EVIDENCE_DOWNLOAD": "on", "EVIDENCE_DIR": str(evidence)}
    async with running_tipline(
        tmp_path, empty_database, connector, token_issuer, extra_env=settings, sdk=teams_sdk
    ) as tipline:
        await tipline.say("report")
        url = connector.host_file("profile.png", b"\x89PNG the profile picture", "image/png")
        elsewhere = "https://attacker.example/steal.png"
        for name, download in (("profile.png", url), ("other.png", elsewhere)):
            share = teams.file_share(name, download_url=download, service_url=connector.url)
            assert await tipline.post(share) == 200
        await tipline.settle()
        async with tipline.runtime.unit_of_work() as uow:
            stored = await uow.conversations.get(f"teams:{teams.TENANT}:{teams.ALICE.aad_object_id}")
    kept, other = stored.state["files"]
    sealer = tipline.runtime.sealer
    assert_private_copy(Path(kept["stored_path"]), evidence, b"\x89PNG the profile picture", sealer)
    assert other.get("stored_path") is None, "only SharePoint hosts (or the service URL) are fetched from"


def assert_private_copy(path: Path, folder: Path, data: bytes, sealer: Sealer | None) -> None:
    assert sealer is not None
    kept = path.read_bytes()
    assert data not in kept, "sealed at rest"
    assert sealer.open_file(kept, path.name) == data
    assert path.is_relative_to(folder) and path.stat().st_mode & 0o077 == 0, "readable by the service only"


async def test_help_with_no_report_under_way_says_what_can_be_typed(tipline):
    await tipline.say("help")
    said = words(tipline)
    assert '"my reports" to see your reports' in said
    _, card = tipline.last_card(CHAT)
    assert [a["data"]["value"] for a in submit_actions(card)] == ["report"], "and offers to start one"


async def test_a_file_edited_and_shared_again_never_changes_the_first_copy(
    tmp_path, empty_database, connector, token_issuer, teams_sdk
):
    evidence = tmp_path / "kept"
    settings = {"EVIDENCE_DOWNLOAD": "on", "EVIDENCE_DIR": str(evidence)}
    async with running_tipline(
        tmp_path, empty_database, connector, token_issuer, extra_env=settings, sdk=teams_sdk
    ) as tipline:
        await tipline.say("report")
        for content in (b"first version", b"edited version"):
            url = connector.host_file("notes.txt", content, "text/plain")
            share = teams.file_share(
                "notes.txt", download_url=url, service_url=connector.url, unique_id="U-1"
            )
            assert await tipline.post(share) == 200
            await tipline.settle()
        bad = teams.file_share(
            "x.txt", download_url="https://x.sharepoint.com:99999/", service_url=connector.url
        )
        assert await tipline.post(bad) == 200, "an address that doesn't parse"
        await tipline.settle()
        async with tipline.runtime.unit_of_work() as uow:
            stored = await uow.conversations.get(f"teams:{teams.TENANT}:{teams.ALICE.aad_object_id}")
    first, edited = [f for f in stored.state["files"] if f["id"] == "teams-file:U-1"]
    sealer = tipline.runtime.sealer
    assert_private_copy(Path(first["stored_path"]), evidence, b"first version", sealer)
    assert_private_copy(Path(edited["stored_path"]), evidence, b"edited version", sealer)
    assert any(f["name"] == "x.txt" and not f.get("stored_path") for f in stored.state["files"])
    assert "Sorry" not in words(tipline)
