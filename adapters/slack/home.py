"""The App Home tab: what to report and why, a button to start, and the reporter's own reports."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    DividerBlock,
    HeaderBlock,
    PlainTextObject,
)
from slack_sdk.models.views import View

from adapters.slack import blocks as ui
from bot.messages import Message, SummaryCard, Text
from bot.report import Reporter
from bot.reporter_desk import ADD
from bot.service import ReportingService

log = logging.getLogger(__name__)

HOME_INTRO = (
    "If someone has approached you in a way that felt wrong, tell the security team here. "
    "For example: a recruiter or headhunter you don't know, an offer of paid “insight” or "
    "consultancy work, an invitation to a paid trip, an offer of cash or cryptocurrency, or "
    "questions about your team or internal matters."
)
HOME_WHY = (
    "Being approached is not your fault, and no approach is too small: many small reports "
    "together help the security team spot a pattern. Until they have been in touch, please don't "
    "reply or accept anything, and don't delete anything — it is evidence."
)
MAX_ROWS = 30  # a home view holds 100 blocks


def home_view(reports: Sequence[Message]) -> View:
    """Pure: the home tab for a reporter whose reports are described by `reports` (the service's
    "my reports" card, or a line saying there are none)."""
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text="Report a suspicious approach")),
        ui.section(ui.escape(HOME_INTRO)),
        ui.section(ui.escape(HOME_WHY)),
        ActionsBlock(
            block_id="home|start",
            elements=[
                ButtonElement(
                    text="Report a suspicious approach",
                    action_id=ui.HOME_REPORT,
                    value="report",
                    style="primary",
                ),
                ButtonElement(text="My reports", action_id=ui.HOME_MY_REPORTS, value="my-reports"),
                ButtonElement(text="Check a contact", action_id=ui.HOME_CHECK, value="check"),
            ],
        ),
        DividerBlock(),
        HeaderBlock(text=PlainTextObject(text="Your reports")),
        *_reports(reports),
        ui.context("Only you can see this page. What you report goes to the security team only."),
    ]
    return View(type="home", blocks=blocks)


def _reports(reports: Sequence[Message]) -> list[Block]:
    shown: list[Block] = []
    for message in reports:
        if isinstance(message, SummaryCard):
            adds = {a.value.removeprefix(ADD): a for a in message.actions if a.value.startswith(ADD)}
            for n, row in enumerate(message.fields[:MAX_ROWS]):
                label = "*" + ui.fit(row.label, 200) + "*\n"
                add = adds.get(row.label)
                button = None
                if add is not None:
                    button = ButtonElement(
                        text=ui.plain("Add information", ui.BUTTON_TEXT),
                        action_id=f"{ui.HOME_ADD}{n}",
                        value=add.value[: ui.BUTTON_VALUE],
                    )
                block = ui.block_id(message.token, f"home{n}")
                shown.append(
                    ui.section(label + ui.fit(row.value, ui.SECTION_TEXT - len(label)), block, button)
                )
        elif isinstance(message, Text):
            shown.append(ui.section(ui.fit(message.text, ui.SECTION_TEXT)))
    return shown or [ui.section("You haven't sent any reports yet.")]


async def reports_of(service: ReportingService, reporter: Reporter) -> list[Message]:
    """The reporter's reports as the service's "my reports" shows them; read only (no news is
    marked delivered, no conversation changes)."""
    return await service.my_reports(reporter)


async def publish_home(client: Any, service: ReportingService, reporter: Reporter) -> None:
    try:
        reports = await reports_of(service, reporter)
    except Exception:
        log.exception("could not read the reports for the home tab")
        reports = [Text("Your reports can't be shown just now. Type “my reports” in Messages to see them.")]
    await client.views_publish(user_id=reporter.user_id, view=home_view(reports).to_dict())
