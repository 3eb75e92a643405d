from tests.db_fixtures import engine, uow_factory

__all__ = ["engine", "uow_factory"]
