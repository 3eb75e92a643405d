"""Slack: the reporter's side (DMs, App Home, /report, the message shortcut); inbox/: the security channel."""
