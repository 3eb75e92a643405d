"""Which keys a process starts with, checked against the database before anything is written.

PostgreSQL (shared by replicas, run by operators) needs a key set: there is no default secret.
The embedded SQLite default makes one on its first run, into var/, and says so once.
"""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncEngine

from storage.protection.keys import KeyRing, KeySettings, KeySetupError, configured_ring, write_new_key_file
from storage.protection.vault import has_key_check, verify_key

log = logging.getLogger("tipline.keys")

NO_KEY = (
    "no data key: set TIPLINE_DATA_KEY, TIPLINE_DATA_KEYS or KEY_FILE"
    " (make one with `python app.py keys new`)"
)


async def start_ring(engine: AsyncEngine, settings: KeySettings) -> KeyRing:
    """The ring to run with, verified to open this database's key check (which reads only)."""
    ring = configured_ring(settings)
    if ring is None:
        ring = await _first_run_key(engine, settings)
    await verify_key(engine, ring)
    return ring


async def _first_run_key(engine: AsyncEngine, settings: KeySettings) -> KeyRing:
    if engine.dialect.name != "sqlite":
        raise KeySetupError(f"{NO_KEY}; PostgreSQL has no default key")
    path = settings.generated_key_file
    if path is None:
        raise KeySetupError(NO_KEY)
    if await has_key_check(engine):
        # Encrypted before, under a key that is gone: a new key would read nothing.
        raise KeySetupError(
            f"{NO_KEY}: the database is encrypted, but its key file {path} is missing; "
            "restore it from your backup"
        )
    ring = write_new_key_file(path)
    log.warning(
        "Generated the data key that encrypts reports at rest: %s. Back it up somewhere safe, apart from "
        "the database: without it the reports cannot be read.",
        path,
    )
    return ring
