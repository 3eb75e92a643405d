"""The console chat: the bot in a terminal, or driven by a script over a pipe."""

from __future__ import annotations

import asyncio
import contextlib
import sys
import threading
from typing import TextIO

from adapters.console.render import render, safe
from bot.conversation import ConversationKey
from bot.idle import IDLE_TOKEN
from bot.messages import Message, Question, TextAnswer
from bot.report import Reporter
from bot.service import ReportingService

PROMPT = "> "


async def run_chat(
    service: ReportingService,
    user: str,
    workspace: str,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> int:
    """Chat until the report is finished or input ends; the draft is saved after every answer."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    key = ConversationKey("console", workspace, user)
    reporter = Reporter(platform="console", user_id=user, display_name=user, workspace=workspace)
    loop = asyncio.get_running_loop()

    reply = await service.open(key, reporter)
    _show(reply.messages, stdout)
    while reply.in_progress or _offers_a_report(reply.messages):
        stdout.write(PROMPT)
        stdout.flush()
        # readline in a thread: works the same for a terminal and a pipe, and keeps the loop free
        # for the delivery worker.
        line = await _read_line(loop, stdin)
        if line and not _is_terminal(stdin):
            # A piped script's answers are not echoed by a terminal; show them so the transcript reads.
            stdout.write(safe(line.rstrip("\n")) + "\n")
        if line == "":
            if not reply.in_progress:
                stdout.write("\n")
                stdout.flush()
                return 0
            if reply.reference and not reply.unsent_detail:
                stdout.write(f"\nYour report {reply.reference} has been sent. ")
                stdout.write("To add detail later, run the chat again.\n")
                stdout.flush()
                return 0
            stdout.write(
                "\nYour answers so far are saved. Run the chat again to carry on where you left off.\n"
            )
            if reply.unsent_detail:
                stdout.write(
                    "The detail you've added since sending is not with the security team yet: "
                    "come back and send it when you can.\n"
                )
            stdout.flush()
            return 0
        reply = await service.handle(key, reporter, TextAnswer(line.rstrip("\n")))
        _show(reply.messages, stdout)
    return 0


def _read_line(loop: asyncio.AbstractEventLoop, stdin: TextIO) -> asyncio.Future[str]:
    """stdin.readline in a daemon thread: a stop (SIGTERM) need not wait for a line nobody types,
    as it would for a thread of the loop's pool, which the interpreter joins on exit."""
    future: asyncio.Future[str] = loop.create_future()

    def settle(line: str | None, error: BaseException | None) -> None:
        if future.done():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(line or "")

    def read() -> None:
        line, error = None, None
        try:
            line = stdin.readline()
        except Exception as exc:
            error = exc
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile: nobody is waiting
            loop.call_soon_threadsafe(settle, line, error)

    threading.Thread(target=read, name="console-stdin", daemon=True).start()
    return future


def _offers_a_report(messages: list[Message]) -> bool:
    """The bot offered to start a report: stay for the answer."""
    return bool(messages) and isinstance(messages[-1], Question) and messages[-1].token == IDLE_TOKEN


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except ValueError:
        return False


def _show(messages: list[Message], out: TextIO) -> None:
    for message in messages:
        out.write("\n" + render(message) + "\n")
    out.flush()
