"""The benches' sealers: a fresh random key per run (encryption on, as in production), and the
same storage with sealing turned off, to show what encryption adds to a turn."""

from __future__ import annotations

import os
from typing import Any, cast

from storage.protection.keys import KeyRing, data_key
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
