"""The msrest speed fix keeps the retry policy exactly as msrest means it."""

from __future__ import annotations

from msrest.universal_http.requests import ClientRetryPolicy

from adapters.teams import msrest_speed


def test_the_connector_retries_on_the_same_status_codes_as_before():
    msrest_speed.apply()
    msrest_speed.apply()  # applying twice changes nothing
    expected = [408, 500, 502, 503, 504, *range(506, 999)]
    assert ClientRetryPolicy().policy.status_forcelist == expected
