"""Private copies of evidence files: streamed to a folder readable by this service's user only,
size-capped, written whole or not at all, under names made safe (never a path from outside)."""

from __future__ import annotations

import asyncio
import logging
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Protocol

import aiohttp

log = logging.getLogger(__name__)

MAX_DOWNLOAD = 50 * 1024 * 1024
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


class EvidenceSealer(Protocol):
    """Encryption at rest for evidence files (storage.protection.Sealer)."""

    def seal_file(self, plain: bytes, name: str) -> bytes: ...

    def open_file(self, sealed: bytes, name: str) -> bytes: ...


def safe_name(text: str, fallback: str = "file", limit: int = 100) -> str:
    """A file-name part from outside text: no separators, no leading dot, bounded."""
    return _UNSAFE_NAME.sub("_", text)[-limit:].lstrip(".") or fallback


async def download_private(
    url: str,
    target: Path,
    sealer: EvidenceSealer,
    headers: Mapping[str, str] | None = None,
    max_bytes: int = MAX_DOWNLOAD,
) -> str | None:
    """Stream `url` to `target` (mode 0600, its folder 0700), sealed under the data key; None
    when refused or too big. Redirects are not followed: a credential is never carried to a
    place we didn't choose. The plaintext lives only in memory (at most `max_bytes`)."""
    await asyncio.to_thread(target.parent.mkdir, parents=True, exist_ok=True, mode=0o700)
    partial = target.with_name(target.name + ".part")
    plain = await _fetch(url, headers, max_bytes)
    if plain is None:
        return None
    try:
        await asyncio.to_thread(_write_sealed, partial, sealer.seal_file(plain, target.name))
    except BaseException:
        await asyncio.to_thread(partial.unlink, missing_ok=True)  # never half a file left behind
        raise
    await asyncio.to_thread(partial.replace, target)
    return str(target)


def _write_sealed(path: Path, sealed: bytes) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(sealed)


async def _fetch(url: str, headers: Mapping[str, str] | None, max_bytes: int) -> bytes | None:
    timeout = aiohttp.ClientTimeout(total=120)
    async with (
        aiohttp.ClientSession(timeout=timeout) as session,
        session.get(url, headers=dict(headers or {}), allow_redirects=False) as response,
    ):
        if response.status != 200:
            log.warning("evidence download refused (HTTP %d)", response.status)
            return None
        chunks, size = [], 0
        async for chunk in response.content.iter_chunked(64 * 1024):
            size += len(chunk)
            if size > max_bytes:
                return None
            chunks.append(chunk)
    return b"".join(chunks)


async def remove_files(paths: Sequence[str]) -> int:
    """Delete evidence copies (a purged report's); how many were removed. One already gone
    counts as removed; one that cannot be removed is logged (never its name) and left."""
    return await asyncio.to_thread(_remove, list(paths))


def _remove(paths: list[str]) -> int:
    removed = 0
    for path in paths:
        try:
            Path(path).unlink(missing_ok=True)
            Path(path + ".part").unlink(missing_ok=True)
            removed += 1
        except OSError as exc:
            log.error("evidence file could not be deleted (%s)", type(exc).__name__)
    return removed
