"""Statistics for the security team: reports per week by kind of approach and by channel, checks,
and how quickly reports are acknowledged and closed. Pure computation (compute), what it needs
from storage (ports), plain text (text) and the chart (chart, matplotlib's Agg backend)."""

from bot.statistics.compute import compute, default_since
from bot.statistics.model import CheckFacts, ReportFacts, Statistics, WeekCounts

__all__ = ["CheckFacts", "ReportFacts", "Statistics", "WeekCounts", "compute", "default_since"]
