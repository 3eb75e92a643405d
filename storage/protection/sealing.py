"""Sealing values for the database: AES-256-GCM under the ring's current key, each ciphertext
bound by its associated data to one column of one row, and a keyed HMAC (the blind index) for
the indicators that must still be matched exactly.

A sealed value is text, `tl1.<key id>.<base64 of nonce + ciphertext + tag>`; anything else in a
sealed column is legacy plaintext (JSON, or a message body) written before encryption, read as
it is until `keys rotate` seals it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
from collections.abc import Callable
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from storage.protection.fields import TEXT_FIELDS
from storage.protection.keys import DataKey, KeyRing

MARKER = "tl1."
INDEX_MARKER = "bi1."
FILE_MARKER = b"TLF1"  # an evidence file: marker, key id (12 characters), nonce, ciphertext + tag
_NONCE = 12


class UnreadableValue(ValueError):
    """A sealed value this process can't open: a key it doesn't hold, or a value changed or moved."""


class Sealer:
    def __init__(self, ring: KeyRing, index_key: bytes) -> None:
        self.ring = ring
        self._aead = {key.id: AESGCM(key.secret) for key in ring.keys}
        self._index_key = index_key

    @property
    def current_prefix(self) -> str:
        return f"{MARKER}{self.ring.current.id}."

    # ---- bytes --------------------------------------------------------------------------
    def seal(self, plain: bytes, field: str, row: str, key: DataKey | None = None) -> str:
        key = key or self.ring.current
        nonce = os.urandom(_NONCE)
        header = f"{MARKER}{key.id}."
        sealed = self._aead[key.id].encrypt(nonce, plain, _bound(header, field, row))
        return header + base64.b64encode(nonce + sealed).decode("ascii")

    def open(self, stored: str, field: str, row: str) -> bytes:
        key_id_, sep, body = stored[len(MARKER) :].partition(".")
        aead = self._aead.get(key_id_)
        if not sep or aead is None:
            given = ", ".join(self.ring.ids)
            raise UnreadableValue(
                f"{field}: sealed with key {key_id_ or '?'}, not among the keys given ({given})"
            )
        try:
            raw = binascii.a2b_base64(body)  # the tag authenticates every byte that comes out
            return aead.decrypt(raw[:_NONCE], raw[_NONCE:], _bound(f"{MARKER}{key_id_}.", field, row))
        except (InvalidTag, ValueError, binascii.Error):
            raise UnreadableValue(
                f"{field}: a sealed value does not open (changed, or moved from another row)"
            ) from None

    # ---- what the columns hold ----------------------------------------------------------
    def seal_json(self, value: Any, field: str, row: str) -> str:
        # The default encoder (ASCII, cached by the json module): the fastest, on every turn.
        plain = json.dumps(value).encode("ascii")
        return self.seal(plain, field, row)

    def open_json(self, stored: Any, field: str, row: str) -> Any:
        if isinstance(stored, str) and stored.startswith(MARKER):
            return json.loads(self.open(stored, field, row))
        if isinstance(stored, str):  # legacy plaintext JSON, written before encryption
            return json.loads(stored)
        return stored  # legacy JSONB already parsed by the driver

    def seal_text(self, value: str, field: str, row: str) -> str:
        return self.seal(value.encode("utf-8"), field, row)

    def open_text(self, stored: str, field: str, row: str) -> str:
        if stored.startswith(MARKER):
            return self.open(stored, field, row).decode("utf-8")
        return stored  # legacy plaintext

    def reseal(self, stored: Any, field: str, row: str) -> str:
        """`stored` (sealed under any key of the ring, or legacy plaintext) sealed under the current key."""
        if isinstance(stored, str) and stored.startswith(MARKER):
            return self.seal(self.open(stored, field, row), field, row)
        if isinstance(stored, str) and field in TEXT_FIELDS:
            return self.seal_text(stored, field, row)
        return self.seal_json(stored if not isinstance(stored, str) else json.loads(stored), field, row)

    # ---- evidence files -----------------------------------------------------------------
    def seal_file(self, plain: bytes, name: str) -> bytes:
        """A whole file sealed, bound to its file name (a file renamed or swapped fails to open)."""
        key = self.ring.current
        nonce = os.urandom(_NONCE)
        header = FILE_MARKER + key.id.encode("ascii")
        return header + nonce + self._aead[key.id].encrypt(nonce, plain, header + b"|" + name.encode())

    def open_file(self, sealed: bytes, name: str) -> bytes:
        if not sealed.startswith(FILE_MARKER):
            return sealed  # kept before encryption
        header, rest = sealed[: len(FILE_MARKER) + 12], sealed[len(FILE_MARKER) + 12 :]
        key_id_ = header[len(FILE_MARKER) :].decode("ascii", "replace")
        aead = self._aead.get(key_id_)
        if aead is None:
            raise UnreadableValue(f"{name}: sealed with key {key_id_}, not one of the keys given")
        try:
            return aead.decrypt(rest[:_NONCE], rest[_NONCE:], header + b"|" + name.encode())
        except InvalidTag:
            raise UnreadableValue(f"{name}: the file does not open (changed, or renamed)") from None

    def file_is_current(self, sealed_head: bytes) -> bool:
        return sealed_head.startswith(FILE_MARKER + self.ring.current.id.encode("ascii"))

    # ---- the blind index ----------------------------------------------------------------
    def index_key(self, kind: str, normalised: str) -> str:
        """A keyed hash of an indicator: equal for equal (kind, normalised value), and without the
        key says nothing about the value. The index key is its own key (see storage.protection.vault),
        so it stays the same when the data keys rotate."""
        digest = hmac.new(self._index_key, f"{kind}\x00{normalised}".encode(), hashlib.sha256).hexdigest()
        return INDEX_MARKER + digest


def json_text(sealed: Any, encode: Callable[[Any], Any]) -> Any:
    """A sealed value as the JSON column's text, without a JSON encoder: its characters (marker,
    hex key id, base64) never need escaping. The hot path's shortcut (storage.conversation_store);
    anything else goes through the column's own encoder."""
    if isinstance(sealed, str) and sealed.startswith(MARKER):
        return f'"{sealed}"'
    return encode(sealed)


def from_json_text(raw: Any, decode: Callable[[Any], Any]) -> Any:
    """The stored value from a JSON column's text: a sealed value directly, anything else
    (legacy plaintext) through the column's own decoder."""
    if isinstance(raw, str) and raw.startswith('"' + MARKER):
        return raw[1:-1]
    return decode(raw)


def _bound(header: str, field: str, row: str) -> bytes:
    # The key id, the column and the row's own key: a ciphertext copied to another row or
    # column, or relabelled with another key id, fails to open.
    return f"{header}|{field}|{row}".encode()
