"""Share as STIX on a report's card in the Slack security channel: the report's reporter-free
STIX 2.1 bundle uploaded into the card's thread, for the security team only, and audited.

The triage service checks membership (an outsider's attempt is refused and audited as
share.stix); the bundle is the one `reports export --format stix REF` writes (bot.sharing.files),
checked by the STIX validator; once Slack has it, the export is recorded (bot.sharing.audit).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from slack_sdk.errors import SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.inbox.files import upload_to_thread
from bot.actors import Actor
from bot.sharing.audit import Shared, record_shared
from bot.sharing.settings import SharingSettings
from bot.triage import FAILED, REFUSAL, NotAllowed, TriageError, TriageService

log = logging.getLogger(__name__)

SHARED_TO = "slack thread"


async def share_stix(
    triage: TriageService,
    sharing: SharingSettings,
    client: AsyncWebClient,
    actor: Actor,
    reference: str,
    where: tuple[str, str] | None,
    tell: Callable[[str], Awaitable[None]],
) -> None:
    """`where`: the card's channel and message ts (its thread); `tell`: an ephemeral line to the analyst."""
    from bot.sharing.files import stix_file  # stix2 and its validator take seconds: on first use

    try:
        shared = await stix_file(triage, actor, reference, sharing)
    except NotAllowed:
        await tell(REFUSAL)
        return
    except TriageError as exc:
        await tell(str(exc))
        return
    if where is None:
        await tell(FAILED)
        return
    channel, thread_ts = where
    comment = (
        f"STIX 2.1 bundle of {shared.name.split('.')[0]}, shared by <@{actor.user_id}> "
        f"({sharing.tlp.label}). The reporter is not in it."
    )
    try:
        await upload_to_thread(client, channel, thread_ts, shared, comment)
    except SlackClientError as exc:
        log.warning("slack share: the STIX bundle of %s was not uploaded: %s", reference, type(exc).__name__)
        await tell(FAILED)
        return
    report = shared.name.split(".")[0]
    await record_shared(triage, actor, Shared("stix", [report], SHARED_TO, sharing.tlp))
