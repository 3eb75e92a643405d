"""What makes a request to POST /slack/events one we will parse and hand to Bolt.

First Slack's v0 signature over the raw bytes (and the request's age), so nobody without the
signing secret reaches a parser. Then, for a signed body, the shape Bolt takes for granted:
Bolt reads `payload["event"].get(...)`, `"id" in payload["user"]` and the like without looking,
and answers 500 when a field is null or of another type. Slack never sends such a body; a
client that does gets a 400 here instead.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

MAX_REQUEST_AGE = 5 * 60  # seconds: Slack's own rule against replayed requests

# Fields Bolt reads into without checking: an object wherever they appear.
_OBJECTS = frozenset(
    {"event", "view", "message", "previous_message", "item", "assistant_thread", "function_data", "container"}
)
# Fields that are an id or an object with an id.
_ID_OR_OBJECT = frozenset({"team", "user", "channel", "enterprise"})
# Names Bolt matches its listeners by: a string wherever they appear.
_STRINGS = frozenset({"type", "subtype", "callback_id", "action_id", "block_id", "command"})
# Lists of objects.
_LISTS = frozenset({"authorizations", "actions"})
_MAX_DEPTH = 4
# Payload types whose listeners Bolt picks by the first action.
_ACTION_TYPES = frozenset({"block_actions", "interactive_message"})


def signature_problem(secret: str, headers: Mapping[str, str], body: bytes, now: float) -> str | None:
    """Why a request is not from Slack (None if it is)."""
    timestamp = headers.get("X-Slack-Request-Timestamp", "").strip()
    signature = headers.get("X-Slack-Signature", "").strip()
    if not timestamp or not signature:
        return "no signature"
    if not timestamp.isascii() or not timestamp.isdigit() or len(timestamp) > 12:
        return "an unreadable timestamp"
    if abs(now - int(timestamp)) > MAX_REQUEST_AGE:
        return "a stale or future timestamp (late delivery, clock skew or a replay)"
    base = b"v0:" + timestamp.encode() + b":" + body
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace")):
        return "a bad signature (another app's request, a rotated secret, or a forgery)"
    return None


def shape_problem(payload: Any) -> str | None:
    """Why a parsed, signed body is not a Slack payload Bolt can route (None if it is)."""
    if not isinstance(payload, dict):
        return "the body is not an object"
    return _fields_problem(payload, 0) or _actions_problem(payload)


def _actions_problem(payload: Mapping[str, Any]) -> str | None:
    # Bolt routes a click by `payload["actions"][0]["action_id"]`: Slack sends at least one action,
    # each with its id, and a body without one would reach Bolt's matchers as an IndexError.
    if payload.get("type") not in _ACTION_TYPES or "actions" not in payload:
        return None
    actions = payload["actions"]
    if not actions:
        return "'actions' is empty"
    if not all(isinstance(action.get("action_id"), str) for action in actions):
        return "an action has no 'action_id'"
    return None


def _fields_problem(payload: Mapping[str, Any], depth: int) -> str | None:
    if depth > _MAX_DEPTH:
        return None
    for key, value in payload.items():
        if key in _OBJECTS and not isinstance(value, dict):
            return f"'{key}' is not an object"
        if key in _ID_OR_OBJECT and value is not None and not isinstance(value, str | dict):
            return f"'{key}' is neither an id nor an object"
        if key in _STRINGS and value is not None and not isinstance(value, str):
            return f"'{key}' is not a string"
        if key in _LISTS and not (isinstance(value, list) and all(isinstance(v, dict) for v in value)):
            return f"'{key}' is not a list of objects"
        children = value if isinstance(value, list) else [value]
        for child in children:
            if isinstance(child, dict) and key in _OBJECTS | _ID_OR_OBJECT | _LISTS:
                problem = _fields_problem(child, depth + 1)
                if problem is not None:
                    return problem
    return None
