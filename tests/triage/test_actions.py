"""The one triage vocabulary: what each status offers, and the ids older cards carry."""

from __future__ import annotations

import pytest

from adapters.slack.inbox.cards import triage_action
from bot.report import Status
from bot.triage import TriageAction, actions_for


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (Status.NEW, ["ack", "assign", "ask", "note", "close", "share_stix"]),
        (Status.ACKNOWLEDGED, ["assign", "ask", "note", "close", "share_stix"]),
        (Status.IN_PROGRESS, ["assign", "ask", "note", "close", "share_stix"]),
        (Status.CLOSED, ["note", "reopen", "share_stix"]),
    ],
)
def test_each_status_offers_its_actions(status: Status, expected: list[str]) -> None:
    assert [a.value for a in actions_for(status)] == expected


@pytest.mark.parametrize(
    ("action_id", "expected"),
    [
        ("triage:ack", TriageAction.ACKNOWLEDGE),
        ("triage:assign", TriageAction.ASSIGN_TO_ME),
        ("triage:assign_me", TriageAction.ASSIGN_TO_ME),  # Slack cards posted before the enum
        ("triage:reopen", TriageAction.REOPEN),
        ("triage:delete", None),
        ("ack", None),  # a Teams value is not a Slack action id
        ("triage:", None),
    ],
)
def test_slack_action_ids_old_and_new_read_as_triage_actions(
    action_id: str, expected: TriageAction | None
) -> None:
    assert triage_action(action_id) is expected


@pytest.mark.parametrize("value", [None, 1, ["ack"], "", "ACK", "delete"])
def test_anything_else_is_no_action(value: object) -> None:
    assert TriageAction.parse(value) is None
