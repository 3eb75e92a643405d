"""The chart: one stacked bar series per kind and per channel seen, a bar per week, and a PNG that
decodes back to an image of the expected size."""

from __future__ import annotations

import io
from datetime import timedelta

import matplotlib.image
from matplotlib.container import BarContainer

from bot.statistics import compute
from bot.statistics.chart import build_figure, render_png
from tests.statistics.seed import NOW, THIS_WEEK, at, check, facts

WEEKS = 4


def _stats():
    reports = [
        facts(at(3), kinds=("recruiter", "payment_offer"), channel="linkedin"),
        facts(at(3, day=2), kinds=("recruiter",), channel="linkedin"),
        facts(at(1), kinds=("consultancy",), channel="email"),
        facts(at(0), kinds=("recruiter",), channel=None),
    ]
    return compute(reports, [check(at(2)), check(at(0))], THIS_WEEK - timedelta(weeks=WEEKS - 1), NOW)


def _series(axes) -> dict[str, list[float]]:
    return {
        str(bars.get_label()): [patch.get_height() for patch in bars.patches]
        for bars in axes.containers
        if isinstance(bars, BarContainer)
    }


def test_the_kinds_panel_has_a_series_per_kind_and_a_bar_per_week():
    kinds, channels, checks = build_figure(_stats()).axes
    assert _series(kinds) == {
        "Recruiter or headhunter": [2, 0, 0, 1],
        "Offer of payment": [1, 0, 0, 0],
        'Paid consultancy or "insight" work': [0, 0, 1, 0],
    }
    assert _series(channels) == {"LinkedIn": [2, 0, 0, 0], "Email": [0, 0, 1, 0], "Not said": [0, 0, 0, 1]}
    assert _series(checks) == {"Contact checks": [0, 1, 0, 1]}
    assert [t.get_text() for t in checks.get_xticklabels()] == ["23 Feb", "02 Mar", "09 Mar", "16 Mar"]


def test_series_are_stacked_on_each_other():
    kinds = build_figure(_stats()).axes[0]
    first, second = kinds.containers[0], kinds.containers[1]
    assert second.patches[0].get_y() == first.patches[0].get_height()  # 1 on top of 2


def test_the_png_decodes_to_an_image_of_the_asked_size():
    png = render_png(_stats(), width=10, height=8, dpi=100)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000
    pixels = matplotlib.image.imread(io.BytesIO(png), format="png")
    assert pixels.shape[:2] == (800, 1000)
    assert pixels[..., :3].std() > 0.05  # not a blank canvas


def test_a_quiet_period_still_draws_a_chart_saying_so():
    empty = compute([], [], THIS_WEEK, NOW)
    kinds = build_figure(empty).axes[0]
    assert _series(kinds) == {}
    assert "No reports in these weeks" in [t.get_text() for t in kinds.texts]
    assert render_png(empty).startswith(b"\x89PNG")
