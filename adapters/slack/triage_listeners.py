"""The triage buttons on the security channel's report cards, and their modals.

  Acknowledge / Assign to me / Reopen   the triage service acts at once
  Ask reporter… / Add note… / Close…    a modal opens (before anything slow: Slack's trigger
                                        lasts 3 s); its submission makes the change
  the outcome select in Close…          refills the message with that outcome's template

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
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Final, Protocol

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.inbox import cards
from adapters.slack.inbox.cards import escape
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
from bot.actors import Actor
from bot.report import Outcome
from bot.triage import MAX_MESSAGE, MAX_NOTE, NotAllowed, TriageError, TriageService

log = logging.getLogger(__name__)

REFUSAL: Final = (
    "Only the security team can use these buttons, so nothing was changed. "
    "The attempt has been recorded. If you think you should be on the team, ask its lead."
)
_FAILED: Final = "Something went wrong and nothing was changed. Please try again in a moment."


class ClosingTemplates(Protocol):
    def closing_for(self, outcome: Outcome) -> str: ...


class TriageSettings(Protocol):
    @property
    def security_channel(self) -> str | None: ...


Body = Mapping[str, Any]


def register_triage_listeners(
    app: AsyncApp, triage: TriageService, templates: ClosingTemplates, settings: TriageSettings
) -> None:
    """Add the card buttons and modals to `app` (pass as build_slack_app's register_extra)."""
    listeners = _Listeners(triage, templates, settings.security_channel)
    app.action(cards.ACK)(listeners.acknowledge)
    app.action(cards.ASSIGN_ME)(listeners.assign_me)
    app.action(cards.OLDER_ASSIGN_ME)(listeners.assign_me)  # cards posted before TriageAction
    app.action(cards.REOPEN)(listeners.reopen)
    app.action(cards.ASK)(listeners.open_ask)
    app.action(cards.NOTE)(listeners.open_note)
    app.action(cards.CLOSE)(listeners.open_close)
    app.action(CLOSE_OUTCOME)(listeners.outcome_chosen)
    app.view(ASK_VIEW)(listeners.submit_ask)
    app.view(NOTE_VIEW)(listeners.submit_note)
    app.view(CLOSE_VIEW)(listeners.submit_close)


class _Listeners:
    def __init__(self, triage: TriageService, templates: ClosingTemplates, channel: str | None) -> None:
        self._triage = triage
        self._templates = templates
        self._channel = channel

    # ---- buttons that act at once -------------------------------------------------------------

    async def acknowledge(self, ack: AsyncAck, body: Body, client: AsyncWebClient) -> None:
        await ack()
        actor = _actor(body)
        await self._act(body, client, actor, lambda ref: self._triage.acknowledge(ref, actor))

    async def assign_me(self, ack: AsyncAck, body: Body, client: AsyncWebClient) -> None:
        await ack()
        actor = await _named_actor(body, client)
        await self._act(body, client, actor, lambda ref: self._triage.assign(ref, actor.name, actor))

    async def reopen(self, ack: AsyncAck, body: Body, client: AsyncWebClient) -> None:
        await ack()
        actor = _actor(body)
        await self._act(body, client, actor, lambda ref: self._triage.reopen(ref, actor))

    async def _act(
        self, body: Body, client: AsyncWebClient, actor: Actor, change: Callable[[str], Awaitable[object]]
    ) -> None:
        reference = _button_value(body)
        try:
            await change(reference)
        except NotAllowed:
            await self._tell(client, body, REFUSAL)
        except TriageError as exc:
            await self._tell(client, body, escape(str(exc)))
        except Exception as exc:
            log.error("slack triage: %s on %s failed: %s", _action_id(body), reference, type(exc).__name__)
            await self._tell(client, body, _FAILED)

    # ---- buttons that open a modal ------------------------------------------------------------

    async def open_ask(self, ack: AsyncAck, body: Body, client: AsyncWebClient) -> None:
        await ack()
        await self._open(body, client, "report.question", ask_modal)

    async def open_note(self, ack: AsyncAck, body: Body, client: AsyncWebClient) -> None:
        await ack()
        await self._open(body, client, "report.note", note_modal)

    async def open_close(self, ack: AsyncAck, body: Body, client: AsyncWebClient) -> None:
        await ack()
        template = self._templates.closing_for(DEFAULT_OUTCOME)
        await self._open(
            body, client, "report.closed", lambda context: close_modal(context, DEFAULT_OUTCOME, template)
        )

    async def _open(
        self, body: Body, client: AsyncWebClient, attempted: str, modal: Callable[[Context], Any]
    ) -> None:
        actor = _actor(body)
        try:
            # Instant for a member (no database access); an outsider's attempt is audited.
            await self._triage.check_member(actor, attempted, _button_value(body))
        except NotAllowed:
            await self._tell(client, body, REFUSAL)
            return
        context = Context(_button_value(body), _channel_of(body) or self._channel)
        try:
            await client.views_open(trigger_id=body["trigger_id"], view=modal(context))
        except SlackApiError as exc:
            log.warning("slack triage: could not open the %s modal: %s", attempted, _slack_error(exc))
            await self._tell(client, body, _FAILED)

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
        question = text_value(view).strip()
        problem = _length_problem(question, MAX_MESSAGE, "question")
        if problem:
            await ack(response_action="errors", errors={TEXT_BLOCK: problem})
            return
        actor = await _named_actor(body, client) if signed(view) else _actor(body)
        sign_as = actor.name if signed(view) else None
        await self._submit(
            ack, view, TEXT_BLOCK, lambda ref: self._triage.ask(ref, question, actor, sign_as=sign_as)
        )

    async def submit_note(self, ack: AsyncAck, body: Body, client: AsyncWebClient) -> None:
        view = body.get("view") or {}
        note = text_value(view).strip()
        problem = _length_problem(note, MAX_NOTE, "note")
        if problem:
            await ack(response_action="errors", errors={TEXT_BLOCK: problem})
            return
        actor = await _named_actor(body, client)
        await self._submit(ack, view, TEXT_BLOCK, lambda ref: self._triage.note(ref, note, actor))

    async def submit_close(self, ack: AsyncAck, body: Body, client: AsyncWebClient) -> None:
        view = body.get("view") or {}
        outcome = chosen_outcome(view)
        block_id, message = closing_message(view)
        if outcome is None:
            await ack(response_action="errors", errors={"outcome": "Choose an outcome."})
            return
        problem = _length_problem(message.strip(), MAX_MESSAGE, "message", required=False)
        if problem:
            await ack(response_action="errors", errors={block_id: problem})
            return
        actor = _actor(body)
        text = message.strip() or None  # empty: the outcome's template
        await self._submit(
            ack, view, block_id, lambda ref: self._triage.close(ref, outcome, actor, message=text)
        )

    async def _submit(
        self, ack: AsyncAck, view: Body, block_id: str, change: Callable[[str], Awaitable[object]]
    ) -> None:
        """Make the change, then close the modal; a refusal is shown in the modal itself."""
        context = Context.load(view.get("private_metadata"))
        if context is None:
            await ack(response_action="errors", errors={block_id: _FAILED})
            return
        try:
            await change(context.reference)
        except NotAllowed:
            await ack(response_action="errors", errors={block_id: REFUSAL})
            return
        except TriageError as exc:
            await ack(response_action="errors", errors={block_id: str(exc)})
            return
        except Exception as exc:
            log.error(
                "slack triage: %s on %s failed: %s",
                view.get("callback_id"),
                context.reference,
                type(exc).__name__,
            )
            await ack(response_action="errors", errors={block_id: _FAILED})
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


def _action_id(body: Body) -> str:
    actions = body.get("actions") or [{}]
    return str(actions[0].get("action_id") or "")


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


def _length_problem(text: str, limit: int, what: str, *, required: bool = True) -> str | None:
    if required and not text:
        return f"Write the {what} first."
    if len(text) > limit:
        return f"That's {len(text):,} characters; the limit is {limit:,}. Could you shorten it?"
    return None


def _slack_error(exc: SlackApiError) -> str:
    data = getattr(exc.response, "data", None)
    return str(data.get("error")) if isinstance(data, dict) else type(exc).__name__
