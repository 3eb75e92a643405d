"""The reporter's side of Slack, behind the listeners: direct messages and files, clicks,
forms, /report, App Home, and the message shortcuts ("Report this message", "Check this
contact"), each turned into the service's neutral actions and its replies posted back.

Every interaction was acknowledged before this runs (adapters.slack.app); a reporter's turns
run one at a time, in order, in tracked tasks that shutdown drains.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import blocks as ui
from adapters.slack import inbound, interaction_blocks
from adapters.slack.evidence_downloads import EvidenceDownloads
from adapters.slack.home import publish_home
from adapters.slack.reporter_channel import open_dm, post
from adapters.turn_order import BackgroundTurns, KeyedLocks
from bot.conversation import ConversationKey, Reply
from bot.messages import (
    Command,
    CommandName,
    Message,
    PickOptions,
    Text,
    TextAnswer,
    TextQuestion,
    Tone,
)
from bot.receive import receive
from bot.report import EvidenceFile, Reporter
from bot.reporter_desk import MY_REPORTS
from bot.service import ReportingService
from bot.shared_message_report import report_shared_message
from bot.watchlist.shared_check import check_shared_message

log = logging.getLogger("tipline.slack")

SHORTCUT = "report_message"
CHECK_SHORTCUT = "check_message"  # "Check this contact": the message's words are what is checked
COMMAND = "/report"
SOURCE = "slack"
FORM_WAIT = 2.0  # seconds a form submission may wait for the turn before Slack's 3 s run out
NAME_TTL = 3600.0
STARTED_IN_DM = "I've messaged you to start your report — it's in your direct messages with Tipline."
SORRY = Text(
    "Sorry — something went wrong on our side and that wasn't saved. Please try again in a minute.",
    Tone.WARNING,
)


class SlackBot:
    def __init__(
        self, service: ReportingService, client: AsyncWebClient, downloads: EvidenceDownloads | None = None
    ) -> None:
        self.service = service
        self.client = client
        self.downloads = downloads
        self._turns = BackgroundTurns(log, "a Slack turn")
        self._locks = KeyedLocks()
        self._names: dict[str, tuple[str | None, float]] = {}

    # ---- plumbing ------------------------------------------------------------------------------

    def spawn(self, work: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        return self._turns.spawn(work)

    async def drain(self, within: float, *, abandon: bool = False) -> None:
        await self._turns.drain(within, abandon=abandon)

    async def _named(self, reporter: Reporter) -> Reporter:
        """The reporter with their Slack name (users.info, remembered for an hour)."""
        now = time.monotonic()
        cached = self._names.get(reporter.user_id)
        if cached is None or now - cached[1] > NAME_TTL:
            name: str | None = None
            try:
                user = (await self.client.users_info(user=reporter.user_id))["user"]
                profile = user.get("profile") or {}
                name = user.get("real_name") or profile.get("real_name") or profile.get("display_name")
            except Exception:
                log.warning("users.info failed for a reporter; going on without their name")
            if len(self._names) > 10_000:
                self._names.clear()
            cached = (name or None, now)
            self._names[reporter.user_id] = cached
        return reporter.model_copy(update={"display_name": cached[0]}) if cached[0] else reporter

    async def _say(self, channel: str, messages: Sequence[Message]) -> None:
        await post(self.client, channel, ui.render_all(messages))

    async def _turn(
        self,
        found: inbound.Inbound,
        channel: str,
        run: Callable[[Reporter], Awaitable[Reply]],
    ) -> Reply | None:
        """One turn for one reporter, in order with their others; replies posted to `channel`."""
        async with self._locks.hold(found.key):
            try:
                reply = await run(await self._named(found.reporter))
            except Exception:
                log.exception("a reporter's turn failed")
                await self._say(channel, [SORRY])
                return None
            await self._say(channel, reply.messages)
            return reply

    # ---- listeners -----------------------------------------------------------------------------

    def register(self, app: AsyncApp) -> None:
        async def is_dm(body: dict[str, Any]) -> bool:
            return (body.get("event") or {}).get("channel_type") == "im"

        async def on_message(body: dict[str, Any]) -> None:
            self.spawn(self.message(body))

        async def on_home(body: dict[str, Any]) -> None:
            self.spawn(self.home(body))

        async def on_action(ack: Any, body: dict[str, Any]) -> None:
            await ack()
            self.spawn(self.action(body))

        async def on_form(ack: Any, body: dict[str, Any]) -> None:
            await self.form(ack, body)

        async def on_command(ack: Any, body: dict[str, Any]) -> None:
            await ack(text=STARTED_IN_DM, response_type="ephemeral")
            self.spawn(self.command(body))

        async def on_shortcut(ack: Any, body: dict[str, Any]) -> None:
            await ack()
            self.spawn(self.flag_message(body))

        async def on_check_shortcut(ack: Any, body: dict[str, Any]) -> None:
            await ack()
            self.spawn(self.check_message(body))

        app.event("message", matchers=[is_dm])(on_message)
        app.event("app_home_opened")(on_home)
        app.action(ui.ACTION_IDS)(on_action)
        app.view_submission(ui.REPLY_MODAL)(on_form)
        app.command(COMMAND)(on_command)
        app.shortcut(SHORTCUT)(on_shortcut)
        app.shortcut(CHECK_SHORTCUT)(on_check_shortcut)

    # ---- direct messages and files -------------------------------------------------------------

    async def message(self, body: Mapping[str, Any]) -> None:
        found = inbound.from_message(body)
        if found is None or found.channel is None:
            return
        files = await self._evidence(body) if found.files else []
        if not files and found.action is None:
            return
        await self._turn(
            found,
            found.channel,
            lambda who: receive(self.service, found.key, who, found.action, files, SOURCE, found.dedupe_id),
        )

    async def _evidence(self, body: Mapping[str, Any]) -> list[EvidenceFile]:
        """Files as the event names them, completed with files.info when Slack sent only an id,
        and with a downloaded copy when EVIDENCE_DOWNLOAD is on."""
        complete: list[EvidenceFile] = []
        for raw in (body.get("event") or {}).get("files") or []:
            if not isinstance(raw, Mapping) or not raw.get("id"):
                continue
            if raw.get("file_access") == "check_file_info":
                try:
                    raw = (await self.client.files_info(file=raw["id"]))["file"]
                except Exception:
                    log.warning("files.info failed for a shared file", exc_info=True)
            file = inbound.evidence(raw)
            if file is None:
                continue
            if self.downloads is not None:
                stored = await self.downloads.fetch(str(body.get("team_id") or ""), raw)
                if stored is not None:
                    file = file.model_copy(update={"stored_path": stored})
            complete.append(file)
        return complete

    # ---- clicks --------------------------------------------------------------------------------

    async def action(self, body: Mapping[str, Any]) -> None:
        found = inbound.from_block_actions(body)
        if found is None:
            return
        action_id = str(body["actions"][0].get("action_id"))
        if action_id == ui.CHOOSE:
            return  # a tick in a checkbox: the "Done" click carries the choice
        if action_id == ui.REPLY:
            await self._open_reply_form(body, found)
            return
        if action_id.startswith("home:"):
            await self._home_action(body, found, action_id)
            return
        if not isinstance(found.action, PickOptions) or found.channel is None:
            return
        key, action, event = found.key, found.action, (SOURCE, found.dedupe_id)
        reply = await self._turn_then_mark(body, found, found.channel, action, event, key)
        if reply is not None and reply.reference and not reply.in_progress:
            await self._refresh_home(found.reporter)

    async def _turn_then_mark(
        self,
        body: Mapping[str, Any],
        found: inbound.Inbound,
        channel: str,
        action: PickOptions,
        event: tuple[str, str],
        key: ConversationKey,
    ) -> Reply | None:
        async with self._locks.hold(key):
            try:
                reply = await self.service.handle(key, await self._named(found.reporter), action, event)
            except Exception:
                log.exception("a reporter's click failed")
                await self._say(channel, [SORRY])
                return None
            if not reply.duplicate and not reply.asks_again(action.token) and found.message_ts:
                await self._mark_answered(body, channel, found.message_ts, found.chosen or "")
            await self._say(channel, reply.messages)
            return reply

    async def _mark_answered(self, body: Mapping[str, Any], channel: str, ts: str, chosen: str) -> None:
        shown = (body.get("message") or {}).get("blocks") or []
        try:
            await self.client.chat_update(
                channel=channel,
                ts=ts,
                text=ui.fit(chosen, ui.FALLBACK_TEXT),
                blocks=interaction_blocks.answered(shown, chosen),
            )
        except Exception:
            log.warning("could not update the answered message", exc_info=True)

    async def _open_reply_form(self, body: Mapping[str, Any], found: inbound.Inbound) -> None:
        action = body["actions"][0]
        token = str(action.get("value") or "")
        if not ui.is_reply_token(token):
            return
        key = "answer" if token.startswith("answer:") else "add"
        view = interaction_blocks.reply_modal(token, key, "", found.channel)
        try:
            await self.client.views_open(trigger_id=body.get("trigger_id"), view=view.to_dict())
        except Exception:
            log.warning("could not open the reply form", exc_info=True)

    async def _home_action(self, body: Mapping[str, Any], found: inbound.Inbound, action_id: str) -> None:
        channel = found.channel or await open_dm(self.client, found.reporter.user_id)
        key, event = found.key, (SOURCE, found.dedupe_id)
        if action_id == ui.HOME_REPORT:
            action: Command | TextAnswer | PickOptions = Command(CommandName.START)
        elif action_id == ui.HOME_MY_REPORTS:
            action = TextAnswer("my reports")
        elif action_id == ui.HOME_CHECK:
            action = TextAnswer("check")  # asks, in the DM, for a profile address or a name and company
        elif action_id.startswith(ui.HOME_ADD):
            action = PickOptions(MY_REPORTS, (str(body["actions"][0].get("value") or ""),))
        else:
            return
        await self._turn(found, channel, lambda who: self.service.handle(key, who, action, event))

    # ---- forms ---------------------------------------------------------------------------------

    async def form(self, ack: Any, body: Mapping[str, Any]) -> None:
        """A reply form: the turn runs before the acknowledgement so that a problem can be shown
        on the form itself; if it takes too long, the form closes and the reply comes as a DM."""
        found = inbound.from_view_submission(body)
        if found is None or found.action is None:
            await ack()
            return
        channel = found.channel or await open_dm(self.client, found.reporter.user_id)
        key, action, event = found.key, found.action, (SOURCE, found.dedupe_id)
        token = getattr(action, "token", "")

        async def run() -> Reply:
            async with self._locks.hold(key):
                return await self.service.handle(key, await self._named(found.reporter), action, event)

        task = self.spawn(run())
        done, _ = await asyncio.wait({task}, timeout=FORM_WAIT)
        if task in done and task.exception() is None:
            errors = _form_errors(task.result(), token)
            if errors:
                await ack(response_action="errors", errors=errors)
                return
        await ack()
        self.spawn(self._after_form(task, channel))

    async def _after_form(self, task: asyncio.Task[Reply], channel: str) -> None:
        try:
            reply = await task
        except Exception:
            log.exception("a reporter's form failed")
            await self._say(channel, [SORRY])
            return
        await self._say(channel, reply.messages)

    # ---- /report, App Home, the message shortcut -----------------------------------------------

    async def command(self, body: Mapping[str, Any]) -> None:
        found = inbound.from_command(body)
        if found is None:
            return
        channel = await open_dm(self.client, found.reporter.user_id)
        key, event = found.key, (SOURCE, found.dedupe_id)
        await self._turn(
            found, channel, lambda who: self.service.handle(key, who, Command(CommandName.START), event)
        )

    async def home(self, body: Mapping[str, Any]) -> None:
        event = body.get("event") or {}
        team = body.get("team_id")
        if event.get("tab") != "home" or not event.get("user") or not team:
            return
        _, reporter = inbound.who(str(team), str(event["user"]))
        await publish_home(self.client, self.service, reporter)

    async def _refresh_home(self, reporter: Reporter) -> None:
        try:
            await publish_home(self.client, self.service, reporter)
        except Exception:
            log.warning("could not refresh the home tab", exc_info=True)

    async def flag_message(self, body: Mapping[str, Any]) -> None:
        """ "Report this message": start (or resume) a report in the DM with the message as evidence."""
        parsed = inbound.from_message_action(body)
        if parsed is None:
            return
        found, flagged = parsed
        channel = await open_dm(self.client, found.reporter.user_id)
        permalink: str | None = None
        try:
            link = await self.client.chat_getPermalink(channel=flagged.channel, message_ts=flagged.ts)
            permalink = str(link.get("permalink") or "") or None
        except Exception:
            log.warning("chat.getPermalink failed for a flagged message", exc_info=True)
        evidence = inbound.flagged_evidence(flagged, permalink)
        async with self._locks.hold(found.key):
            try:
                who = await self._named(found.reporter)
                shown = await report_shared_message(
                    self.service, found.key, who, evidence, SOURCE, found.dedupe_id
                )
            except Exception:
                log.exception("a flagged message could not be attached")
                await self._say(channel, [SORRY])
                return
            if shown is None:
                return
            await self._say(channel, shown.opening)
            await post(self.client, channel, [interaction_blocks.quoted_message(flagged.text, permalink)])
            await self._say(channel, shown.after)

    async def check_message(self, body: Mapping[str, Any]) -> None:
        """ "Check this contact" on a message: what it says (a profile, an email, a name and a
        company) is checked, and the answer comes in the DM. Nothing reaches the message's author."""
        parsed = inbound.from_message_action(body)
        if parsed is None:
            return
        found, flagged = parsed
        channel = await open_dm(self.client, found.reporter.user_id)
        key, event = found.key, (SOURCE, f"{found.dedupe_id}:check")
        await self._turn(
            found, channel, lambda who: check_shared_message(self.service, key, who, flagged.text, event)
        )


def _form_errors(reply: Reply, token: str) -> dict[str, str]:
    """Problems with a submitted form, per field, for Slack to show on the form."""
    for message in reply.messages:
        if isinstance(message, TextQuestion) and message.token == token:
            if message.field_problems:
                return {k: ui.plain(v, 1900) for k, v in message.field_problems.items()}
            if message.problem:
                return {message.key: ui.plain(message.problem, 1900)}
    return {}
