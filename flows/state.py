"""A conversation's state: plain data, saved after every turn."""

from __future__ import annotations

import copy
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field


class Phase(StrEnum):
    ASKING = "asking"
    CONFIRM_CANCEL = "confirm_cancel"
    CONFIRM_RESTART = "confirm_restart"
    CANCELLED = "cancelled"  # draft kept for a while; the reporter may resume
    SENT = "sent"  # report sent; the finish step may offer more
    FINISHED = "finished"


class ConversationState(BaseModel):
    flow_id: str
    flow_version: int
    step_id: str
    visit: int = 0  # bumped every time a question is newly put, so old buttons can be told apart
    phase: Phase = Phase.ASKING
    answers: dict[str, Any] = Field(default_factory=dict)
    kept: dict[str, str] = Field(default_factory=dict)  # rejected input, so nothing typed is lost
    guidance_shown: list[str] = Field(default_factory=list)
    # Answers noted from the reporter's own words, waiting for them to confirm: not answers yet.
    noted: dict[str, Any] = Field(default_factory=dict)
    noted_from: dict[str, str] = Field(default_factory=dict)  # step id -> the answer it was noted from
    understood: dict[str, str] = Field(
        default_factory=dict
    )  # confirmed answers that were noted, and from where
    partial: dict[str, list[str]] = Field(default_factory=dict)  # options taken while the rest is asked about
    times_sent: int = 0
    started_at: datetime
    updated_at: datetime

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def copied(self) -> ConversationState:
        """A copy the engine may change without touching this one. What a state holds is
        JSON-shaped, so copying dicts and lists is enough; it is several times cheaper than
        model_copy(deep=True), which was half the engine's time per turn."""
        return self.model_copy(
            update={
                "answers": _copied(self.answers),
                "kept": dict(self.kept),
                "guidance_shown": list(self.guidance_shown),
            }
        )

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ConversationState:
        return cls.model_validate(data)


_IMMUTABLE = (str, int, float, bool, type(None), datetime, date)


def _copied(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copied(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copied(v) for v in value]
    if isinstance(value, _IMMUTABLE):
        return value
    return copy.deepcopy(value)  # anything else (never stored today): the safe way
