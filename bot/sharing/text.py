"""Reporter and contact text, made safe to show in a partner's platform.

STIX and MISP platforms render descriptions and names (OpenCTI as Markdown, MISP as HTML), so
text we did not write loses its control and direction-override characters and its web
addresses are defanged (hxxps://evil[.]example), as everywhere else in Tipline. Indicator
values and patterns are the one exception: they stay exact, because matching is their job.
"""

from __future__ import annotations

import re

from bot.analyst_text import clean_text

# Anything a client might turn into a link: a scheme, or a bare www. host.
_URL = re.compile(r"\b(?:[a-z][a-z0-9+.\-]*://|www\.)[^\s<>\"']+", re.IGNORECASE)
_SCHEME = re.compile(r"^(h)tt(ps?)(://)", re.IGNORECASE)


def shown(text: str | None, *, multiline: bool = False) -> str:
    if not text:
        return ""
    return _URL.sub(_defang_url, clean_text(text, keep_newlines=multiline))


def defanged(value: str) -> str:
    """An indicator as text to read (never to match): hxxps://evil[.]example/path, evil[.]example."""
    if _URL.match(value):
        return _URL.sub(_defang_url, value)
    return value.replace(".", "[.]")


def _defang_url(match: re.Match[str]) -> str:
    url = _SCHEME.sub(r"\1xx\2\3", match.group(0))
    scheme, sep, rest = url.partition("://")
    if not sep:
        scheme, rest = "", url
    host, slash, path = rest.partition("/")
    return f"{scheme}{sep}{host.replace('.', '[.]')}{slash}{path}"
