"""Moved to bot.outbox, the one outbox writer; this name stays for existing imports."""

from bot.outbox import queue_event

__all__ = ["queue_event"]
