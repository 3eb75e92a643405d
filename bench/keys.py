"""The benches' sealers: a fresh random key per run (encryption on, as in production), and the
same storage with sealing turned off, to show what encryption adds to a turn."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, cast

from storage.protection.keys import KeyRing, data_key, read_key_file, write_new_key_file
from storage.protection.sealing import Sealer

BENCH_SEALER = Sealer(KeyRing((data_key(os.urandom(32)),), "bench"), os.urandom(32))


class PlainSealer(Sealer):
    """Encryption off: values stored as plaintext (read back as legacy rows are). Benches only."""

    def seal_json(self, value: Any, field: str, row: str) -> str:
        # The plain JSON value itself, as the columns held it before encryption.
        return cast(str, value)

    def seal_text(self, value: str, field: str, row: str) -> str:
        return value


PLAIN_SEALER = PlainSealer(KeyRing((data_key(os.urandom(32)),), "bench"), os.urandom(32))


BENCH_KEY_FILE = Path(__file__).resolve().parents[1] / "var" / "bench-data.key"


def bench_data_key() -> str:
    """The data key the benches' app.py processes run with: BENCH_DATA_KEY, else the benches' own
    key file (made on first use, 0600), so a database a bench keeps between runs stays readable."""
    given = os.environ.get("BENCH_DATA_KEY", "").strip()
    if given:
        return given
    if not BENCH_KEY_FILE.exists():
        write_new_key_file(BENCH_KEY_FILE)
    read_key_file(BENCH_KEY_FILE, "the benches' key file")  # refused unless 0600
    lines = [line.strip() for line in BENCH_KEY_FILE.read_text().splitlines()]
    return [line for line in lines if line and not line.startswith("#")][-1]
