"""EVIDENCE_DOWNLOAD=on: private, sealed copies of the files a reporter shares in the DM."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from adapters.evidence_files import EvidenceSealer, download_private
from adapters.slack.settings import SlackSettings

log = logging.getLogger("tipline.slack")

MAX_DOWNLOAD = 50 * 1024 * 1024
_SLACK_FILE_HOSTS = (".slack.com", ".slack-gov.com", ".slack-edge.com")
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


class EvidenceDownloads:
    """EVIDENCE_DOWNLOAD=on: a copy of each file shared in the DM is kept in EVIDENCE_DIR, readable
    only by this service's user, in case it is later deleted in Slack. The bot token is sent only
    to Slack's own file hosts (or the SLACK_API_URL host)."""

    def __init__(self, settings: SlackSettings, sealer: EvidenceSealer) -> None:
        self.folder = settings.evidence_dir
        self._sealer = sealer
        self._token = settings.bot_token
        api = urlsplit(settings.api_url)
        self._api_origin = (api.scheme, api.hostname or "", api.port)

    def may_fetch(self, url: str) -> bool:
        """The bot token goes only to Slack's file hosts over https, or to the configured API
        server exactly as configured (same scheme and port: a local stand-in in tests)."""
        parts = urlsplit(url)
        host = parts.hostname or ""
        if (parts.scheme, host, parts.port) == self._api_origin:
            return True
        default_port = parts.port in (None, 443)
        return parts.scheme == "https" and default_port and host.endswith(_SLACK_FILE_HOSTS)

    async def fetch(self, team: str, file: Mapping[str, Any]) -> str | None:
        """The stored path, or None (the file is still recorded by its Slack link)."""
        url = str(file.get("url_private_download") or file.get("url_private") or "")
        file_id = _UNSAFE_NAME.sub("_", str(file.get("id") or ""))
        if not url or not file_id or not self.may_fetch(url) or int(file.get("size") or 0) > MAX_DOWNLOAD:
            return None
        name = _UNSAFE_NAME.sub("_", str(file.get("name") or "file"))[-100:].lstrip(".") or "file"
        folder = self.folder / _UNSAFE_NAME.sub("_", team)
        target = folder / f"{file_id}-{name}"
        try:
            return await self._download(url, folder, target)
        except (OSError, aiohttp.ClientError, TimeoutError):
            log.warning("could not download evidence file %s", file_id, exc_info=True)
            return None

    async def _download(self, url: str, folder: Path, target: Path) -> str | None:
        headers = {"Authorization": f"Bearer {self._token}"}
        return await download_private(url, target, self._sealer, headers, MAX_DOWNLOAD)
