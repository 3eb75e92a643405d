"""Logging for the process: our own lines as written, every library's line cut short of any
body, payload or parameter it quotes, and no library traceback.

Libraries log what they received or sent: Bolt's failed signature check quotes the whole
request body (what the reporter typed), slack_sdk and msrest dump requests and responses at
DEBUG, asyncio's "Task exception was never retrieved" and aiohttp's "Error handling request"
carry an exception's message and traceback. Our own code logs ids, references and exception
class names only. So the one rule, applied where each record is made (the record factory:
whatever handler a deployer adds sees the same), is: a record from a logger that is not ours
keeps its words up to the first thing that looks like quoted data, and its traceback becomes
the exception's class name.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Callable
from typing import Any

# Our loggers: module names under our packages, and "tipline.*" (except the logger we hand Bolt).
OURS = ("tipline", "bot", "adapters", "flows", "storage", "app", "__main__")
LENT_TO_LIBRARIES = ("tipline.slack.bolt",)
# Libraries that log request bodies or statement parameters at DEBUG: held at INFO or above.
QUIET_LIBRARIES = (
    "slack_sdk",
    "slack_bolt",
    "tipline.slack.bolt",
    "aiohttp",
    "aiosqlite",
    "asyncio",
    "botbuilder",
    "botframework",
    "msrest",
    "msal",
    "urllib3",
    "requests_oauthlib",
)
# Where quoted data starts in a library's message: a bracket or quote, a key=value, a field named
# like a body, or a new line (a repr or a dump follows).
_DATA = re.compile(
    r"""[\n{}\[\]()<>"'=]|\b(?:body|payload|data|json|params|parameters|text|query|headers|token)\b\s*[:=]""",
    re.IGNORECASE,
)
MAX_LIBRARY_LINE = 160
_installed: Callable[..., logging.LogRecord] | None = None


def is_ours(name: str) -> bool:
    if name in LENT_TO_LIBRARIES or name.startswith(tuple(n + "." for n in LENT_TO_LIBRARIES)):
        return False
    return name in OURS or name.startswith(tuple(n + "." for n in OURS))


def scrub(message: str) -> str:
    """A library's message cut before the first thing that may be quoted data."""
    found = _DATA.search(message)
    kept = message if found is None else message[: found.start()]
    kept = kept.rstrip(" :,;-")
    if len(kept) > MAX_LIBRARY_LINE:
        kept = kept[:MAX_LIBRARY_LINE]
    if kept != message:
        kept += " [details withheld]"
    return kept


def _private(record: logging.LogRecord) -> logging.LogRecord:
    if is_ours(record.name):
        return record
    try:
        message = record.getMessage()
    except Exception:  # a library's own bad format string: its template is all we can keep
        message = str(record.msg)
    text = scrub(message)
    if record.exc_info and record.exc_info[0] is not None:
        text += f" ({record.exc_info[0].__name__})"
    record.msg, record.args = text, ()
    record.exc_info, record.exc_text, record.stack_info = None, None, None
    return record


def install_record_scrubber() -> None:
    """From now on, every library record is scrubbed as it is made (idempotent)."""
    global _installed
    if _installed is not None:
        return
    make = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return _private(make(*args, **kwargs))

    logging.setLogRecordFactory(factory)
    _installed = make


def uninstall_record_scrubber() -> None:
    """Back to the factory there was before (for tests)."""
    global _installed
    if _installed is not None:
        logging.setLogRecordFactory(_installed)
        _installed = None


def configure_logging(level: str | int) -> None:
    """The process's logging: one line per record on stderr, libraries quiet and scrubbed."""
    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    root = logging.getLogger().level
    logging.getLogger("alembic").setLevel(max(logging.WARNING, root))
    for library in QUIET_LIBRARIES:
        logging.getLogger(library).setLevel(max(logging.INFO, root))
    # SQLAlchemy echoes every statement at INFO.
    logging.getLogger("sqlalchemy").setLevel(max(logging.WARNING, root))
    install_record_scrubber()
