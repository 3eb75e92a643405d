"""Every file Tipline wrote under a folder, searched for text that must not be there."""

from __future__ import annotations

from pathlib import Path


def files_holding(folder: Path, needles: list[str], skip: tuple[str, ...] = ()) -> dict[str, list[str]]:
    """{file: [needles found]} over every file under `folder` (the database, its -wal and -shm,
    evidence copies, the key file...), as bytes, in UTF-8 and in any letter case."""
    found: dict[str, list[str]] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name not in skip):
        data = path.read_bytes().lower()
        hits = [n for n in needles if n.lower().encode() in data]
        if hits:
            found[str(path.relative_to(folder))] = hits
    return found
