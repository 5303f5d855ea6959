"""The trajectory of one instrument's scores, drawn on the server as SVG (no JavaScript).

Scores by the date completed, on the instrument's whole score range, with its bands as pale
alternating shading (each labelled) and the clinical cut-off as a dashed line. The markers come
from ``hiu.svg_geometry``, as the activity chart's do, so both charts look alike; this module
works out the geometry and ``outcomes/_chart.jinja`` writes the SVG. The page repeats every
number in a table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from hiu.outcomes import Instrument
from hiu.svg_geometry import PlotFrame, Tick, marker_path
from hiu.web.formatting import format_date

WIDTH = 640
HEIGHT = 260
LEFT, RIGHT, TOP, BOTTOM = 44, 150, 16, 40
PLOT_WIDTH = WIDTH - LEFT - RIGHT
PLOT_HEIGHT = HEIGHT - TOP - BOTTOM
LINE = "#005eb8"
CUTOFF = "#d5281b"
SHADES = ("#f0f4f5", "#ffffff")


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: float
    on: dt.date
    marker: str


@dataclass(frozen=True)
class Shade:
    y: float
    height: float
    fill: str
    label: str
    label_y: float


@dataclass(frozen=True)
class TrajectoryChart(PlotFrame):
    path: str
    points: list[Point]
    shades: list[Shade]
    cutoff_y: float | None
    cutoff_label: str
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    title: str
    description: str
    colour: str = LINE
    cutoff_colour: str = CUTOFF


def score_text(value: float) -> str:
    """A score as the manuals print it: whole numbers plain, others to one decimal place."""
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"


def trajectory_chart(
    instrument: Instrument, values: Sequence[tuple[dt.date, float]], what: str, who: str
) -> TrajectoryChart:
    """``values``: (date completed, score) in date order; ``what`` names the score ("total
    score", "life satisfaction")."""
    low, high = instrument.score_range
    span = (high - low) or 1.0
    first, last = values[0][0], values[-1][0]
    days = (last - first).days

    def x_of(day: dt.date) -> float:
        if days == 0:
            return LEFT + PLOT_WIDTH / 2
        return LEFT + 12 + (day - first).days / days * (PLOT_WIDTH - 24)

    def y_of(value: float) -> float:
        return TOP + PLOT_HEIGHT - (min(max(value, low), high) - low) / span * PLOT_HEIGHT

    points = [
        Point(x_of(on), y_of(v), v, on, marker_path("circle", x_of(on), y_of(v)))
        for on, v in values
    ]
    path = "M" + "L".join(f"{p.x:.1f} {p.y:.1f}" for p in points)
    shades = []
    bands = [b for b in instrument.bands if b.lower <= high]
    for index, band in enumerate(bands):
        upper = bands[index + 1].lower if index + 1 < len(bands) else high
        top_y, bottom_y = y_of(upper), y_of(band.lower)
        shades.append(
            Shade(
                top_y,
                bottom_y - top_y,
                SHADES[index % 2],
                band.label,
                (top_y + bottom_y) / 2 + 4,
            )
        )
    cutoff = instrument.clinical_cutoff
    step = max(1, round(span / 5))
    y_ticks = [Tick(y_of(v), score_text(v)) for v in _steps(low, high, step)]
    x_ticks = [Tick(p.x, format_date(p.on)) for p in _spread(points)]
    title = f"{instrument.name} {what} by date completed"
    numbers = "; ".join(f"{score_text(v)} on {format_date(on)}" for on, v in values)
    direction = (
        "Higher scores are better." if instrument.higher_is_better else "Lower scores are better."
    )
    cut = (
        f" The dashed line is the clinical cut-off, {score_text(cutoff)}."
        if cutoff is not None
        else ""
    )
    description = (
        f"{who}'s {instrument.name} {what} (possible scores {score_text(low)} to "
        f"{score_text(high)}): {numbers}. "
        f"{direction}{cut} The table below the chart gives the same numbers."
    )
    return TrajectoryChart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        top=TOP,
        plot_width=PLOT_WIDTH,
        plot_height=PLOT_HEIGHT,
        path=path,
        points=points,
        shades=shades,
        cutoff_y=y_of(cutoff) if cutoff is not None else None,
        cutoff_label=f"Cut-off {score_text(cutoff)}" if cutoff is not None else "",
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        title=title,
        description=description,
    )


def _steps(low: float, high: float, step: int) -> list[float]:
    found, value = [], low
    while value <= high:
        found.append(value)
        value += step
    return found


def _spread(points: list[Point]) -> list[Point]:
    """Points whose dates fit under the axis without overlapping (about 90px a label)."""
    shown: list[Point] = []
    for point in points:
        if not shown or point.x - shown[-1].x >= 90:
            shown.append(point)
    return shown
