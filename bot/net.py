"""Network facts shared by settings checks and destinations."""

from __future__ import annotations

import ipaddress


def is_loopback_host(host: str | None) -> bool:
    """This machine (localhost, 127.0.0.0/8, ::1): the only place plain http or SMTP may carry a secret."""
    if not host:
        return False
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
