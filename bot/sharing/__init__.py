"""Sharing what the security team learned with partners: STIX 2.1 and MISP, reporter left out.

subject: the reporter-free view of one persona (every format is written from it);
stix, misp: the formats, through the stix2 and pymisp libraries; tlp: the marking levels.
"""

from bot.sharing.subject import Subject, from_report, from_reports
from bot.sharing.tlp import DEFAULT_TLP, Tlp, parse_tlp

__all__ = ["DEFAULT_TLP", "Subject", "Tlp", "from_report", "from_reports", "parse_tlp"]
