"""The card and the thread lines: every field, the real reporter, and nothing that can fire."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest
from slack_sdk.models.views import View

from adapters.slack.inbox import cards
from adapters.slack.inbox.cards import SHORTENED, all_text, card_blocks, shorten, thread_blocks, to_dicts
from adapters.slack.inbox.modals import (
    CLOSE_OUTCOME,
    Context,
    ask_modal,
    chosen_outcome,
    close_modal,
    closing_message,
    note_modal,
)
from bot.inbox_events import EventKind, InboxEvent, Reminder, StatusChange, ThreadMessage
from bot.ports import DeadlineKind, MessageKind
from bot.report import (
    Contact,
    ContactPreference,
    LinkKind,
    Outcome,
    Reporter,
    ReportLink,
    Severity,
    Status,
)
from bot.security import Templates
from tests.factories import CREATED_AT, make_report
from tests.slack_inbox.support import REPORTER_ID, SLACK_REPORTER

HOSTILE = "<!channel> <@U123> <https://example.org|click> <!subteam^S1> & co"
FIRING = ("<!channel>", "<@U123>", "<https://", "<!subteam", "|click>")


def _event(kind: EventKind = EventKind.SUBMITTED, **report: Any) -> InboxEvent:
    report.setdefault("reporter", SLACK_REPORTER)
    parts = report.pop("parts", {})
    return InboxEvent.about(kind, make_report(**report), CREATED_AT, **parts)


def _card(**report: Any) -> list[dict[str, Any]]:
    return to_dicts(card_blocks(_event(**report)))


def _buttons(blocks: list[dict[str, Any]]) -> list[str]:
    actions = [b for b in blocks if b["type"] == "actions"]
    assert len(actions) == 1
    return [element["action_id"] for element in actions[0]["elements"]]


def _mrkdwn_objects(node: Any) -> list[dict[str, Any]]:
    found = []
    if isinstance(node, dict):
        if node.get("type") == "mrkdwn":
            found.append(node)
        for value in node.values():
            found += _mrkdwn_objects(value)
    elif isinstance(node, list):
        for item in node:
            found += _mrkdwn_objects(item)
    return found


def test_the_card_shows_reference_severity_reasons_every_field_and_the_reporter_as_a_mention() -> None:
    report = make_report(
        reporter=SLACK_REPORTER,
        severity=Severity.CRITICAL,
        severity_reasons=["payment offered", "asked for secrecy"],
    )
    blocks = to_dicts(card_blocks(InboxEvent.about(EventKind.SUBMITTED, report, CREATED_AT)))
    text = all_text(blocks)
    header = blocks[0]
    assert header["type"] == "header"
    assert report.reference in header["text"]["text"] and "Critical severity" in header["text"]["text"]
    assert "• payment offered" in text and "• asked for secrecy" in text
    assert f"<@{REPORTER_ID}>" in text
    assert "Rita Reporter" not in text  # the mention is the name; nothing anyone could type
    for label, value in [
        ("What happened", "A recruiter offered paid consultancy on our work."),
        ("Kind of approach", "Recruiter or headhunter"),
        ("Where it happened", "LinkedIn"),
        ("Name used", "Jane Smith"),
        ("Profile addresses", "hxxps://www[.]linkedin[.]com/in/jane-smith"),
        ("Organisation", "Acme Talent"),
        ("Email addresses", "jane@example.com"),
        ("Phone numbers", "+44 20 7946 0000"),
        ("Websites", "hxxps://acme-talent[.]example"),
        ("First contact on", "1 Mar 2026"),
        ("How often", "A few times"),
        ("Asked for", "A paid report"),
        ("Offered", "Money"),
        ("More about what was offered", "£2,000"),
        ("Replied", "Yes"),
        ("Kinds", "Screenshots of the messages"),
        ("Files", "chat.png (image/png)"),
        ("Role or access, as they chose to say", "engineer"),
        ("May the security team contact them", "Yes"),
        ("How", "Through the Tipline chat"),
    ]:
        assert f"*{label}:*" in text, label
        assert value in text, value
    assert "*Status: New*" in text and "Not assigned yet" in text
    assert "https://" not in text  # web addresses are text, never links
    assert _buttons(blocks) == [
        cards.ACK,
        cards.ASSIGN_ME,
        cards.ASK,
        cards.NOTE,
        cards.CLOSE,
        cards.SHARE_STIX,
    ]
    values = {e["value"] for b in blocks if b["type"] == "actions" for e in b["elements"]}
    assert values == {report.reference}
    assert len(blocks) <= cards.MAX_BLOCKS


def test_every_mrkdwn_text_is_verbatim_so_slack_links_and_mentions_nothing_by_itself() -> None:
    blocks = _card()
    objects = _mrkdwn_objects(blocks)
    assert objects and all(o.get("verbatim") is True for o in objects)
    for event in _thread_events():
        assert all(o.get("verbatim") is True for o in _mrkdwn_objects(to_dicts(thread_blocks(event))))


def test_a_reporter_from_another_platform_is_named_as_escaped_text_not_a_mention() -> None:
    reporter = Reporter(platform="teams", user_id="aad-1", display_name="<@U999> Bob & <!here>")
    text = all_text(_card(reporter=reporter))
    assert "Reported by &lt;@U999&gt; Bob &amp; &lt;!here&gt; (on teams)" in text
    assert "<@" not in text and "<!" not in text


def test_a_slack_reporter_with_a_malformed_user_id_is_not_turned_into_a_mention() -> None:
    reporter = Reporter(platform="slack", user_id="U1> <!channel", display_name=None)
    text = all_text(_card(reporter=reporter))
    assert "<!channel" not in text and "<@U1" not in text
    assert "U1&gt; &lt;!channel (on slack)" in text


def test_hostile_reporter_text_is_escaped_everywhere_and_long_text_is_shortened() -> None:
    long_text = HOSTILE + " " + "x" * 5000
    blocks = _card(
        what_happened=long_text,
        contact=Contact(
            name_used=HOSTILE,
            organisation="<https://evil.example|Ministry>",
            profile_urls=["https://www.linkedin.com/in/evil"],
            phones=["<tel:123|call me>"],
        ),
        asked_for_detail="&lt;!channel&gt;",  # already an entity: shown as typed, not as <!channel>
        reporter_role="<" * 5000,
        severity_reasons=[HOSTILE],
        assigned_to=HOSTILE,
        status=Status.IN_PROGRESS,
        links=[ReportLink(reference="TIP-4M8N2P", kind=LinkKind.RELATED)],
    )
    text = all_text(blocks)
    for firing in FIRING:
        assert firing not in text, firing
    assert (
        "&lt;!channel&gt; &lt;@U123&gt; &lt;hxxps://example[.]org|click&gt; &lt;!subteam^S1&gt; &amp; co"
        in text
    )
    assert "&amp;lt;!channel&amp;gt;" in text
    assert SHORTENED in text
    assert "x" * 5000 not in text
    for block in blocks:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000
            # a cut never leaves half an entity behind
            assert not re.search(r"&[a-z]{0,3}\n_\(shortened", block["text"]["text"])
    assert "&lt;" * 200 in text  # the 5,000 "<" survive as entities, shortened


def test_shorten_keeps_entities_whole() -> None:
    escaped = cards.escape("<" * 100)
    for limit in range(60, 80):
        cut = shorten(escaped, limit)
        assert len(cut) <= limit
        body = cut.split("\n_")[0]
        assert re.fullmatch(r"(&lt;)*", body), body
    assert shorten("short", 10) == "short"


def test_buttons_follow_the_status() -> None:
    assert _buttons(_card(status=Status.ACKNOWLEDGED)) == [
        cards.ASSIGN_ME,
        cards.ASK,
        cards.NOTE,
        cards.CLOSE,
        cards.SHARE_STIX,
    ]
    assert _buttons(_card(status=Status.IN_PROGRESS, assigned_to="Sam")) == [
        cards.ASSIGN_ME,
        cards.ASK,
        cards.NOTE,
        cards.CLOSE,
        cards.SHARE_STIX,
    ]
    closed = _card(
        status=Status.CLOSED,
        outcome=Outcome.BENIGN,
        closed_at=CREATED_AT,
        acknowledged_at=CREATED_AT,
        closing_message="Thanks <!channel>",
    )
    assert _buttons(closed) == [cards.NOTE, cards.REOPEN, cards.SHARE_STIX]
    text = all_text(closed)
    assert "*Status: Closed* — Benign" in text
    assert "Told the reporter:" in text and "Thanks &lt;!channel&gt;" in text
    reopen = next(
        e for b in closed if b["type"] == "actions" for e in b["elements"] if e["action_id"] == cards.REOPEN
    )
    assert reopen["confirm"]["confirm"]["text"] == "Reopen"


def test_a_quick_report_shows_what_was_given_and_skips_the_rest() -> None:
    report = make_report(
        reporter=SLACK_REPORTER,
        detail_level="quick",
        approach_kinds=[],
        channel=None,
        contact=Contact(name_used="Anna"),
        asked_for=[],
        offered=[],
        asked_for_detail=None,
        offered_detail=None,
        reporter_role=None,
        contact_preference=ContactPreference(),
    )
    text = all_text(to_dicts(card_blocks(InboxEvent.about(EventKind.SUBMITTED, report, CREATED_AT))))
    assert "Quick report" in text and "*Name used:* Anna" in text
    assert "Not given" not in text and "None given" not in text
    assert "*Kind of approach:*" not in text


def _thread_events() -> list[InboxEvent]:
    report = make_report(reporter=SLACK_REPORTER)
    message = ThreadMessage(
        id=7, kind=MessageKind.QUESTION, body="Did they <!here> attach files?", from_label="Security team"
    )
    change = StatusChange(
        action="acknowledged", by="slack:U0MEMBER01", from_status=Status.NEW, to_status=Status.ACKNOWLEDGED
    )
    reminder = Reminder(
        deadline=DeadlineKind.ACKNOWLEDGE, stage="near", due_at=CREATED_AT + timedelta(hours=3)
    )
    return [
        InboxEvent.about(EventKind.MESSAGE, report, CREATED_AT, message=message),
        InboxEvent.about(EventKind.STATUS, report, CREATED_AT, status_change=change),
        InboxEvent.about(EventKind.REMINDER, report, CREATED_AT, reminder=reminder),
        InboxEvent.about(EventKind.UPDATED, report.model_copy(update={"revision": 2}), CREATED_AT),
    ]


def _line(event: InboxEvent) -> str:
    return all_text(to_dicts(thread_blocks(event)))


@pytest.mark.parametrize(
    ("kind", "from_label", "expected"),
    [
        (MessageKind.QUESTION, "Security team", "*Question to the reporter* · Security team"),
        (MessageKind.QUESTION, "Sam <Lead>", "*Question to the reporter* · Sam &lt;Lead&gt;"),
        (MessageKind.ANSWER, "Reporter", "*Answer from the reporter* · Reporter"),
        (MessageKind.REPORTER_UPDATE, "Reporter", "*Update from the reporter* · Reporter"),
        (MessageKind.NOTE, "Bob Analyst", "*Internal note (not shown to the reporter)* · Bob Analyst"),
    ],
)
def test_thread_messages_say_what_and_who_and_quote_the_escaped_words(
    kind: MessageKind, from_label: str, expected: str
) -> None:
    message = ThreadMessage(id=3, kind=kind, body=HOSTILE + "\nsecond line", from_label=from_label)
    text = _line(_event(EventKind.MESSAGE, parts={"message": message}))
    assert text.startswith(expected)
    assert ">&lt;!channel&gt;" in text and ">second line" in text
    for firing in FIRING:
        assert firing not in text


def test_a_long_thread_message_is_shortened() -> None:
    message = ThreadMessage(id=3, kind=MessageKind.ANSWER, body="&" * 5000, from_label="Reporter")
    text = _line(_event(EventKind.MESSAGE, parts={"message": message}))
    assert len(text) <= 3000 and SHORTENED in text


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"action": "acknowledged", "by": "slack:U0MEMBER01", "to_status": Status.ACKNOWLEDGED},
            "Acknowledged by <@U0MEMBER01>.",
        ),
        (
            {
                "action": "assigned",
                "by": "cli:alice",
                "to_status": Status.IN_PROGRESS,
                "assigned_to": "Bob <b>",
            },
            "Assigned to Bob &lt;b&gt; by alice (cli).",
        ),
        (
            {
                "action": "closed",
                "by": "slack:U0MEMBER01",
                "to_status": Status.CLOSED,
                "outcome": Outcome.BENIGN,
            },
            "Closed by <@U0MEMBER01>: Benign.",
        ),
        (
            {"action": "reopened", "by": "slack:U0MEMBER01", "to_status": Status.IN_PROGRESS},
            "Reopened by <@U0MEMBER01>.",
        ),
        (
            {
                "action": "linked",
                "by": "slack:U0MEMBER01",
                "to_status": Status.NEW,
                "linked_reference": "TIP-4M8N2P",
                "link_kind": "related",
            },
            "Linked to TIP-4M8N2P (related) by <@U0MEMBER01>.",
        ),
        (
            {"action": "acknowledged", "by": "slack:<!channel>", "to_status": Status.ACKNOWLEDGED},
            "&lt;!channel&gt; (slack)",
        ),
    ],
)
def test_a_status_change_is_one_line_in_the_thread(change: dict[str, Any], expected: str) -> None:
    status_change = StatusChange(from_status=Status.NEW, **change)
    text = _line(_event(EventKind.STATUS, parts={"status_change": status_change}))
    assert expected in text
    assert "\n" not in text


def test_reminders_say_what_is_due_and_when() -> None:
    near = Reminder(deadline=DeadlineKind.ACKNOWLEDGE, stage="near", due_at=CREATED_AT + timedelta(hours=3))
    missed = Reminder(deadline=DeadlineKind.FEEDBACK, stage="missed", due_at=CREATED_AT - timedelta(hours=1))
    assert _line(_event(EventKind.REMINDER, parts={"reminder": near})) == (
        ":alarm_clock: Reminder: acknowledgement due in 3 hours"
    )
    assert _line(_event(EventKind.REMINDER, parts={"reminder": missed})) == (
        ":warning: Missed: feedback to the reporter was due 14 Mar 2026 08:30 UTC"
    )


def test_an_update_from_the_reporter_is_announced_in_the_thread_and_a_new_report_is_not() -> None:
    assert "revision 2" in _line(_event(EventKind.UPDATED, revision=2))
    assert thread_blocks(_event()) == []


def test_the_notification_text_holds_no_reporter_text() -> None:
    event = _event(what_happened=HOSTILE, contact=Contact(name_used=HOSTILE))
    assert cards.notification_text(event) == f"[{event.reference}] New report (High severity)"


# ---- modals -------------------------------------------------------------------------------------


def _view(view: View) -> dict[str, Any]:
    view.validate_json()
    return view.to_dict()


def test_the_modals_are_valid_and_carry_the_report() -> None:
    context = Context("TIP-7K3Q9D", "C0SECURITY")
    for modal in (ask_modal(context), note_modal(context)):
        data = _view(modal)
        assert Context.load(data["private_metadata"]) == context
    ask = _view(ask_modal(context))
    assert [b["block_id"] for b in ask["blocks"] if b["type"] == "input"] == ["text", "sign"]
    assert ask["blocks"][1]["element"]["multiline"] is True
    assert Context.load("not json") is None and Context.load(json.dumps({"x": 1})) is None


def test_the_close_modal_starts_with_the_outcomes_template_and_reads_back() -> None:
    templates = Templates()
    context = Context("TIP-7K3Q9D", "C0SECURITY")
    data = _view(close_modal(context, Outcome.BENIGN, templates.closing_for(Outcome.BENIGN)))
    select, message = data["blocks"][0], data["blocks"][1]
    assert select["dispatch_action"] is True and select["element"]["action_id"] == CLOSE_OUTCOME
    assert select["element"]["initial_option"]["value"] == "benign"
    assert [o["value"] for o in select["element"]["options"]] == [o.value for o in Outcome]
    assert message["element"]["initial_value"] == templates.closing_for(Outcome.BENIGN)
    assert message["block_id"] == "message.benign"
    submitted = {
        "state": {
            "values": {
                "outcome": {
                    CLOSE_OUTCOME: {"type": "static_select", "selected_option": {"value": "duplicate"}}
                },
                "message.benign": {"value": {"type": "plain_text_input", "value": "Thanks!"}},
            }
        }
    }
    assert chosen_outcome(submitted) is Outcome.DUPLICATE
    assert closing_message(submitted) == ("message.benign", "Thanks!")
    assert chosen_outcome({"state": {"values": {}}}) is None
