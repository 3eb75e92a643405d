from tests.cli_fixtures import Run, clock, engine, run, triage, uow_factory

__all__ = ["Run", "clock", "engine", "run", "triage", "uow_factory"]
