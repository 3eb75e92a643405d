"""Drive the real reporting flow through the pure engine, as a reporter would."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.flow_files import load_flow
from flows.actions import Command, CommandName, PickOptions, TextAnswer, UserAction
from flows.engine import Engine
from flows.outputs import Ask, Offer, ShowSummary, Turn

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
FLOW = load_flow()


class Reporter:
    """A person at the keyboard: keeps the latest state and what was last shown."""

    def __init__(self, engine: Engine | None = None, now: datetime = NOW) -> None:
        self.engine = engine or Engine(FLOW)
        self.now = now
        self.turn: Turn = self.engine.start(now)

    @property
    def state(self):
        return self.turn.state

    def act(self, action: UserAction, after: timedelta = timedelta(seconds=5)) -> Turn:
        self.now += after
        self.turn = self.engine.advance(self.turn.state, action, self.now)
        return self.turn

    def say(self, text: str, **kw) -> Turn:
        return self.act(TextAnswer(text), **kw)

    def command(self, name: CommandName, argument: str | None = None) -> Turn:
        return self.act(Command(name, argument))

    def click(self, *values: str) -> Turn:
        return self.act(PickOptions(self.token, values))

    @property
    def token(self) -> str:
        last = self.last
        assert isinstance(last, (Ask, Offer, ShowSummary)), last
        return last.token

    @property
    def last(self):
        return self.turn.outputs[-1]

    @property
    def step(self) -> str:
        return self.turn.state.step_id

    def outputs_of(self, kind):
        return [o for o in self.turn.outputs if isinstance(o, kind)]


QUICK = [
    "A recruiter on LinkedIn offered paid consultancy work",
    "Anna Smith, linkedin.com/in/anna-smith-123",
]

FULL = [
    *QUICK,
    "1",  # add detail
    "1, 3",  # recruiter, consultancy
    "LinkedIn",
    "https://uk.linkedin.com/in/Anna-Smith-123/?trk=x",
    "Anna Smith",
    "Global Insight Partners",
    "anna@gip-consult.com",
    "+44 20 7946 0000",
    "skip",
    "last week",
    "a few times",
    "yes",
    "2, 7",  # who works on what, move off platform
    "skip",
    "1, 4",  # money, travel
    "£500 per report and a trip to a conference",
    "yes",  # replied
    "no",  # shared
    "no",  # accepted
    "no",  # met
    "1, 2",
    "on my work laptop",
    "skip",
    "yes",
    "1",  # this chat
]
