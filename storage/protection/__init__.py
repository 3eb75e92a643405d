"""Encryption at rest: what staff and the security team typed is sealed (AES-256-GCM) at the
storage boundary, and indicators that must be matched are kept as keyed hashes.
See docs/data-protection.md."""

from storage.protection.keys import KeyRing, KeySettings, KeySetupError
from storage.protection.sealing import Sealer, UnreadableValue
from storage.protection.startup import start_ring
from storage.protection.vault import open_vault

__all__ = ["KeyRing", "KeySettings", "KeySetupError", "Sealer", "UnreadableValue", "open_vault", "start_ring"]
