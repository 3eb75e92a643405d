"""The suite's data key: a raw key (no key derivation to pay for), the same in every test and in
every app.py the tests start (tests/conftest.py puts it in the environment)."""

from __future__ import annotations

import base64

from storage.protection.keys import KeyRing, data_key
from storage.protection.sealing import Sealer

TEST_KEY_TEXT = base64.b64encode(bytes(range(32))).decode()
TEST_RING = KeyRing((data_key(bytes(range(32))),), "TIPLINE_DATA_KEY")
# Tests that open a database with the fixtures (not through app.py) use this index key.
TEST_SEALER = Sealer(TEST_RING, bytes(range(32, 64)))
