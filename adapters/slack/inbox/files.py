"""A file into the security channel, in a report card's thread or in the channel itself: Slack's
external upload.

slack_sdk's files_upload_v2 does Slack's three steps (files.getUploadURLExternal, the bytes
to the upload URL it returns, files.completeUploadExternal sharing it into the channel and
thread), all through SLACK_API_URL's client. The file is shared only where the card is: a
channel the security team keeps to itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from slack_sdk.web.async_client import AsyncWebClient

if TYPE_CHECKING:  # bot.sharing.files loads stix2 (seconds): only for the type here
    from bot.sharing.files import SharedFile


async def upload_to_thread(
    client: AsyncWebClient, channel: str, thread_ts: str, file: SharedFile, comment: str
) -> None:
    """Raises slack_sdk's SlackApiError (or SlackRequestError for the upload step) on failure."""
    await client.files_upload_v2(
        channel=channel,
        thread_ts=thread_ts,
        content=file.content,
        filename=file.name,
        title=file.title,
        initial_comment=comment,
    )


async def upload_to_channel(
    client: AsyncWebClient, channel: str, name: str, content: bytes, title: str, comment: str
) -> None:
    """A file as a new message in the channel (the weekly digest's chart); raises as above."""
    await client.files_upload_v2(
        channel=channel, content=content, filename=name, title=title, initial_comment=comment
    )
