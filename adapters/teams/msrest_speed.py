"""A speed fix for msrest, which botbuilder's Connector client is built on.

msrest makes a retry policy for every ConnectorClient, and botbuilder makes a ConnectorClient
for every turn and every proactive message. Building the policy tests each of 999 status codes
for membership in a 500-item *list* (`ClientRetryPolicy.safe_codes`): about 4 ms of the event
loop each time, most of a Teams turn's own CPU under load (bench/teams_turns). The list is only
ever used for membership, so the same members as a frozenset give the same retry codes at once.
msrest and botbuilder-python are archived upstream, so the fix lives here; it is a no-op if a
later msrest changes the attribute's shape.
"""

from __future__ import annotations

from msrest.universal_http.requests import ClientRetryPolicy


def apply() -> None:
    codes = ClientRetryPolicy.safe_codes
    if isinstance(codes, list) and all(isinstance(code, int) for code in codes):
        ClientRetryPolicy.safe_codes = frozenset(codes)  # type: ignore[assignment]


apply()
