"""Indicators: the parts of a report that link it to other reports.

A security team matches reports by profile address, so every spelling of the same
LinkedIn profile has to collapse into one form.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

_LINKEDIN_HOST = re.compile(r"^(?:[a-z]{2,3}\.|www\.|m\.)?linkedin\.com$")
# Paths that name one person or organisation; anything after the slug (overlay/, detail/...) is noise.
_LINKEDIN_ENTITY = re.compile(r"^/(in|company|school|pub)/([^/]+)", re.IGNORECASE)


def _with_scheme(url: str) -> str:
    url = url.strip()
    if "://" not in url:
        url = "https://" + url
    return url


def normalise_profile_url(url: str) -> str:
    """One canonical form per profile.

    LinkedIn: https://www.linkedin.com/in/<slug>, whatever the scheme, country or mobile
    subdomain, trailing slash, query string, fragment or case. Other sites: https, lower-case
    host, no fragment; the path and query are kept because some sites put the id there.
    """
    parts = urlsplit(_with_scheme(url))
    host = (parts.hostname or "").lower()
    if _LINKEDIN_HOST.match(host):
        match = _LINKEDIN_ENTITY.match(parts.path)
        if match:
            kind, slug = match.group(1).lower(), match.group(2).lower()
            return f"https://www.linkedin.com/{kind}/{slug}"
        path = parts.path.rstrip("/")
        return urlunsplit(("https", "www.linkedin.com", path, "", ""))
    return normalise_website(url)


def normalise_website(url: str) -> str:
    parts = urlsplit(_with_scheme(url))
    host = (parts.hostname or "").lower()
    netloc = host if parts.port is None else f"{host}:{parts.port}"
    path = parts.path.rstrip("/")
    scheme = parts.scheme.lower() if parts.scheme.lower() in ("http", "https") else "https"
    return urlunsplit((scheme, netloc, path, parts.query, ""))


def is_profile_like(url: str) -> bool:
    """A URL on a social or recruitment site, as opposed to a company website."""
    host = (urlsplit(_with_scheme(url)).hostname or "").lower()
    return bool(_LINKEDIN_HOST.match(host)) or any(
        host == d or host.endswith("." + d)
        for d in ("facebook.com", "x.com", "twitter.com", "instagram.com", "xing.com", "t.me", "wa.me")
    )
