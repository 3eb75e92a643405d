"""Microsoft Teams: the reporter's personal chat and the security inbox channel, on botbuilder.

Every botbuilder import of the product lives under this package, so the transport can be
swapped for the Microsoft 365 Agents SDK without touching the core.
"""
