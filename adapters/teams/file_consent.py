"""Share as STIX on a report's card in the Teams security inbox: the bundle goes to the analyst's
own OneDrive through Teams' file consent, in their private chat with Tipline.

  the card's Share as STIX   membership checked (an outsider is refused, and audited as
                             share.stix); a FileConsentCard ("allow Tipline to upload ...") is
                             sent to the analyst's private chat; the channel hears where to look
  fileConsent/invoke accept  answered at once; then the bundle is built again (stable ids: the
                             same bytes), PUT to the uploadUrl Teams gave, a file info card shows
                             the file in the chat, and the export is audited (bot.sharing.audit)
  fileConsent/invoke decline "nothing was shared", nothing uploaded

A bot can write first only to a chat it has been in, so an analyst who never opened their chat
with Tipline is told to. The uploadUrl is used only if it is on SharePoint/OneDrive over https
(or the Bot Framework service's own origin), the same rule as for evidence downloads; a bundle
is never sent anywhere else. Logs carry references and ids, never a bundle.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, Final

import aiohttp

from adapters.teams import inbound
from adapters.teams.addresses import PLATFORM, key_for
from adapters.teams.endpoint import InvokeAnswer
from adapters.teams.evidence import trusted_file_url
from adapters.teams.inbox_cards import result_activity
from adapters.teams.sending import send_all
from adapters.teams.transport import Conversation, Transport
from bot.actors import Actor
from bot.ports import UnitOfWorkFactory
from bot.report import Reporter, is_reference
from bot.sharing.audit import Shared, record_shared
from bot.sharing.settings import SharingSettings
from bot.triage import FAILED, REFUSAL, NotAllowed, TriageError, TriageService

if TYPE_CHECKING:
    from bot.campaigns.service import CampaignService
    from bot.sharing.files import SharedCampaign, SharedFile

log = logging.getLogger("tipline.teams")

INVOKE: Final = "fileConsent/invoke"
CONSENT: Final = "application/vnd.microsoft.teams.card.file.consent"
FILE_INFO: Final = "application/vnd.microsoft.teams.card.file.info"
KEY: Final = "tipline_share"  # marks a consent context as ours; its value is the format
SHARED_TO: Final = "teams chat"
UPLOAD_TIMEOUT = aiohttp.ClientTimeout(total=60)

OPEN_CHAT: Final = (
    "I can only send the file to your private chat with Tipline, and you haven't opened it yet: "
    "open Tipline from Apps, say hello, then press Share as STIX again."
)
SENT: Final = "The STIX bundle of {reference} is waiting in your private chat with Tipline: allow it there."
DECLINED: Final = "Nothing was shared: the STIX bundle was not uploaded."
UPLOADED: Final = "The STIX bundle of {reference} is in your OneDrive ({tlp}; the reporter is not in it)."
NOT_UPLOADED: Final = "The upload to your OneDrive did not work; press Share as STIX on the card again."


def consent_activity(
    file: SharedFile, reference: str | None, campaign_id: int | None = None
) -> dict[str, Any]:
    """`reference`: a report's bundle; `campaign_id`: a campaign's (its reports as one persona)."""
    context: dict[str, Any] = {KEY: "stix", "reference": reference} if reference else {KEY: "stix"}
    if campaign_id is not None:
        context["campaign"] = campaign_id
    card = {
        "description": file.title,
        "sizeInBytes": len(file.content),
        "acceptContext": context,
        "declineContext": context,
    }
    return {"type": "message", "attachments": [{"contentType": CONSENT, "name": file.name, "content": card}]}


def file_info_activity(upload: Mapping[str, Any]) -> dict[str, Any]:
    attachment = {
        "contentType": FILE_INFO,
        "contentUrl": upload.get("contentUrl"),
        "name": upload.get("name"),
        "content": {"uniqueId": upload.get("uniqueId"), "fileType": upload.get("fileType")},
    }
    return {"type": "message", "attachments": [attachment]}


class FileShares:
    def __init__(
        self,
        triage: TriageService,
        sharing: SharingSettings,
        unit_of_work: UnitOfWorkFactory,
        transport: Transport,
        campaigns: CampaignService | None = None,
    ) -> None:
        self._campaigns = campaigns  # Share as STIX on a campaign's card
        self._triage = triage
        self._sharing = sharing
        self._uow = unit_of_work
        self._transport = transport

    async def offer(self, actor: Actor, analyst: Reporter, reference: str) -> str:
        """The consent card to the analyst's private chat; what to say in the channel."""
        try:
            file = await self._file(actor, reference)
        except NotAllowed:
            return REFUSAL
        except TriageError as exc:
            return str(exc)
        chat = await self._chat(analyst)
        if chat is None:
            return OPEN_CHAT
        if not await self._send(chat, consent_activity(file, file.name.split(".")[0])):
            return FAILED
        return SENT.format(reference=file.name.split(".")[0])

    async def offer_campaign(self, actor: Actor, analyst: Reporter, campaign_id: int) -> str:
        """The campaign's bundle as a consent card to the analyst's private chat; what to say."""
        try:
            shared = await self._campaign_file(actor, campaign_id)
        except NotAllowed:
            return REFUSAL
        except TriageError as exc:
            return str(exc)
        chat = await self._chat(analyst)
        if chat is None:
            return OPEN_CHAT
        if not await self._send(chat, consent_activity(shared.file, None, campaign_id)):
            return FAILED
        return SENT.format(reference=f"campaign {campaign_id}")

    async def invoke(self, body: Mapping[str, Any]) -> InvokeAnswer | None:
        """A fileConsent/invoke of ours: answered at once, the upload after (None: not ours)."""
        if body.get("name") != INVOKE:
            return None
        value = _map(body.get("value"))
        context = _map(value.get("context"))
        reference = context.get("reference")
        campaign = context.get("campaign")
        found = inbound.sender_of(body)
        is_campaign = isinstance(campaign, int) and not isinstance(campaign, bool) and campaign > 0
        is_report = isinstance(reference, str) and is_reference(reference)
        if context.get(KEY) != "stix" or not (is_campaign or is_report):
            return InvokeAnswer(400, {"error": "not a Tipline file"})
        subject: str | int = int(campaign) if is_campaign and campaign is not None else str(reference)
        if found is None:
            return InvokeAnswer(400, {"error": "no sender"})
        actor = Actor(PLATFORM, found.reporter.user_id, found.reporter.display_name)
        service_url = str(body.get("serviceUrl") or "")
        if value.get("action") != "accept":
            declined = self._then(found.reporter, lambda: _said(DECLINED))
            return InvokeAnswer(200, None, declined, found.conversation_id)
        upload = _map(value.get("uploadInfo"))
        return InvokeAnswer(
            200,
            None,
            self._then(found.reporter, lambda: self._upload(actor, subject, upload, service_url)),
            found.conversation_id,
        )

    def _then(
        self, analyst: Reporter, work: Callable[[], Awaitable[dict[str, Any]]]
    ) -> Callable[[], Awaitable[None]]:
        async def then() -> None:
            activity = await work()
            chat = await self._chat(analyst)
            if chat is not None:
                await self._send(chat, activity)

        return then

    async def _upload(
        self, actor: Actor, subject: str | int, upload: Mapping[str, Any], service_url: str
    ) -> dict[str, Any]:
        """`subject`: a report's reference, or a campaign's id."""
        reference = subject if isinstance(subject, str) else f"campaign {subject}"
        try:
            if isinstance(subject, str):
                file, references = await self._file(actor, subject), [subject]
            else:
                shared = await self._campaign_file(actor, subject)
                file, references = shared.file, list(shared.references)
        except NotAllowed:
            return result_activity(REFUSAL)
        except TriageError as exc:
            return result_activity(str(exc))
        url = upload.get("uploadUrl")
        if not isinstance(url, str) or not trusted_file_url(url, service_url):
            log.warning("teams share: refused an upload address for %s", reference)
            return result_activity(NOT_UPLOADED)
        size = len(file.content)
        headers = {"Content-Length": str(size), "Content-Range": f"bytes 0-{size - 1}/{size}"}
        try:
            async with (
                aiohttp.ClientSession(timeout=UPLOAD_TIMEOUT) as session,
                session.put(url, data=file.content, headers=headers) as response,
            ):
                ok = response.status in (200, 201)
        except (aiohttp.ClientError, TimeoutError) as exc:
            log.warning("teams share: the upload of %s failed: %s", reference, type(exc).__name__)
            ok = False
        if not ok:
            return result_activity(NOT_UPLOADED)
        await record_shared(self._triage, actor, Shared("stix", references, SHARED_TO, self._sharing.tlp))
        return file_info_activity(upload)

    async def _file(self, actor: Actor, reference: str) -> SharedFile:
        from bot.sharing.files import stix_file  # stix2 and its validator take seconds: on first use

        return await stix_file(self._triage, actor, reference, self._sharing)

    async def _campaign_file(self, actor: Actor, campaign_id: int) -> SharedCampaign:
        from bot.sharing.files import campaign_stix_file  # stix2 takes seconds to load: on first use

        if self._campaigns is None:
            raise TriageError("Campaigns cannot be shared from here.")
        return await campaign_stix_file(self._triage, self._campaigns, actor, campaign_id, self._sharing)

    async def _chat(self, analyst: Reporter) -> dict[str, Any] | None:
        async with self._uow() as uow:
            address = await uow.addresses.get(PLATFORM, key_for(analyst))
        return None if address is None else dict(address)

    async def _send(self, chat: dict[str, Any], activity: dict[str, Any]) -> bool:
        async def deliver(conversation: Conversation) -> None:
            await send_all(conversation, [activity])

        try:
            await self._transport.continue_conversation(chat, deliver)
        except Exception as exc:
            log.error("teams share: could not write in an analyst's private chat: %s", type(exc).__name__)
            return False
        return True


async def _said(text: str) -> dict[str, Any]:
    return result_activity(text)


def _map(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}
