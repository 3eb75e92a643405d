"""Microsoft Teams: the reporter's personal chat and the security inbox channel, on botbuilder or
the Microsoft 365 Agents SDK (TEAMS_SDK; transport.py is the interface between them and the rest).

Each SDK's imports live in its transport module(s) only (import-linter), so the core, the cards
and the converters never see either.
"""
