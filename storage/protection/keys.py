"""The data keys: where they come from (TIPLINE_DATA_KEY, TIPLINE_DATA_KEYS, KEY_FILE, or the key
generated on the embedded default's first run), and the ring that names each one by its id.

A key is 32 random bytes, written as base64. Its id is derived from the key itself (an HMAC of a
fixed label), so a ciphertext names the key that sealed it and a wrong key is told apart from a
damaged row without ever writing the key down anywhere but where the operator keeps it.

Several keys at once (a new one being introduced): the newest is the last one, in
TIPLINE_DATA_KEYS (comma-separated) or on the last line of the key file. New data is sealed under
the newest; the older ones are only read, until `app.py keys rotate` has moved everything over.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

KEY_BYTES = 32  # AES-256
_ID_LABEL = b"tipline data key id v1"


class KeySetupError(ValueError):
    """One line: what is wrong with the key settings and how to fix it (never the key itself)."""


@dataclass(frozen=True)
class DataKey:
    id: str
    secret: bytes = b""

    def __repr__(self) -> str:  # a key never appears in a log line or a traceback
        return f"DataKey(id={self.id!r})"


def key_id(secret: bytes) -> str:
    return hmac.new(secret, _ID_LABEL, hashlib.sha256).hexdigest()[:12]


def data_key(secret: bytes) -> DataKey:
    return DataKey(key_id(secret), secret)


@dataclass(frozen=True)
class KeyRing:
    """The keys this process may read with; `current` is the one it writes with."""

    keys: tuple[DataKey, ...]
    source: str  # where they came from, for messages: "TIPLINE_DATA_KEY", "KEY_FILE /path"...

    @property
    def current(self) -> DataKey:
        return self.keys[-1]

    def get(self, key_id_: str) -> DataKey | None:
        return next((k for k in self.keys if k.id == key_id_), None)

    @property
    def ids(self) -> list[str]:
        return [k.id for k in self.keys]


def new_key_text() -> str:
    return base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()


def parse_key(text: str, where: str) -> DataKey:
    try:
        secret = base64.b64decode(text.strip().replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        raise KeySetupError(f"{where}: not a base64 key; make one with `python app.py keys new`") from None
    if len(secret) != KEY_BYTES:
        raise KeySetupError(
            f"{where}: the key is {len(secret)} bytes, not {KEY_BYTES}; make one: python app.py keys new"
        )
    return data_key(secret)


def _ring(texts: Sequence[tuple[str, str]], source: str) -> KeyRing:
    keys: list[DataKey] = []
    for text, where in texts:
        key = parse_key(text, where)
        if key.id not in [k.id for k in keys]:
            keys.append(key)
        else:  # the same key twice: keep its newest place (it may be being made current again)
            keys = [k for k in keys if k.id != key.id] + [key]
    if not keys:
        raise KeySetupError(f"{source}: holds no key; make one with `python app.py keys new`")
    return KeyRing(tuple(keys), source)


def read_key_file(path: Path, setting: str = "KEY_FILE") -> KeyRing:
    """The keys of a key file: one base64 key a line, the newest last; # starts a comment.
    Refused unless only its owner can read it (mode 0600 or stricter)."""
    where = f"{setting} {path}"
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise KeySetupError(f"{where}: no such file") from None
    if not stat.S_ISREG(mode):
        raise KeySetupError(f"{where}: not a file")
    if mode & 0o077:
        raise KeySetupError(
            f"{where}: readable by others (mode {stat.S_IMODE(mode):04o}); run chmod 600 on it"
        )
    lines = path.read_text(encoding="utf-8").splitlines()
    texts = [
        (line.split("#", 1)[0].strip(), f"{where} line {number}")
        for number, line in enumerate(lines, 1)
        if line.split("#", 1)[0].strip()
    ]
    return _ring(texts, where)


def write_new_key_file(path: Path) -> KeyRing:
    """A new key in a new file (0600, its folder 0700); never replaces a file that exists."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write("# Tipline's data key. Back it up somewhere safe: without it the reports can't be read.\n")
        out.write(new_key_text() + "\n")
        out.flush()
        os.fsync(out.fileno())
    return read_key_file(path, "the generated key file")


@dataclass(frozen=True)
class KeySettings:
    """What the settings say about keys (bot.settings reads them from the environment)."""

    data_key: str | None = None  # TIPLINE_DATA_KEY
    data_keys: str | None = None  # TIPLINE_DATA_KEYS
    key_file: Path | None = None  # KEY_FILE
    generated_key_file: Path | None = None  # where the embedded default keeps a generated key


def configured_ring(settings: KeySettings) -> KeyRing | None:
    """The keys the settings name; None when none is set."""
    given = [
        name
        for name, value in (
            ("TIPLINE_DATA_KEY", settings.data_key),
            ("TIPLINE_DATA_KEYS", settings.data_keys),
            ("KEY_FILE", settings.key_file),
        )
        if value
    ]
    if len(given) > 1:
        raise KeySetupError(f"{' and '.join(given)} are both set; set only one of them")
    if settings.data_key:
        return _ring([(settings.data_key, "TIPLINE_DATA_KEY")], "TIPLINE_DATA_KEY")
    if settings.data_keys:
        texts = [
            (text, f"TIPLINE_DATA_KEYS key {number}")
            for number, text in enumerate(settings.data_keys.replace(",", " ").split(), 1)
        ]
        return _ring(texts, "TIPLINE_DATA_KEYS")
    if settings.key_file:
        return read_key_file(settings.key_file)
    if settings.generated_key_file and settings.generated_key_file.exists():
        return read_key_file(settings.generated_key_file, "the generated key file")
    return None
