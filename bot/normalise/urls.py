"""Web addresses: one form per LinkedIn profile, one per website.

A security team matches reports (and the watchlist) by profile address, so every spelling
of the same LinkedIn profile has to collapse into one form: regional and mobile hosts,
http or https, capitals, tracking queries (?trk=, ?originalSubdomain=), fragments and
whatever page of the profile was open (/details/experience/, /overlay/contact-info/).
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit, urlunsplit

# www., m., touch., a country (uk., cn., de.) or a language-country pair (en-gb.), any mix;
# linkedin.cn is the mainland China site.
_LINKEDIN_HOST = re.compile(r"^(?:[a-z0-9-]+\.)*linkedin\.(?:com|cn)$")
# Paths that name one person or organisation; anything after the slug (overlay/, detail/...) is noise.
_LINKEDIN_ENTITY = re.compile(r"^/(in|company|school|pub|showcase)/([^/]+)", re.IGNORECASE)
# What people paste around an address: Slack's <...>, quotes, brackets, a full stop after it.
# Only a matching pair is taken off, so an address that merely ends in ">" keeps it.
_PAIRS = {"<": ">", "(": ")", "[": "]", "{": "}", '"': '"', "'": "'", "“": "”", "‘": "’", "`": "`"}
_TRAILING = ".,;:!?"


def _unwrapped(url: str) -> str:
    url = url.strip()
    while len(url) >= 2 and url[0] in _PAIRS:
        inner = url.rstrip(_TRAILING)
        if len(inner) < 2 or inner[-1] != _PAIRS[url[0]]:
            break
        url = inner[1:-1].strip()
    return url


def _with_scheme(url: str) -> str:
    url = _unwrapped(url)
    if url.lower().startswith("//"):
        url = "https:" + url
    if "://" not in url:
        url = "https://" + url
    return url


def normalise_profile_url(url: str) -> str:
    """One canonical form per profile.

    LinkedIn: https://www.linkedin.com/in/<slug>, whatever the scheme, country or mobile
    subdomain, trailing path, query string, fragment or case; a percent-encoded slug (names
    in Chinese or with accents) is decoded first so both spellings meet. Other sites: https,
    lower-case host, no fragment; the path and query are kept because some sites put the id there.
    """
    parts = urlsplit(_with_scheme(url))
    host = (parts.hostname or "").lower()
    if is_linkedin_host(host):
        match = _LINKEDIN_ENTITY.match(parts.path)
        if match:
            # A slug never ends in punctuation: that is the sentence the address was pasted in.
            kind, slug = (
                match.group(1).lower(),
                unquote(match.group(2)).strip().rstrip(_TRAILING + ")").lower(),
            )
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


def website_host(url: str) -> str:
    """The site's host, lower case, without "www."."""
    host = (urlsplit(normalise_website(url)).hostname or "").lower()
    return host.removeprefix("www.")


def is_linkedin_host(host: str) -> bool:
    return bool(_LINKEDIN_HOST.match(host.lower()))


def is_profile_like(url: str) -> bool:
    """A URL on a social or recruitment site, as opposed to a company website."""
    host = (urlsplit(_with_scheme(url)).hostname or "").lower()
    return is_linkedin_host(host) or any(
        host == d or host.endswith("." + d)
        for d in ("facebook.com", "x.com", "twitter.com", "instagram.com", "xing.com", "t.me", "wa.me")
    )
