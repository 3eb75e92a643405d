"""Stable identifiers: exporting the same report twice gives the same ids.

STIX Cyber-observables already get UUIDv5 ids from their values (the stix2 library does it);
everything else here is a UUIDv5 of what the object is about (the subject's key and, for an
indicator, its normalised pattern), so a partner who imports a later export sees a new version
of the same objects, not a second copy.
"""

from __future__ import annotations

import uuid

# Tipline's own namespace: never change it, or every id ever shared changes with it.
NAMESPACE = uuid.UUID("5b1e0f0c-8a7d-4f3e-9c2b-6d4a1e7f9b30")


def stable_uuid(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "\x1f".join(parts)))


def stix_id(object_type: str, *parts: str) -> str:
    return f"{object_type}--{stable_uuid(object_type, *parts)}"
