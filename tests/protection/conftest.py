from tests.db_fixtures import conversations, engine, uow_factory
from tests.slack.conftest import slack_api

__all__ = ["conversations", "engine", "slack_api", "uow_factory"]
