from tests.db_fixtures import conversations, engine, uow_factory

__all__ = ["conversations", "engine", "uow_factory"]
