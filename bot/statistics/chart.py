"""The statistics as a PNG chart (matplotlib, Agg backend: no display, safe in any thread).

Three panels sharing the weeks: reports by kind of approach and by where it happened (stacked
bars, one series per kind or channel seen), and staff's contact checks. A Figure is built
directly, not through pyplot, so no global state is touched and renders can run side by side.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence

from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from PIL import Image

from bot.statistics.labels import channel_label, hours_label, kind_label
from bot.statistics.model import Statistics, WeekCounts

PNG_MEDIA_TYPE = "image/png"
# matplotlib's "tab10" and "Dark2" qualitative palettes, by name so output does not depend on rc.
_KIND_COLOURS = "tab10"
_CHANNEL_COLOURS = "Dark2"


def build_figure(stats: Statistics, *, width: float = 10.0, height: float = 8.0) -> Figure:
    """The chart as a matplotlib Figure (tests look at its bars before it is saved)."""
    figure = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(figure)
    kinds_axes, channels_axes, checks_axes = figure.subplots(3, 1, sharex=True, height_ratios=(3, 3, 1.4))
    # Positions, not the labels, on the x axis: "09 Nov" would be taken for a date or a number.
    labels = list(range(len(stats.weeks)))
    _stacked(
        kinds_axes, labels, stats.weeks, list(stats.by_kind), lambda w: w.by_kind, kind_label, _KIND_COLOURS
    )
    kinds_axes.set_title("Reports per week by kind of approach (a report of several kinds counts in each)")
    _stacked(
        channels_axes,
        labels,
        stats.weeks,
        list(stats.by_channel),
        lambda w: w.by_channel,
        channel_label,
        _CHANNEL_COLOURS,
    )
    channels_axes.set_title("Reports per week by where the approach happened")
    checks = [w.checks for w in stats.weeks]
    checks_axes.bar(labels, checks, color="#6b6b6b", label="Contact checks")
    checks_axes.set_ylim(0, max([*checks, 1]) * 1.15)
    checks_axes.set_title("Contact checks by staff per week")
    checks_axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    checks_axes.set_xticks(labels, [f"{w.starts_on:%d %b}" for w in stats.weeks])
    checks_axes.tick_params(axis="x", labelrotation=45 if len(labels) > 8 else 0)
    figure.suptitle(
        f"Tipline: {stats.reports} report{'' if stats.reports == 1 else 's'} since {stats.since:%d %b %Y}. "
        f"Median to acknowledge {hours_label(stats.median_to_acknowledge_hours)}, "
        f"to an outcome {hours_label(stats.median_to_outcome_hours)}",
        fontsize="medium",
    )
    return figure


def render_png(stats: Statistics, *, width: float = 10.0, height: float = 8.0, dpi: int = 100) -> bytes:
    figure = build_figure(stats, width=width, height=height)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def _stacked(
    axes: Axes,
    labels: Sequence[int],
    weeks: Sequence[WeekCounts],
    keys: Sequence[str],
    counts: Callable[[WeekCounts], Mapping[str, int]],
    name: Callable[[str], str],
    palette: str,
) -> None:
    """One bar series per key, stacked, largest overall at the bottom."""
    colours = colormaps[palette]
    bottom = [0] * len(weeks)
    for index, key in enumerate(keys):
        values = [counts(w).get(key, 0) for w in weeks]
        axes.bar(labels, values, bottom=bottom, label=name(key), color=colours(index % colours.N))
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    if not keys:
        axes.text(0.5, 0.5, "No reports in these weeks", ha="center", va="center", transform=axes.transAxes)
    else:
        axes.legend(loc="upper left", fontsize="small", ncols=2, frameon=False)
    axes.set_ylabel("Reports")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylim(0, max([*bottom, 1]) * 1.35)  # room for the legend above the tallest bar


# Sizes to try for a chart that must travel inside a message (largest first): inches and dots per inch.
COMPACT_SIZES: tuple[tuple[float, float, int], ...] = ((9.0, 7.2, 72), (9.0, 7.2, 60), (9.0, 7.2, 48))


def compact_png(stats: Statistics, max_bytes: int) -> bytes | None:
    """The chart small enough to travel inside a message (a Teams card's data: URI): the largest
    of COMPACT_SIZES that fits in `max_bytes` once reduced to a 32-colour palette (the chart has
    fewer colours than that, so nothing is lost but anti-aliasing); None when none fits."""
    for width, height, dpi in COMPACT_SIZES:
        png = _palette(render_png(stats, width=width, height=height, dpi=dpi))
        if len(png) <= max_bytes:
            return png
    return None


def _palette(png: bytes) -> bytes:
    with Image.open(io.BytesIO(png)) as image:
        reduced = image.convert("RGB").quantize(colors=32, method=Image.Quantize.MEDIANCUT)
        buffer = io.BytesIO()
        reduced.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
