"""Teams activities, as the Bot Framework delivers them, read into what the service needs."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from adapters.teams import inbound
from bot.conversation import ConversationKey
from bot.report import EvidenceFile
from flows.actions import PickOptions, SubmitForm, TextAnswer

TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
USER = "6d3e3b1a-9c4f-4c1e-8e3a-2f1b5a7c9d10"
FILE_URL = "https://contoso-my.sharepoint.com/personal/sam/Documents/Microsoft Teams Chat Files/anna.pdf"
BOT = "28:4f1c2b3a-1111-2222-3333-444455556666"


def activity(**fields: Any) -> dict[str, Any]:
    """A message in a personal chat, shaped as Teams sends it."""
    base: dict[str, Any] = {
        "type": "message",
        "id": "1732355012345",
        "timestamp": "2026-11-23T10:00:12.345Z",
        "channelId": "msteams",
        "serviceUrl": "https://smba.trafficmanager.net/emea/",
        "from": {"id": "29:1AbCdEfGhIjKlMnOp", "aadObjectId": USER, "name": "Sam Jones"},
        "conversation": {"conversationType": "personal", "id": "a:1XyZ-personal-chat", "tenantId": TENANT},
        "recipient": {"id": BOT, "name": "Tipline"},
        "textFormat": "plain",
        "locale": "en-GB",
        "channelData": {"tenant": {"id": TENANT}},
    }
    base.update(fields)
    return base


def submit(data: dict[str, Any], **inputs: Any) -> dict[str, Any]:
    """A card's Action.Submit: Teams sends the button's data merged with the card's inputs."""
    return activity(id="1732355099999", replyToId="1732355000001", value={**data, **inputs})


def test_a_typed_message_is_a_text_answer_in_the_persons_conversation():
    found = inbound.from_activity(activity(text="A recruiter offered me paid work"))
    assert found is not None
    assert found.key == ConversationKey("teams", TENANT, USER)
    assert found.reporter.user_id == USER
    assert found.reporter.display_name == "Sam Jones"
    assert found.reporter.workspace == TENANT
    assert found.action == TextAnswer("A recruiter offered me paid work")
    assert found.dedupe_id == "a:1XyZ-personal-chat|1732355012345"
    assert (found.conversation_type, found.conversation_id) == ("personal", "a:1XyZ-personal-chat")
    assert not found.mentions_bot and not found.installed


def test_without_an_entra_id_or_channel_data_the_channel_ids_are_used():
    raw = activity(text="hi")
    del raw["from"]["aadObjectId"], raw["channelData"]
    found = inbound.from_activity(raw)
    assert found is not None
    assert found.key == ConversationKey("teams", TENANT, "29:1AbCdEfGhIjKlMnOp")


def test_the_bots_mention_is_removed_and_noted():
    raw = activity(
        text="<at>Tipline</at> I want to report something",
        conversation={
            "conversationType": "channel",
            "id": "19:abc@thread.tacv2;messageid=1",
            "tenantId": TENANT,
        },
        entities=[
            {"type": "mention", "text": "<at>Tipline</at>", "mentioned": {"id": BOT, "name": "Tipline"}},
            {"type": "clientInfo", "locale": "en-GB", "platform": "Web"},
        ],
    )
    found = inbound.from_activity(raw)
    assert found is not None
    assert found.action == TextAnswer("I want to report something")
    assert found.mentions_bot
    assert found.conversation_type == "channel"


def test_someone_elses_mention_stays_as_their_name():
    raw = activity(
        text="<at>Alex Boss</at> asked me to report this",
        entities=[{"type": "mention", "text": "<at>Alex Boss</at>", "mentioned": {"id": "29:1other"}}],
    )
    found = inbound.from_activity(raw)
    assert found is not None
    assert found.action == TextAnswer("@Alex Boss asked me to report this")
    assert not found.mentions_bot


def test_teams_html_becomes_plain_text_and_a_links_real_target_is_kept():
    html = (
        '<p>They wrote &amp; sent <a href="https://evil.example/login">linkedin.com/in/anna</a> '
        'and <a href="https://gip-consult.com/">gip-consult.com</a></p><p>Then:<br>call me</p>'
    )
    found = inbound.from_activity(activity(text=html, textFormat="xml"))
    assert found is not None
    assert found.action == TextAnswer(
        "They wrote & sent linkedin.com/in/anna (https://evil.example/login) and gip-consult.com"
        "\n\nThen:\ncall me"
    )


def test_a_mailto_link_shows_the_address_once():
    found = inbound.from_activity(activity(text='<p><a href="mailto:anna@gip.com">anna@gip.com</a></p>'))
    assert found is not None
    assert found.action == TextAnswer("anna@gip.com")


def test_typed_markup_in_plain_text_is_kept_as_typed():
    found = inbound.from_activity(activity(text="5 &lt; 6 &amp; a < b"))
    assert found is not None
    assert found.action == TextAnswer("5 < 6 & a < b")


def test_a_shared_file_becomes_evidence_and_the_html_copy_is_ignored():
    raw = activity(
        text="<p>screenshot of the profile</p>",
        attachments=[
            {
                "contentType": "application/vnd.microsoft.teams.file.download.info",
                "contentUrl": FILE_URL,
                "name": "anna.pdf",
                "content": {
                    "downloadUrl": "https://contoso-my.sharepoint.com/personal/sam/_layouts/15/download.aspx?UniqueId=1150d938",
                    "uniqueId": "1150D938-8870-4044-9F2C-5BBDEBA70C8C",
                    "fileType": "pdf",
                },
            },
            {"contentType": "text/html", "content": "<p>screenshot of the profile</p>"},
        ],
    )
    found = inbound.from_activity(raw)
    assert found is not None
    assert found.action == TextAnswer("screenshot of the profile")
    assert found.files == (
        EvidenceFile(
            id="teams-file:1150D938-8870-4044-9F2C-5BBDEBA70C8C",
            name="anna.pdf",
            mime_type="application/pdf",
            url=FILE_URL,
        ),
    )


def test_a_pasted_image_alone_is_evidence_with_nothing_for_the_flow():
    url = "https://smba.trafficmanager.net/emea/v3/attachments/0-weu-d1-abc/views/original"
    raw = activity(attachments=[{"contentType": "image/*", "contentUrl": url}])
    found = inbound.from_activity(raw)
    assert found is not None
    assert found.action is None
    assert found.files == (
        EvidenceFile(id="teams-image:1732355012345:0", name="Image 1", mime_type=None, url=url),
    )


def test_installing_the_app_is_detected():
    raw = activity(
        type="conversationUpdate",
        id="f:8d3b5c1a-install",
        membersAdded=[{"id": BOT}],
    )
    found = inbound.from_activity(raw)
    assert found is not None
    assert found.installed and found.action is None
    assert found.dedupe_id.endswith("|f:8d3b5c1a-install")


def test_someone_else_joining_is_not_an_install():
    raw = activity(type="conversationUpdate", id="f:2", membersAdded=[{"id": "29:1someone"}])
    assert inbound.from_activity(raw) is None


def test_a_button_press_is_a_pick_of_its_value():
    found = inbound.from_activity(
        submit({"tipline": "pick", "token": "1.pace.3", "value": "send_now", "title": "Send it now"})
    )
    assert found is not None
    assert found.action == PickOptions("1.pace.3", ("send_now",))
    assert found.chosen == "Send it now"
    assert found.reply_to_id == "1732355000001"


def test_a_button_without_its_title_is_described_by_its_value():
    found = inbound.from_activity(submit({"tipline": "pick", "token": "t", "value": "yes"}))
    assert found is not None
    assert found.chosen == "yes"


def test_a_multiple_choice_submit_is_a_pick_of_every_value():
    data = {
        "tipline": "form",
        "token": "1.kinds.4",
        "key": "approach_kinds",
        "labels": {"recruiter": "A recruiter"},
    }
    found = inbound.from_activity(submit(data, choice="recruiter,consultancy"))
    assert found is not None
    assert found.action == PickOptions("1.kinds.4", ("recruiter", "consultancy"))
    assert found.chosen == "A recruiter, consultancy"


def test_a_summary_change_is_the_edit_pick_the_engine_expects():
    data = {"tipline": "form", "token": "1.summary.9", "key": "edit", "labels": {"edit:who": "2. Who"}}
    found = inbound.from_activity(submit(data, edit="edit:who"))
    assert found is not None
    assert found.action == PickOptions("1.summary.9", ("edit:who",))
    assert found.chosen == "Changing 2. Who"


def test_a_typed_answer_in_a_card_is_a_form_with_the_step_id():
    long = "They offered £500 per report. " * 20
    found = inbound.from_activity(
        submit({"tipline": "form", "token": "1.what.1", "key": "what_happened"}, what_happened=long)
    )
    assert found is not None
    assert found.action == SubmitForm("1.what.1", {"what_happened": long})
    assert found.chosen is not None and len(found.chosen) <= 200 and found.chosen.startswith("They offered")


def test_another_cards_submit_is_passed_on_without_an_action():
    found = inbound.from_activity(submit({"triage": "assign", "report": "TIP-7K3Q9D"}))
    assert found is not None
    assert found.action is None and found.chosen is None


@pytest.mark.parametrize(
    "raw",
    [
        activity(type="typing"),
        activity(type="messageReaction", reactionsAdded=[{"type": "like"}]),
        activity(type="invoke", name="adaptiveCard/action"),
        {k: v for k, v in activity(text="hi").items() if k != "id"},
        {k: v for k, v in activity(text="hi").items() if k != "from"},
        activity(text="hi", conversation=None),
        {},
        {"type": "message"},
        [],
        None,
    ],
)
def test_what_isnt_for_the_service_gives_none(raw):
    assert inbound.from_activity(raw) is None


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"text": 12}, None),
        ({"text": None, "attachments": "nope"}, None),
        ({"entities": "x", "text": "<at>Tipline</at> hi"}, TextAnswer("@Tipline hi")),
        ({"entities": [None, 3, {"type": "mention", "mentioned": "bot"}], "text": "hi"}, TextAnswer("hi")),
        ({"attachments": [None, {"contentType": 5}, {"contentType": "image/png"}]}, TextAnswer("hello")),
        ({"value": {"tipline": "form", "token": "t", "key": None, None: 1}}, SubmitForm("t", {"": ""})),
        ({"value": {"tipline": "pick", "token": 5}}, None),
        ({"channelData": "x", "conversation": {"id": "a:1", "tenantId": 9, "conversationType": 3}}, "hello"),
        ({"recipient": None, "text": "<p><a>broken <b>html"}, TextAnswer("broken html")),
    ],
)
def test_odd_fields_never_raise(change, expected):
    """Odd shapes are read, not swallowed: `_read` itself must not raise (from_activity's catch-all
    is the last resort), and what comes out is the person's message or nothing."""
    raw = copy.deepcopy(activity(text="hello"))
    raw.update(change)
    found = inbound._read(raw)
    assert found is not None and found.files == ()
    if expected == "hello":  # no tenant to trust: still the person's message, with no workspace
        assert found.action == TextAnswer("hello") and found.key.workspace == ""
    else:
        assert found.action == expected and found.key == ConversationKey("teams", TENANT, USER)
    assert inbound.from_activity(raw) == found


def test_a_sender_id_that_is_not_text_is_no_one():
    raw = activity(text="hello")
    raw["from"] = {"id": 7, "aadObjectId": ["x"]}
    assert inbound._read(raw) is None and inbound.from_activity(raw) is None


def test_an_empty_message_has_no_action():
    found = inbound.from_activity(activity(text="  <p> </p> "))
    assert found is not None and found.action is None


def test_the_same_message_id_in_two_conversations_is_two_messages():
    """Teams' message ids are the time in milliseconds, unique only within a conversation."""
    alice = inbound.from_activity(activity(text="report", id="1732355012345"))
    other = activity(text="report", id="1732355012345")
    other["conversation"] = {**other["conversation"], "id": "a:1Another-persons-chat"}
    eve = inbound.from_activity(other)
    assert alice is not None and eve is not None
    assert alice.dedupe_id != eve.dedupe_id


def test_a_very_long_conversation_id_still_gives_a_storable_dedupe_id():
    raw = activity(text="report")
    raw["conversation"] = {**raw["conversation"], "id": "a:" + "x" * 400}
    found = inbound.from_activity(raw)
    assert found is not None and len(found.dedupe_id) <= 200
