"""The statistics computed from known facts: weeks, counts by kind and channel, checks, medians."""

from __future__ import annotations

from datetime import timedelta

from bot.statistics import compute, default_since
from tests.statistics.seed import NOW, THIS_WEEK, at, check, facts


def test_every_week_from_since_to_now_is_listed_quiet_ones_as_zero():
    stats = compute([facts(at(3)), facts(at(0, day=1))], [], THIS_WEEK - timedelta(weeks=3), NOW)
    assert [w.starts_on for w in stats.weeks] == [THIS_WEEK - timedelta(weeks=n) for n in (3, 2, 1, 0)]
    assert [w.reports for w in stats.weeks] == [1, 0, 0, 1]
    assert stats.reports == 2


def test_a_report_of_two_kinds_counts_once_per_kind_and_once_in_the_total():
    stats = compute(
        [facts(at(1), kinds=("recruiter", "payment_offer")), facts(at(1, day=2), kinds=("recruiter",))],
        [],
        THIS_WEEK - timedelta(weeks=1),
        NOW,
    )
    assert stats.by_kind == {"recruiter": 2, "payment_offer": 1}
    assert stats.weeks[0].by_kind == {"recruiter": 2, "payment_offer": 1}
    assert stats.weeks[0].reports == 2


def test_channels_count_the_unsaid_as_unknown_and_platforms_are_counted():
    stats = compute(
        [
            facts(at(0), channel="email", platform="teams"),
            facts(at(0), channel=None),
            facts(at(0), channel="email"),
        ],
        [],
        THIS_WEEK,
        NOW,
    )
    assert stats.by_channel == {"email": 2, "unknown": 1}
    assert stats.by_platform == {"slack": 2, "teams": 1}


def test_medians_to_acknowledge_and_to_an_outcome_in_hours():
    reports = [
        facts(at(1), ack_after=1, outcome_after=24),
        facts(at(1), ack_after=3, outcome_after=72, outcome="likely_hostile"),
        facts(at(1), ack_after=10),
        facts(at(1)),  # still new: in no median
    ]
    stats = compute(reports, [], THIS_WEEK - timedelta(weeks=1), NOW)
    assert (stats.acknowledged, stats.median_to_acknowledge_hours) == (3, 3.0)
    assert (stats.closed_with_outcome, stats.median_to_outcome_hours) == (2, 48.0)
    assert stats.by_outcome == {"benign": 1, "likely_hostile": 1}


def test_nothing_acknowledged_has_no_median_rather_than_zero():
    stats = compute([facts(at(0))], [], THIS_WEEK, NOW)
    assert stats.median_to_acknowledge_hours is None and stats.median_to_outcome_hours is None


def test_checks_are_counted_per_week_and_by_outcome():
    checks = [check(at(1)), check(at(1, day=6), "named"), check(at(0), "named")]
    stats = compute([], checks, THIS_WEEK - timedelta(weeks=1), NOW)
    assert [w.checks for w in stats.weeks] == [2, 1]
    assert stats.checks_by_outcome == {"named": 2, "questionnaire": 1}


def test_facts_before_since_are_left_out():
    stats = compute([facts(at(2)), facts(at(0))], [check(at(2))], THIS_WEEK, NOW)
    assert (stats.reports, stats.checks, len(stats.weeks)) == (1, 0, 1)


def test_the_default_is_twelve_whole_weeks_this_one_included():
    assert default_since(NOW) == THIS_WEEK - timedelta(weeks=11)
    assert default_since(NOW).weekday() == 0
