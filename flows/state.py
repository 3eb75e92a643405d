"""A conversation's state: plain data, saved after every turn."""

from __future__ import annotations

from datetime import datetime
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
    times_sent: int = 0
    started_at: datetime
    updated_at: datetime

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ConversationState:
        return cls.model_validate(data)
