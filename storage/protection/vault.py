"""The database's own protection rows (table data_protection): a key check and the index key.

The key check is a known text sealed under the data key: opening it at start-up proves the key
given is the key the database was encrypted with, before anything is read or written. The
index key (the blind index's HMAC key) is random, made once, and kept sealed under the data
key, envelope-style: rotating the data key re-seals it, and the index it keys stays valid.
"""

from __future__ import annotations

import base64
import secrets

from sqlalchemy import and_, insert, inspect, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage.models import DataProtectionRow
from storage.protection.keys import KeyRing, KeySetupError
from storage.protection.sealing import Sealer, UnreadableValue

TABLE = "data_protection"
CHECK = "check"
INDEX_KEY = "index_key"
CHECK_TEXT = b"tipline key check v1"
FIELD = f"{TABLE}.value"


async def has_key_check(engine: AsyncEngine) -> bool:
    """Whether this database was ever opened with a data key (it holds a key check)."""
    async with engine.connect() as conn:
        return await _read(conn, CHECK) is not None


async def verify_key(engine: AsyncEngine, ring: KeyRing) -> None:
    """Refuses (one line) a ring that doesn't open the database's key check. Reads only."""
    async with engine.connect() as conn:
        stored = await _read(conn, CHECK)
    if stored is not None:
        _check(stored, ring)


async def open_vault(engine: AsyncEngine, ring: KeyRing) -> Sealer:
    """The sealer for this database: the key checked, the index key made on first use."""
    async with engine.begin() as conn:
        check = await _read(conn, CHECK)
        if check is None:
            probe = Sealer(ring, b"")
            if await _insert(conn, CHECK, probe.seal(CHECK_TEXT, FIELD, CHECK)):
                new_index_key = base64.b64encode(secrets.token_bytes(32)).decode()
                await _insert(conn, INDEX_KEY, probe.seal(new_index_key.encode(), FIELD, INDEX_KEY))
            check = await _read(conn, CHECK)
        assert check is not None
        _check(check, ring)
        sealed_index_key = await _read(conn, INDEX_KEY)
    if sealed_index_key is None:
        raise KeySetupError(f"{TABLE}: the index key is missing; restore the database from its backup")
    try:
        index_key = base64.b64decode(Sealer(ring, b"").open(sealed_index_key, FIELD, INDEX_KEY))
    except UnreadableValue as error:
        raise KeySetupError(f"{TABLE}: the index key does not open ({error}); nothing was changed") from None
    return Sealer(ring, index_key)


async def reseal_vault(engine: AsyncEngine, sealer: Sealer) -> None:
    """The key check and the index key sealed under the current key (part of `keys rotate`)."""
    async with engine.begin() as conn:
        for name in (CHECK, INDEX_KEY):
            stored = await _read(conn, name)
            if stored is not None and not stored.startswith(sealer.current_prefix):
                fresh = sealer.seal(sealer.open(stored, FIELD, name), FIELD, name)
                await conn.execute(
                    update(DataProtectionRow)
                    .where(and_(DataProtectionRow.name == name, DataProtectionRow.value == stored))
                    .values(value=fresh)
                )


def _check(stored: str, ring: KeyRing) -> None:
    try:
        opened = Sealer(ring, b"").open(stored, FIELD, CHECK)
    except UnreadableValue:
        sealed_with = stored.split(".")[1] if stored.count(".") >= 2 else "?"
        if ring.get(sealed_with) is None:
            raise KeySetupError(
                f"{ring.source}: the wrong key: this database was encrypted with key {sealed_with}, "
                f"and the key given is {', '.join(ring.ids)}; nothing was changed"
            ) from None
        raise KeySetupError(
            f"{TABLE}: the key check does not open with key {sealed_with}; nothing was changed"
        ) from None
    if opened != CHECK_TEXT:
        raise KeySetupError(f"{TABLE}: the key check holds something unexpected; nothing was changed")


async def _read(conn: AsyncConnection, name: str) -> str | None:
    exists = await conn.run_sync(lambda sync: inspect(sync).has_table(TABLE))
    if not exists:
        return None
    value = await conn.scalar(select(DataProtectionRow.value).where(DataProtectionRow.name == name))
    return None if value is None else str(value)


async def _insert(conn: AsyncConnection, name: str, value: str) -> bool:
    # Two replicas starting together: the first one's rows win, the second reads them back.
    try:
        async with conn.begin_nested():
            await conn.execute(insert(DataProtectionRow).values(name=name, value=value))
    except IntegrityError:
        return False
    return True
