"""The Teams inbox card and its replies: every field, nothing that links or mentions, the right
actions for the status, submits read back, and everything within Teams' size limit."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest

from adapters.teams.inbox_cards import (
    MAX_CARD_BYTES,
    SHORTENED,
    TOO_LARGE,
    TriageSubmit,
    card_activity,
    card_bytes,
    notification_text,
    refusal_activity,
    result_activity,
    thread_activity,
    triage_submit,
)
from bot.inbox_events import EventKind, InboxEvent, Reminder, StatusChange, ThreadMessage
from bot.ports import DeadlineKind, MessageKind
from bot.report import (
    Contact,
    ContactPreference,
    Evidence,
    EvidenceFile,
    LinkKind,
    Outcome,
    Reporter,
    ReporterActions,
    ReportLink,
    Severity,
    Status,
    Timeline,
)
from bot.triage import MAX_MESSAGE, MAX_NOTE
from tests.factories import CREATED_AT, make_report
from tests.inbox.events import IDENTITY, IDENTITY_PARTS

HOSTILE = "[Boss](https://evil.example) <at>Admin</at> **urgent** `code`"
REFERENCE = "TIP-7K3Q9D"


def _event(kind: EventKind = EventKind.SUBMITTED, **report: Any) -> InboxEvent:
    report.setdefault("reporter", IDENTITY)
    report.setdefault("reference", REFERENCE)
    parts = report.pop("parts", {})
    return InboxEvent.about(kind, make_report(**report), CREATED_AT, **parts)


def _card(activity: dict[str, Any]) -> dict[str, Any]:
    assert activity["type"] == "message"
    (attachment,) = activity["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card: dict[str, Any] = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.5"
    return card


def _texts(node: Any) -> list[str]:
    """Every shown text of a card (TextBlock texts, fact titles and values), as written."""
    found: list[str] = []
    if isinstance(node, dict):
        if node.get("type") == "TextBlock":
            found.append(node["text"])
        if "title" in node and "value" in node and "type" not in node:
            found += [node["title"], node["value"]]
        for value in node.values():
            found += _texts(value)
    elif isinstance(node, list):
        for item in node:
            found += _texts(item)
    return found


def _raw(activity: dict[str, Any]) -> str:
    """The shown text as escaped Markdown, as Teams receives it."""
    return "\n".join(_texts(_card(activity)["body"]))


def _shown(activity: dict[str, Any]) -> str:
    """The shown text as a reader sees it: backslash escapes resolved."""
    return re.sub(r"\\(.)", r"\1", _raw(activity))


def _facts(activity: dict[str, Any]) -> dict[str, str]:
    facts: dict[str, str] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "FactSet":
                facts.update({_unescape(f["title"]): _unescape(f["value"]) for f in node["facts"]})
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(_card(activity)["body"])
    return facts


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _actions(activity: dict[str, Any]) -> list[dict[str, Any]]:
    actions: list[dict[str, Any]] = _card(activity)["actions"]
    return actions


def _titles(activity: dict[str, Any]) -> list[str]:
    return [a["title"] for a in _actions(activity)]


def _show_card(activity: dict[str, Any], title: str) -> dict[str, Any]:
    (action,) = [a for a in _actions(activity) if a["title"] == title]
    assert action["type"] == "Action.ShowCard"
    card: dict[str, Any] = action["card"]
    return card


def _inputs(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["id"]: e for e in card["body"] if e["type"].startswith("Input.")}


# --- The card -----------------------------------------------------------------------------------


def test_the_card_shows_reference_severity_status_and_every_field_of_a_full_report() -> None:
    event = _event(severity=Severity.CRITICAL, severity_reasons=["payment offered", "asked for secrecy"])
    activity = card_activity(event)
    card = _card(activity)
    assert card["msteams"] == {"width": "Full"} and "$schema" in card
    header = card["body"][0]["items"][0]
    assert _unescape(header["text"]) == f"🔴 {REFERENCE} · Critical severity"
    text, facts = _shown(activity), _facts(activity)
    assert "• payment offered\n• asked for secrecy" in text
    assert "Status: New" in text and "Not assigned yet" in text
    assert "Reported by Sentinel Reporter Name (on slack)" in text  # as the Slack card names a non-mention
    assert "U0IDSENTINEL" not in text and "T0WSSENTINEL" not in text
    for label, value in [
        ("What happened", "A recruiter offered paid consultancy on our work."),
        ("Kind of approach", "Recruiter or headhunter; Offer of payment"),
        ("Where it happened", "LinkedIn"),
        ("Described as", "recruiter"),
        ("Name used", "Jane Smith"),
        ("Profile addresses", "hxxps://www[.]linkedin[.]com/in/jane-smith"),
        ("Organisation", "Acme Talent"),
        ("Email addresses", "jane@example.com"),
        ("Phone numbers", "+44 20 7946 0000"),
        ("Websites", "hxxps://acme-talent[.]example"),
        ("First contact on", "1 Mar 2026"),
        ("First contact, as told", "two weeks ago"),
        ("How often", "A few times"),
        ("Still going on", "Yes"),
        ("Asked for", "Details of their work; A paid report"),
        ("More about what was asked", "a short paper on our roadmap"),
        ("Offered", "Money"),
        ("More about what was offered", "£2,000"),
        ("Replied", "Yes"),
        ("Shared information", "No"),
        ("Accepted something", "No"),
        ("Met in person", "No"),
        ("Kinds", "Screenshots of the messages"),
        ("Kept where", "phone"),
        ("Files", "chat.png (image/png)"),
        ("Role or access, as they chose to say", "engineer"),
        ("May the security team contact them", "Yes"),
        ("How", "Through the Tipline chat"),
    ]:
        assert facts.get(label) == value, label
    for title in ("The approach", "Who made contact", "When", "Asked for and offered", "Evidence"):
        assert title in text
    assert "https://" not in json.dumps(card["body"])  # no web address anywhere is live
    assert card_bytes(activity) < MAX_CARD_BYTES


def test_a_card_for_a_later_event_still_shows_only_the_report() -> None:
    message = ThreadMessage(id=1, kind=MessageKind.NOTE, body="internal words", from_label="Sam")
    activity = card_activity(_event(EventKind.MESSAGE, parts={"message": message}))
    assert "internal words" not in _shown(activity)
    assert activity["summary"] == f"[{REFERENCE}] Note"


def test_a_quick_report_shows_what_was_given_and_skips_the_rest() -> None:
    activity = card_activity(
        _event(
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
    )
    text = _shown(activity)
    assert "Quick report" in text and _facts(activity)["Name used"] == "Anna"
    assert "Not given" not in text and "None given" not in text
    assert "Kind of approach" not in _facts(activity)


def test_reporter_and_contact_text_is_escaped_and_defanged_everywhere() -> None:
    reporter = Reporter(platform="teams", user_id="aad-1", display_name=HOSTILE)
    activity = card_activity(
        _event(
            reporter=reporter,
            what_happened=HOSTILE + "\n# heading\n- item",
            contact=Contact(name_used=HOSTILE, organisation="<at>Ministry</at>"),
            severity_reasons=[HOSTILE],
            status=Status.IN_PROGRESS,
            assigned_to=HOSTILE,
            links=[ReportLink(reference="TIP-4M8N2P", kind=LinkKind.RELATED)],
        )
    )
    raw = _raw(activity)
    # As Teams receives it: every markup character escaped, so no link, emphasis or mention.
    assert r"\[Boss\](hxxps://evil\[.\]example) \<at\>Admin\</at\> \*\*urgent\*\* \`code\`" in raw
    assert "](" not in raw.replace(r"\](", "") and "<at>" not in raw.replace(r"\<at\>", "")
    assert "\n\\# heading\n\\- item" in raw
    assert "evil.example" not in raw and "https://" not in raw
    # As the team reads it: the characters as typed, the address defanged.
    shown = _shown(activity)
    assert "[Boss](hxxps://evil[.]example) <at>Admin</at> **urgent** `code`" in shown
    assert "Reported by [Boss](hxxps://evil[.]example)" in shown and "(on teams)" in shown
    assert _facts(activity)["Organisation"] == "<at>Ministry</at>"
    assert "Assigned to [Boss]" in shown and "Linked to TIP-4M8N2P (related)" in shown


def test_control_and_direction_override_characters_are_removed() -> None:
    activity = card_activity(_event(contact=Contact(name_used="Jane\u202eevil\x07")))
    assert _facts(activity)["Name used"] == "Janeevil"


def test_a_huge_report_stays_under_the_size_limit_with_the_shortened_note() -> None:
    huge = "x" * 30_000
    wide = "€" * 30_000  # three bytes in UTF-8, six as a JSON escape
    activity = card_activity(
        _event(
            what_happened=huge,
            asked_for_detail=wide,
            offered_detail="<" * 30_000,  # doubles when escaped
            reporter_role=huge,
            severity_reasons=[huge] * 50,
            closing_message=wide,
            status=Status.CLOSED,
            outcome=Outcome.BENIGN,
            contact=Contact(
                name_used=huge, phones=[f"+44 20 7946 {n:04}" for n in range(200)], organisation=wide
            ),
            evidence=Evidence(
                files=[EvidenceFile(id=f"f{n}", name=f"file{n}.png", text=huge) for n in range(20)]
            ),
        )
    )
    assert card_bytes(activity) < MAX_CARD_BYTES
    assert len(json.dumps(activity, ensure_ascii=False).encode("utf-8")) < MAX_CARD_BYTES
    text = _shown(activity)
    assert SHORTENED in text and "x" * 100 in text
    assert "What happened" in text and "Told the reporter:" in text
    assert _titles(activity) == ["Add note…", "Reopen", "Share as STIX"]  # the actions survive the cut


def test_an_enormous_report_falls_back_to_a_card_that_says_where_to_read_it() -> None:
    emoji = "😀" * 30_000  # twelve bytes each as a JSON escape: even the smallest cut is too much
    many = [f"reason {n} " + "y" * 300 for n in range(2000)]
    activity = card_activity(
        _event(
            what_happened=emoji,
            asked_for_detail=emoji,
            offered_detail=emoji,
            reporter_role=emoji,
            severity_reasons=many,
            contact=Contact(
                name_used=emoji,
                described_as=emoji,
                organisation=emoji,
                phones=[f"+44 {n:08}" for n in range(3000)],
            ),
            evidence=Evidence(kept_where=emoji, files=[EvidenceFile(id="f", name="a", text=emoji)] * 50),
            links=[ReportLink(reference="TIP-4M8N2P", kind=LinkKind.RELATED)] * 500,
            timeline=Timeline(first_contact_as_told=emoji),
            actions=ReporterActions(shared_detail=emoji, accepted_detail=emoji),
            contact_preference=ContactPreference(detail=emoji),
            closing_message=emoji,
            assigned_to=emoji,
        )
    )
    assert card_bytes(activity) < MAX_CARD_BYTES
    text = _shown(activity)
    assert REFERENCE in text and "Status: New" in text and TOO_LARGE in text
    assert "What happened" not in text  # the fields are left to the report
    assert "• reason 0" in text and "more" in text and SHORTENED in text
    assert _titles(activity)[0] == "Acknowledge"


# --- Actions ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (
            Status.NEW,
            ["Acknowledge", "Assign to me", "Ask reporter…", "Add note…", "Close…", "Share as STIX"],
        ),
        (Status.ACKNOWLEDGED, ["Assign to me", "Ask reporter…", "Add note…", "Close…", "Share as STIX"]),
        (Status.IN_PROGRESS, ["Assign to me", "Ask reporter…", "Add note…", "Close…", "Share as STIX"]),
        (Status.CLOSED, ["Add note…", "Reopen", "Share as STIX"]),
    ],
)
def test_the_actions_follow_the_status(status: Status, expected: list[str]) -> None:
    closed = {"outcome": Outcome.BENIGN, "closed_at": CREATED_AT} if status is Status.CLOSED else {}
    activity = card_activity(_event(status=status, **closed))
    assert _titles(activity) == expected


def test_a_closed_card_says_the_outcome_and_what_the_reporter_was_told() -> None:
    activity = card_activity(
        _event(
            status=Status.CLOSED,
            outcome=Outcome.LIKELY_HOSTILE,
            acknowledged_at=CREATED_AT,
            closed_at=CREATED_AT + timedelta(days=2),
            closing_message="Thanks, see [here](https://x.example)",
        )
    )
    text = _shown(activity)
    assert "Status: Closed — Likely hostile" in text
    assert "Acknowledged 14 Mar 2026 09:30 UTC" in text and "Closed 16 Mar 2026 09:30 UTC" in text
    assert "Told the reporter:" in text and "Thanks, see [here](hxxps://x[.]example)" in text
    assert "Not assigned yet" not in text


def test_every_submit_carries_the_action_and_the_reference() -> None:
    activity = card_activity(_event())
    submits: dict[str, dict[str, Any]] = {}
    for action in _actions(activity):
        inner = action["card"]["actions"] if action["type"] == "Action.ShowCard" else [action]
        for submit in inner:
            assert submit["type"] == "Action.Submit"
            submits[submit["title"]] = submit["data"]
    assert submits == {
        "Acknowledge": {"tipline_triage": "ack", "reference": REFERENCE},
        "Assign to me": {"tipline_triage": "assign", "reference": REFERENCE},
        "Send question": {"tipline_triage": "ask", "reference": REFERENCE},
        "Add note": {"tipline_triage": "note", "reference": REFERENCE},
        "Close report": {"tipline_triage": "close", "reference": REFERENCE},
        "Share as STIX": {"tipline_triage": "share_stix", "reference": REFERENCE},
    }
    reopen = next(a for a in _actions(card_activity(_event(status=Status.CLOSED))) if a["title"] == "Reopen")
    assert reopen["data"] == {"tipline_triage": "reopen", "reference": REFERENCE}


def test_the_ask_card_takes_a_required_question_within_the_limit_and_an_optional_signature() -> None:
    ask = _show_card(card_activity(_event()), "Ask reporter…")
    inputs = _inputs(ask)
    assert list(inputs) == ["question", "sign"]
    text, sign = inputs["question"], inputs["sign"]
    assert text["type"] == "Input.Text" and text["isMultiline"] is True and text["isRequired"] is True
    assert text["maxLength"] == MAX_MESSAGE == 2000
    assert text["errorMessage"] and text["placeholder"]
    assert sign == {
        "type": "Input.Toggle",
        "id": "sign",
        "title": "Sign with my name",
        "valueOn": "true",
        "valueOff": "false",
        "value": "false",
    }
    assert "the security team" in _shown_card(ask)


def test_the_note_card_says_it_is_internal() -> None:
    note = _show_card(card_activity(_event()), "Add note…")
    text = _inputs(note)["note"]
    assert text["isMultiline"] is True and text["isRequired"] is True and text["maxLength"] == MAX_NOTE
    assert "never shown to the reporter" in _shown_card(note)


def test_the_close_card_offers_every_outcome_and_an_optional_message() -> None:
    close = _show_card(card_activity(_event()), "Close…")
    inputs = _inputs(close)
    assert list(inputs) == ["outcome", "message"]
    outcome, message = inputs["outcome"], inputs["message"]
    assert outcome["type"] == "Input.ChoiceSet" and outcome["isRequired"] is True
    assert [c["value"] for c in outcome["choices"]] == [o.value for o in Outcome]
    assert [c["title"] for c in outcome["choices"]][:2] == ["Confirmed hostile", "Likely hostile"]
    assert message["type"] == "Input.Text" and not message.get("isRequired")
    assert message["maxLength"] == MAX_MESSAGE
    assert message["placeholder"] == "Leave empty to send the outcome's standard message"


def _shown_card(card: dict[str, Any]) -> str:
    return "\n".join(_texts(card["body"]))


# --- Submits ------------------------------------------------------------------------------------


def _submitted(title: str, status: Status = Status.NEW, **inputs: Any) -> dict[str, Any]:
    """What Teams sends for the action titled `title`: its data merged with the inputs."""
    activity = card_activity(_event(status=status))
    for action in _actions(activity):
        for submit in action["card"]["actions"] if action["type"] == "Action.ShowCard" else [action]:
            if submit["title"] == title:
                return {**submit["data"], **inputs}
    raise AssertionError(title)


def test_each_actions_submit_reads_back() -> None:
    assert triage_submit(_submitted("Acknowledge")) == TriageSubmit("ack", REFERENCE)
    assert triage_submit(_submitted("Assign to me")) == TriageSubmit("assign", REFERENCE)
    assert triage_submit(_submitted("Send question", question=" Who? ", sign="true")) == TriageSubmit(
        "ask", REFERENCE, text="Who?", sign=True
    )
    assert triage_submit(_submitted("Send question", question="Who?", sign="false")).sign is False
    assert triage_submit(_submitted("Add note", note="seen before")) == TriageSubmit(
        "note", REFERENCE, text="seen before"
    )
    assert triage_submit(_submitted("Close report", outcome="benign", message="")) == TriageSubmit(
        "close", REFERENCE, outcome=Outcome.BENIGN
    )
    assert triage_submit(_submitted("Close report", outcome="duplicate", message="Seen it")) == TriageSubmit(
        "close", REFERENCE, outcome=Outcome.DUPLICATE, message="Seen it"
    )
    assert triage_submit(_submitted("Reopen", Status.CLOSED)) == TriageSubmit("reopen", REFERENCE)


def test_a_close_with_an_unknown_outcome_reads_as_no_outcome() -> None:
    submit = triage_submit({"tipline_triage": "close", "reference": REFERENCE, "outcome": "nuke"})
    assert submit == TriageSubmit("close", REFERENCE, outcome=None)


@pytest.mark.parametrize(
    "value",
    [
        None,
        "ack",
        42,
        ["tipline_triage", "ack"],
        {},
        {"action": "ack", "reference": REFERENCE},  # someone else's card
        {"tipline_triage": "delete", "reference": REFERENCE},
        {"tipline_triage": "ack"},
        {"tipline_triage": "ack", "reference": ""},
        {"tipline_triage": "ack", "reference": "TIP-1234"},
        {"tipline_triage": "ack", "reference": ["TIP-7K3Q9D"]},
        {"tipline_triage": ["ack"], "reference": REFERENCE},
    ],
)
def test_junk_is_not_a_submit(value: Any) -> None:
    assert triage_submit(value) is None


def test_odd_input_values_are_read_safely() -> None:
    submit = triage_submit(
        {"tipline_triage": "ask", "reference": REFERENCE, "question": {"x": 1}, "sign": 1, "message": None}
    )
    assert submit == TriageSubmit("ask", REFERENCE, text="", sign=False, message="")


# --- The reply chain ----------------------------------------------------------------------------


def _thread(event: InboxEvent) -> str:
    activity = thread_activity(event)
    assert activity is not None
    card = _card(activity)
    assert "actions" not in card
    assert card_bytes(activity) < MAX_CARD_BYTES
    return _shown(activity)


@pytest.mark.parametrize(
    ("kind", "from_label", "expected"),
    [
        (MessageKind.QUESTION, "Security team", "Question to the reporter · Security team"),
        (MessageKind.QUESTION, "Sam *Lead*", "Question to the reporter · Sam *Lead*"),
        (MessageKind.ANSWER, "Reporter", "Answer from the reporter · Reporter"),
        (MessageKind.REPORTER_UPDATE, "Reporter", "Update from the reporter · Reporter"),
        (MessageKind.NOTE, "Bob Analyst", "Internal note (not shown to the reporter) · Bob Analyst"),
    ],
)
def test_thread_messages_say_what_and_who_and_show_the_escaped_words(
    kind: MessageKind, from_label: str, expected: str
) -> None:
    message = ThreadMessage(id=3, kind=kind, body=HOSTILE + "\nsecond line", from_label=from_label)
    event = _event(EventKind.MESSAGE, parts={"message": message})
    text = _thread(event)
    assert text.startswith(expected)
    assert "[Boss](hxxps://evil[.]example) <at>Admin</at>" in text and "second line" in text
    raw = _raw(thread_activity(event) or {})
    assert r"\[Boss\](hxxps" in raw and r"\<at\>" in raw


def test_a_huge_thread_message_is_shortened_to_fit() -> None:
    message = ThreadMessage(id=3, kind=MessageKind.ANSWER, body="😀" * 30_000, from_label="Reporter")
    text = _thread(_event(EventKind.MESSAGE, parts={"message": message}))
    assert SHORTENED in text


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"action": "acknowledged", "by": "teams:29:abc", "to_status": Status.ACKNOWLEDGED},
            "Acknowledged by 29:abc (teams).",
        ),
        (
            {
                "action": "assigned",
                "by": "cli:alice",
                "to_status": Status.IN_PROGRESS,
                "assigned_to": "Bob <at>x</at>",
            },
            "Assigned to Bob <at>x</at> by alice (cli).",
        ),
        (
            {"action": "closed", "by": "cli:alice", "to_status": Status.CLOSED, "outcome": Outcome.BENIGN},
            "Closed by alice (cli): Benign.",
        ),
        (
            {"action": "reopened", "by": "cli:alice", "to_status": Status.IN_PROGRESS},
            "Reopened by alice (cli).",
        ),
        (
            {
                "action": "linked",
                "by": "cli:alice",
                "to_status": Status.NEW,
                "linked_reference": "TIP-4M8N2P",
                "link_kind": "related",
            },
            "Linked to TIP-4M8N2P (related) by alice (cli).",
        ),
    ],
)
def test_a_status_change_is_one_line(change: dict[str, Any], expected: str) -> None:
    status_change = StatusChange(from_status=Status.NEW, **change)
    text = _thread(_event(EventKind.STATUS, parts={"status_change": status_change}))
    assert expected in text and "\n" not in text


def test_reminders_say_what_is_due_and_when() -> None:
    near = Reminder(deadline=DeadlineKind.ACKNOWLEDGE, stage="near", due_at=CREATED_AT + timedelta(hours=3))
    missed = Reminder(deadline=DeadlineKind.FEEDBACK, stage="missed", due_at=CREATED_AT - timedelta(hours=1))
    assert _thread(_event(EventKind.REMINDER, parts={"reminder": near})) == (
        "⏰ Reminder: acknowledgement due in 3 hours"
    )
    assert _thread(_event(EventKind.REMINDER, parts={"reminder": missed})) == (
        "⚠️ Missed: feedback to the reporter was due 14 Mar 2026 08:30 UTC"
    )


def test_an_update_is_announced_and_a_new_report_has_no_reply() -> None:
    assert "The reporter added detail (revision 2)" in _thread(_event(EventKind.UPDATED, revision=2))
    assert thread_activity(_event()) is None


# --- Notifications and short replies ------------------------------------------------------------


def test_the_notification_text_holds_no_reporter_text_or_identity() -> None:
    events = [
        _event(what_happened=HOSTILE, contact=Contact(name_used=HOSTILE)),
        _event(
            EventKind.MESSAGE,
            parts={
                "message": ThreadMessage(id=1, kind=MessageKind.ANSWER, body=HOSTILE, from_label="Reporter")
            },
        ),
    ]
    assert notification_text(events[0]) == f"[{REFERENCE}] New report (High severity)"
    for event in events:
        for activity in (card_activity(event), thread_activity(event)):
            if activity is None:
                continue
            summary = activity["summary"]
            assert summary == notification_text(event)
            assert "Boss" not in summary and not any(part in summary for part in IDENTITY_PARTS)


def test_refusals_and_results_are_small_escaped_cards() -> None:
    refusal = refusal_activity("Only the security team can use these buttons. <at>x</at>")
    result = result_activity("Acknowledged by [Sam](https://evil.example)")
    for activity in (refusal, result):
        card = _card(activity)
        assert "actions" not in card and card_bytes(activity) < 2000
        assert activity["summary"]
    assert r"\<at\>x\</at\>" in _raw(refusal)
    assert r"\[Sam\](hxxps://evil\[.\]example)" in _raw(result)
