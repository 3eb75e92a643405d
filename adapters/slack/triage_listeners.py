"""The triage buttons on the security channel's report cards, and their modals.

  Acknowledge / Assign to me / Reopen   the triage service acts at once
  Ask reporter… / Add note… / Close…    a modal opens (before anything slow: Slack's trigger
                                        lasts 3 s); its submission makes the change
  the outcome select in Close…          refills the message with that outcome's template
  Share as STIX                         the report's STIX bundle into the card's thread
                                        (adapters.slack.inbox.share)

Every interaction is acknowledged first. The card is not edited here: each change queues
inbox events, and the delivery worker (SlackChannelInbox) edits the card and writes its
thread, once, for every destination alike.

Only the security team may act: the triage service checks every action and audits a refusal.
Anyone else gets a calm ephemeral refusal; the buttons of the modals are refused before the
modal opens. A refused change (the report is closed, say) is explained the same way, or in
the modal itself. Logs carry references and user ids, never what anyone wrote.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.blocks import escape
from adapters.slack.inbox import cards
from adapters.slack.inbox.modals import (
    ASK_VIEW,
    CLOSE_OUTCOME,
    CLOSE_VIEW,
    DEFAULT_OUTCOME,
    NOTE_VIEW,
    TEXT_BLOCK,
    Context,
    ask_modal,
    chosen_outcome,
    close_modal,
    closing_message,
    note_modal,
    signed,
    text_value,
)
from adapters.slack.inbox.share import share_stix
from bot.actors import Actor
from bot.report import Outcome
from bot.sharing.settings import SharingSettings
from bot.triage import (
    FAILED,
    REFUSAL,
    Acknowledge,
    Ask,
    Assign,
    Close,
    Note,
    Reopen,
    TriageAction,
    TriageCommand,
    TriageService,
    input_problem,
)

log = logging.getLogger(__name__)

__all__ = ["REFUSAL", "register_triage_listeners"]


class ClosingTemplates(Protocol):
    def closing_for(self, outcome: Outcome) -> str: ...


class TriageSettings(Protocol):
    @property
    def security_channel(self) -> str | None: ...


Body = Mapping[str, Any]


def register_triage_listeners(
    app: AsyncApp,
    triage: TriageService,
    templates: ClosingTemplates,
    settings: TriageSettings,
    sharing: SharingSettings | None = None,
) -> None:
    """Add the card buttons and modals to `app` (pass as build_slack_app's register_extra)."""
    listeners = _Listeners(triage, templates, settings.security_channel, sharing or SharingSettings())
    app.action(cards.ACK)(listeners.acknowledge)
    # One listener for both ids: cards posted before TriageAction carry the older one.
    app.action(re.compile(f"^(?:{re.escape(cards.ASSIGN_ME)}|{re.escape(cards.OLDER_ASSIGN_ME)})$"))(
        listeners.assign_me
    )
    app.action(cards.REOPEN)(listeners.reopen)
    app.action(cards.ASK)(listeners.open_ask)
    app.action(cards.NOTE)(listeners.open_note)
    app.action(cards.CLOSE)(listeners.open_close)
    app.action(cards.SHARE_STIX)(listeners.share)
    app.action(CLOSE_OUTCOME)(listeners.outcome_chosen)
    app.view(ASK_VIEW)(listeners.submit_ask)
    app.view(NOTE_VIEW)(listeners.submit_note)
    app.view(CLOSE_VIEW)(listeners.submit_close)


class _Listeners:
    def __init__(
        self,
        triage: TriageService,
        templates: ClosingTemplates,
        channel: str | None,
        sharing: SharingSettings,
    ) -> None:
        self._triage = triage
        self._templates = templates
        self._channel = channel
        self._sharing = sharing

    # ---- buttons that act at once -------------------------------------------------------------

    async def acknowledge(self, ack: AsyncAck, body: Body, client: AsyncWebClient) -> None:
        await ack()
        await self._act(body, client, _actor(body), Acknowledge(_button_value(body)))

    async def assign_me(self, ack: AsyncAck, body: Body, client: AsyncWebClient) -> None:
        await ack()
        await self._act(body, client, await _named_actor(body, client), Assign(_button_value(body)))

    async def reopen(self, ack: AsyncAck, body: Body, client: AsyncWebClient) -> None:
        await ack()
        await self._act(body, client, _actor(body), Reopen(_button_value(body)))

    async def _act(self, body: Body, client: AsyncWebClient, actor: Actor, command: TriageCommand) -> None:
        result = await self._triage.apply(command, actor)
        if not result.done:
            await self._tell(client, body, escape(result.text))

    async def share(self, ack: AsyncAck, body: Body, client: AsyncWebClient) -> None:
        await ack()

        async def tell(text: str) -> None:
            await self._tell(client, body, escape(text))

        channel, ts = _channel_of(body), _message_ts(body)
        where = (channel, ts) if channel and ts else None
        await share_stix(self._triage, self._sharing, client, _actor(body), _button_value(body), where, tell)

    # ---- buttons that open a modal ------------------------------------------------------------

    async def open_ask(self, ack: AsyncAck, body: Body, client: AsyncWebClient) -> None:
        await ack()
        await self._open(body, client, TriageAction.ASK, ask_modal)

    async def open_note(self, ack: AsyncAck, body: Body, client: AsyncWebClient) -> None:
        await ack()
        await self._open(body, client, TriageAction.NOTE, note_modal)

    async def open_close(self, ack: AsyncAck, body: Body, client: AsyncWebClient) -> None:
        await ack()
        template = self._templates.closing_for(DEFAULT_OUTCOME)
        await self._open(
            body, client, TriageAction.CLOSE, lambda context: close_modal(context, DEFAULT_OUTCOME, template)
        )

    async def _open(
        self, body: Body, client: AsyncWebClient, action: TriageAction, modal: Callable[[Context], Any]
    ) -> None:
        # Instant for a member (no database access); an outsider's attempt is audited.
        allowed = await self._triage.may(_actor(body), action, _button_value(body))
        if not allowed.done:
            await self._tell(client, body, allowed.text)
            return
        context = Context(_button_value(body), _channel_of(body) or self._channel)
        try:
            await client.views_open(trigger_id=body["trigger_id"], view=modal(context))
        except SlackApiError as exc:
            log.warning("slack triage: could not open the %s modal: %s", action.value, _slack_error(exc))
            await self._tell(client, body, FAILED)

    async def outcome_chosen(self, ack: AsyncAck, body: Body, client: AsyncWebClient) -> None:
        """Another outcome chosen in the Close… modal: show that outcome's template instead."""
        await ack()
        view = body.get("view") or {}
        context = Context.load(view.get("private_metadata"))
        outcome = _selected_outcome(body) or chosen_outcome(view)
        if context is None or outcome is None:
            return
        try:
            await client.views_update(
                view_id=view.get("id"),
                hash=view.get("hash"),
                view=close_modal(context, outcome, self._templates.closing_for(outcome)),
            )
        except SlackApiError as exc:  # hash_conflict: the analyst changed it again meanwhile
            log.info("slack triage: close modal not refreshed: %s", _slack_error(exc))

    # ---- modal submissions --------------------------------------------------------------------

    async def submit_ask(self, ack: AsyncAck, body: Body, client: AsyncWebClient) -> None:
        view = body.get("view") or {}
        command = Ask(_reference(view), text_value(view), signed=signed(view))
        if not await self._valid(ack, command, TEXT_BLOCK):
            return
        actor = await _named_actor(body, client) if command.signed else _actor(body)
        await self._submit(ack, view, TEXT_BLOCK, command, actor)

    async def submit_note(self, ack: AsyncAck, body: Body, client: AsyncWebClient) -> None:
        view = body.get("view") or {}
        command = Note(_reference(view), text_value(view))
        if not await self._valid(ack, command, TEXT_BLOCK):
            return
        await self._submit(ack, view, TEXT_BLOCK, command, await _named_actor(body, client))

    async def submit_close(self, ack: AsyncAck, body: Body, client: AsyncWebClient) -> None:
        view = body.get("view") or {}
        block_id, message = closing_message(view)
        command = Close(_reference(view), chosen_outcome(view), message)
        if not await self._valid(ack, command, "outcome" if command.outcome is None else block_id):
            return
        await self._submit(ack, view, block_id, command, _actor(body))

    async def _valid(self, ack: AsyncAck, command: TriageCommand, block_id: str) -> bool:
        """What was typed, checked before anything slow; a problem is shown next to the field."""
        problem = input_problem(command)
        if problem is not None:
            await ack(response_action="errors", errors={block_id: problem})
        return problem is None

    async def _submit(
        self, ack: AsyncAck, view: Body, block_id: str, command: TriageCommand, actor: Actor
    ) -> None:
        """Make the change, then close the modal; a refusal is shown in the modal itself."""
        if not command.reference:
            await ack(response_action="errors", errors={block_id: FAILED})
            return
        result = await self._triage.apply(command, actor)
        if not result.done:
            await ack(response_action="errors", errors={block_id: result.text})
            return
        await ack()

    # ---- telling the person who clicked ----------------------------------------------------------

    async def _tell(self, client: AsyncWebClient, body: Body, text: str) -> None:
        """An ephemeral message, only for them, in the channel where they clicked."""
        user = _user_id(body)
        channel = _channel_of(body) or self._channel
        if not user or not channel:
            return
        try:
            await client.chat_postEphemeral(channel=channel, user=user, text=text)
        except SlackApiError as exc:
            log.warning("slack triage: could not tell %s: %s", user, _slack_error(exc))


# ---- reading Slack's payloads ------------------------------------------------------------------


def _user_id(body: Body) -> str:
    user = body.get("user") or {}
    return str(user.get("id") or "")


def _actor(body: Body) -> Actor:
    user = body.get("user") or {}
    name = user.get("name") or user.get("username")
    return Actor("slack", _user_id(body), str(name) if name else None)


async def _named_actor(body: Body, client: AsyncWebClient) -> Actor:
    """The actor with the name people know them by (Slack's profile), for assignments, notes
    and signed questions. Falls back to the username when the profile can't be read."""
    actor = _actor(body)
    try:
        response = await client.users_info(user=actor.user_id)
    except SlackApiError as exc:
        log.info("slack triage: no profile for %s: %s", actor.user_id, _slack_error(exc))
        return actor
    user = response.get("user") or {}
    profile = user.get("profile") or {}
    for name in (profile.get("real_name"), profile.get("display_name"), user.get("real_name")):
        if isinstance(name, str) and name.strip():
            return Actor("slack", actor.user_id, name.strip())
    return actor


def _button_value(body: Body) -> str:
    actions = body.get("actions") or [{}]
    return str(actions[0].get("value") or "")


def _selected_outcome(body: Body) -> Outcome | None:
    actions = body.get("actions") or [{}]
    option = actions[0].get("selected_option") or {}
    value = option.get("value")
    try:
        return Outcome(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _channel_of(body: Body) -> str | None:
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    return str(channel) if channel else None


def _message_ts(body: Body) -> str | None:
    """The clicked card's ts: its thread."""
    container = body.get("container") or {}
    ts = container.get("message_ts") or (body.get("message") or {}).get("ts")
    return str(ts) if ts else None


def _reference(view: Body) -> str:
    """The report a modal is about (kept in its private metadata); empty when it can't be read."""
    context = Context.load(view.get("private_metadata"))
    return context.reference if context is not None else ""


def _slack_error(exc: SlackApiError) -> str:
    data = getattr(exc.response, "data", None)
    return str(data.get("error")) if isinstance(data, dict) else type(exc).__name__
