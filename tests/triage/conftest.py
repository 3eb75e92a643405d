import pytest

from bot.triage import TriageService
from tests.db_fixtures import engine, uow_factory
from tests.factories import Clock
from tests.triage.support import Counter, make_triage

__all__ = ["engine", "uow_factory"]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def queued() -> Counter:
    return Counter()


@pytest.fixture
def triage(uow_factory, clock, queued) -> TriageService:
    return make_triage(uow_factory, clock, queued)
