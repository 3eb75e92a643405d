"""One inbound chat message, however it came: its files (evidence) and its words (an action),
taken by one call with one dedupe convention for every platform.

A platform sends files and text as one message with one id. The files are attached first (so the
words can refer to them), then the words are a turn of their own; the words keep the message's id
and the files take `<id>:files`, so a redelivery repeats neither half. What both halves said is
one Reply, in that order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from bot.conversation import ConversationKey, Reply
from bot.report import EvidenceFile, Reporter
from bot.service import ReportingService
from flows.actions import UserAction


def files_event(source: str, dedupe_id: str) -> tuple[str, str]:
    """The dedupe id of a message's files (its words keep the message's own)."""
    return (source, f"{dedupe_id}:files")


async def receive(
    service: ReportingService,
    key: ConversationKey,
    reporter: Reporter,
    action: UserAction | None,
    files: Sequence[EvidenceFile],
    source: str,
    dedupe_id: str,
) -> Reply:
    """Attach `files`, then take `action`; a duplicate Reply when the platform sent it all before."""
    attached: Reply | None = None
    if files:
        attached = await service.attach_files(key, reporter, files, files_event(source, dedupe_id))
    if action is None:
        return attached if attached is not None else Reply([], False)
    handled = await service.handle(key, reporter, action, (source, dedupe_id))
    if attached is None or attached.duplicate:
        return handled
    if handled.duplicate:
        return attached
    return replace(
        handled,
        messages=[*attached.messages, *handled.messages],
        queued=attached.queued + handled.queued,
    )
