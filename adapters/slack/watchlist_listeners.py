"""The security team keeps the watchlist from Slack: the global shortcut "Add to the watchlist"
opens a form; its submission adds the entry and hunts back through earlier reports.

  shortcut      a member: the form opens (before anything slow: the trigger lasts 3 s);
                anyone else: a modal saying only the security team can, the attempt audited
  submission    a mistake is shown beside its field, everything typed kept, nothing added;
                otherwise the modal says "Adding…" at once (Slack wants an answer in 3 s and
                the retro-hunt may take longer), then what was added and how many earlier
                reports match it

The same service as `app.py watchlist add` does the work: membership checked and audited,
every change audited. Logs carry user ids, never what anyone typed.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.watchlist_form import ADD_SHORTCUT, ADD_VIEW, add_modal, message_view, typed_values
from bot.actors import Actor
from bot.triage import REFUSAL, NotAllowed
from bot.watchlist.form import FormErrors, added_text, read_form
from bot.watchlist.service import WatchlistError, WatchlistService

log = logging.getLogger(__name__)

TITLE = "Watchlist"
WORKING = "Adding the entry and checking reports from the last 90 days…"
FAILED = "Something went wrong and nothing was added. Please try again in a moment."

Body = Mapping[str, Any]


def register_watchlist_listeners(app: AsyncApp, watchlist: WatchlistService) -> None:
    listeners = _Listeners(watchlist)
    app.shortcut(ADD_SHORTCUT)(listeners.open_form)
    app.view(ADD_VIEW)(listeners.submit)


class _Listeners:
    def __init__(self, watchlist: WatchlistService) -> None:
        self._watchlist = watchlist

    async def open_form(self, ack: AsyncAck, body: Body, client: AsyncWebClient) -> None:
        await ack()
        try:
            await self._watchlist.check_member(_actor(body), "watchlist.add")
        except NotAllowed:
            view = message_view(TITLE, REFUSAL)
        else:
            view = add_modal()
        try:
            await client.views_open(trigger_id=body.get("trigger_id"), view=view)
        except SlackApiError as exc:
            log.warning("slack watchlist: could not open the form: %s", _slack_error(exc))

    async def submit(self, ack: AsyncAck, body: Body, client: AsyncWebClient) -> None:
        view = body.get("view") or {}
        try:
            content = read_form(typed_values(view))
        except FormErrors as exc:
            await ack(response_action="errors", errors=exc.errors)
            return
        await ack(response_action="update", view=message_view(TITLE, WORKING))
        actor = _actor(body)
        try:
            added = await self._watchlist.add([content], actor, how="slack")
        except NotAllowed:
            text = REFUSAL
        except WatchlistError as exc:
            text = str(exc)
        except Exception as exc:  # the class only: a database error may quote what was typed
            log.error("slack watchlist: adding an entry failed for %s: %s", actor.id, type(exc).__name__)
            text = FAILED
        else:
            text = added_text(content.label, added)
        await self._show(client, view, text)

    async def _show(self, client: AsyncWebClient, view: Body, text: str) -> None:
        try:
            await client.views_update(view_id=view.get("id"), view=message_view(TITLE, text))
        except SlackApiError as exc:  # the officer closed the modal meanwhile
            log.info("slack watchlist: the outcome could not be shown: %s", _slack_error(exc))


def _actor(body: Body) -> Actor:
    user = body.get("user") or {}
    name = user.get("name") or user.get("username")
    return Actor("slack", str(user.get("id") or ""), str(name) if name else None)


def _slack_error(exc: SlackApiError) -> str:
    data = getattr(exc.response, "data", None)
    return str(data.get("error")) if isinstance(data, dict) else type(exc).__name__
