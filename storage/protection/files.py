"""Evidence files under the current key: the file half of `keys rotate`.

Each file is rewritten whole beside itself and then renamed over it, so a kill leaves either
the old file or the new one, never half of either; run again, it rewrites what is left.
"""

from __future__ import annotations

import os
from pathlib import Path

from storage.protection.sealing import Sealer, UnreadableValue


def rotate_files(folder: Path, sealer: Sealer) -> tuple[int, list[str]]:
    """(files re-sealed, files that would not open) under `folder`."""
    if not folder.is_dir():
        return 0, []
    resealed, unreadable = 0, []
    for path in sorted(
        p for p in folder.rglob("*") if p.is_file() and not p.name.endswith((".part", ".rotating"))
    ):
        stored = path.read_bytes()
        if sealer.file_is_current(stored):
            continue
        try:
            plain = sealer.open_file(stored, path.name)  # a file kept before encryption is read as it is
        except UnreadableValue:
            unreadable.append(str(path))
            continue
        fresh = path.with_name(path.name + ".rotating")
        descriptor = os.open(fresh, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            out.write(sealer.seal_file(plain, path.name))
            out.flush()
            os.fsync(out.fileno())
        fresh.replace(path)
        resealed += 1
    return resealed, unreadable
