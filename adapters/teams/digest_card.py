"""The weekly statistics digest in the Teams security channel: an Adaptive Card with the headline
figures and the chart as an Image element.

The chart travels inside the card as a data: URI (Adaptive Cards 1.2+ accept one for an Image's
url). Teams' other ways to show an image need it at an https address Teams can fetch without
signing in, which would put the security team's statistics on a public URL, or a file in
SharePoint, which a bot cannot write to in a channel without Graph permissions. The price is
Teams' limit on a message (about 28 KB, card included): the chart is drawn smaller and with a
32-colour palette (bot.statistics.chart.compact_png) so that it fits beside the words; if it
ever cannot, the card says so and names the command that draws it.
"""

from __future__ import annotations

import asyncio
import base64
from typing import Any

from adapters.teams.card_parts import MAX_CARD_BYTES, activity, card_bytes, subtle, text_block, words
from adapters.teams.text import escape
from bot.statistics.digest import DigestPayload
from bot.statistics.digest_text import digest_lines

ALT_TEXT = "Reports per week by kind of approach and by channel, and contact checks by staff"
# Room kept for the Image element's own JSON and what the Bot Framework adds to an activity.
MARGIN = 600


def digest_activity(payload: DigestPayload, chart: bytes | None) -> dict[str, Any]:
    head, *lines = digest_lines(payload)
    body: list[dict[str, Any]] = [text_block(escape(head), weight="Bolder", size="Medium")]
    body += [text_block(escape(line), spacing="Small") for line in lines[:-1]]
    if chart is not None:
        url = "data:image/png;base64," + base64.b64encode(chart).decode("ascii")
        body.append({"type": "Image", "url": url, "altText": ALT_TEXT, "size": "Stretch"})
    else:
        body.append(subtle(escape("The chart was too large for a Teams message: run reports stats --png.")))
    body.append(subtle(escape(lines[-1]), separator=True))
    return activity(words(head), body)


async def digest_card(payload: DigestPayload) -> dict[str, Any]:
    """The card with the largest chart that keeps it under Teams' limit."""
    from bot.statistics.chart import compact_png  # matplotlib: loaded by the first digest only

    room = MAX_CARD_BYTES - card_bytes(digest_activity(payload, None)) - MARGIN
    chart = await asyncio.to_thread(compact_png, payload.statistics, room * 3 // 4)  # base64: 4 per 3
    return digest_activity(payload, chart)
