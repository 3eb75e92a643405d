"""EVIDENCE_DOWNLOAD=on: a private copy of each file a reporter shares in their Teams chat.

Teams records a shared file by its place in the reporter's OneDrive, which the security team
can't open, plus a short-lived pre-authorised download address. With downloads on, the file is
fetched at once into EVIDENCE_DIR (readable by this service's user only) and the report names
the copy. No credential is sent. Only SharePoint/OneDrive hosts over https are fetched from, or
the activity's own service URL (which the request's token vouches for).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from adapters.evidence_files import EvidenceSealer, download_private, safe_name
from adapters.teams.inbound import FILE_SHARE, file_evidence_id
from bot.report import EvidenceFile

log = logging.getLogger(__name__)

FILE_HOSTS = (".sharepoint.com", ".sharepoint.us", ".sharepoint-mil.us", ".sharepoint.de", ".sharepoint.cn")


def trusted_file_url(url: str, service_url: str) -> bool:
    """A file address Tipline may send to or fetch from: the Bot Framework service's own origin,
    or SharePoint/OneDrive over https (where Teams keeps files)."""
    try:
        parts, service = urlsplit(url), urlsplit(service_url)
        where, allowed = (
            (parts.scheme, parts.hostname, parts.port),
            (service.scheme, service.hostname, service.port),
        )
    except ValueError:  # an address that doesn't parse (a bad port, a broken IPv6 literal)
        return False
    if where == allowed:
        return True
    host = parts.hostname or ""
    return parts.scheme == "https" and parts.port in (None, 443) and host.endswith(FILE_HOSTS)


class TeamsEvidenceDownloads:
    def __init__(self, folder: Path, sealer: EvidenceSealer) -> None:
        self.folder = folder
        self._sealer = sealer

    def may_fetch(self, url: str, service_url: str) -> bool:
        return trusted_file_url(url, service_url)

    async def keep(self, files: Sequence[EvidenceFile], body: Mapping[str, Any]) -> list[EvidenceFile]:
        """`files` with `stored_path` set for each one that was downloaded. Each share of a file
        gets its own copy (a file edited and shared again never changes the first copy), and
        the same share delivered twice keeps the copy it already has."""
        tenant = safe_name(str(((body.get("channelData") or {}).get("tenant") or {}).get("id") or "tenant"))
        service_url = str(body.get("serviceUrl") or "")
        sources = {}
        for attachment in body.get("attachments") or []:
            if isinstance(attachment, Mapping) and attachment.get("contentType") == FILE_SHARE:
                evidence_id = file_evidence_id(attachment)
                content = attachment.get("content")
                url = content.get("downloadUrl") if isinstance(content, Mapping) else None
                if evidence_id and isinstance(url, str):
                    sources[evidence_id] = url
        share = f"{(body.get('conversation') or {}).get('id')}|{body.get('id')}"
        kept = []
        for file in files:
            url = sources.get(file.id)
            stored = await self._fetch(url, tenant, file, service_url, share) if url else None
            kept.append(file.model_copy(update={"stored_path": stored}) if stored else file)
        return kept

    async def _fetch(
        self, url: str, tenant: str, file: EvidenceFile, service_url: str, share: str
    ) -> str | None:
        if not self.may_fetch(url, service_url):
            log.warning("teams: not downloading evidence from a host that isn't SharePoint")
            return None
        digest = hashlib.sha256(f"{file.id}\n{share}".encode()).hexdigest()[:24]
        target = self.folder / tenant / f"{digest}-{safe_name(file.name)}"
        if await asyncio.to_thread(target.exists):
            return str(target)
        try:
            return await download_private(url, target, self._sealer)
        except (OSError, aiohttp.ClientError, TimeoutError) as exc:
            log.warning("teams: could not download an evidence file: %s", type(exc).__name__)
            return None
