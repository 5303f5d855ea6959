"""Chart geometry for the evaluation: grouped bars and monthly lines, drawn as inline SVG.

This module works out positions and sizes only; ``templates/_charts.jinja`` writes the SVG, and
the page puts a table of the same numbers beside every chart. The style follows the casework
activity chart (``hiu.web.clients.chart``): NHS identity colours, and never colour alone -
each line has its own dash and marker, "after" bars are hatched, and every bar carries its
value as text. Tick steps and marker shapes come from ``hiu.svg_geometry``, shared with it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from hiu.svg_geometry import PlotFrame, Tick, marker_path, nice_scale

Formatter = Callable[[float], str]


@dataclass(frozen=True)
class Style:
    colour: str
    dash: str = ""  # stroke-dasharray, "" for a solid line
    marker: str = "circle"  # circle, square, triangle, diamond
    hatched: bool = False  # bars: white diagonal hatching over the fill
    outlined: bool = False  # bars: white inside an edge of the colour (a third kind of bar)


def ticks(top: float, step: float, places: int, position: Callable[[float], float]) -> list[Tick]:
    count = round(top / step)
    return [Tick(position(i * step), f"{i * step:,.{places}f}") for i in range(count + 1)]


# Bars ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BarValue:
    """One bar's input: which group it belongs to, which series, and its value (None: no bar)."""

    group: str
    group_label: str
    series: str
    value: float | None


@dataclass(frozen=True)
class Bar:
    group: str
    series: str
    series_label: str
    value: float | None
    text: str
    x: float
    y: float
    width: float
    height: float
    style: Style


@dataclass(frozen=True)
class GroupLabel:
    x: float
    label: str


@dataclass(frozen=True)
class KeyItem:
    series: str
    label: str
    style: Style
    key_marker: str = ""


@dataclass(frozen=True)
class BarChart(PlotFrame):
    id: str
    title: str
    description: str
    bars: list[Bar]
    groups: list[GroupLabel]
    y_ticks: list[Tick]
    key: list[KeyItem]
    axis_label: str


def bar_chart(
    chart_id: str,
    title: str,
    description: str,
    values: Sequence[BarValue],
    series: Sequence[tuple[str, str, Style]],
    fmt: Formatter,
    axis_label: str,
    *,
    width: int = 420,
    height: int = 250,
) -> BarChart:
    """Bars in groups (one slot per group, one bar per series inside it), heights in proportion
    to the values from a zero baseline. A missing value leaves its slot empty, labelled "n/a"."""
    left, right, top, bottom = 52, 8, 30, 44
    plot_width, plot_height = width - left - right, height - top - bottom
    group_keys = list(dict.fromkeys(v.group for v in values))
    group_labels = {v.group: v.group_label for v in values}
    styles = {key: (label, style) for key, label, style in series}
    peak = max((v.value for v in values if v.value is not None), default=0.0)
    top_value, step, places = nice_scale(peak)
    slot = plot_width / max(len(group_keys), 1)
    bar_width = min(34.0, slot * 0.8 / max(len(series), 1))
    base = top + plot_height

    def y_of(value: float) -> float:
        return base - max(value, 0.0) / top_value * plot_height

    bars = []
    for value in values:
        g = group_keys.index(value.group)
        s = [key for key, _, _ in series].index(value.series)
        first = left + g * slot + (slot - bar_width * len(series)) / 2
        x = first + s * bar_width
        label, style = styles[value.series]
        if value.value is None:
            bars.append(
                Bar(value.group, value.series, label, None, "n/a", x, base, bar_width, 0.0, style)
            )
            continue
        y = y_of(value.value)
        bars.append(
            Bar(
                value.group,
                value.series,
                label,
                value.value,
                fmt(value.value),
                x,
                y,
                bar_width,
                base - y,
                style,
            )
        )
    groups = [
        GroupLabel(left + (i + 0.5) * slot, group_labels[key]) for i, key in enumerate(group_keys)
    ]
    key = [KeyItem(k, label, style) for k, label, style in series]
    return BarChart(
        id=chart_id,
        title=title,
        description=description,
        width=width,
        height=height,
        left=left,
        top=top,
        plot_width=plot_width,
        plot_height=plot_height,
        bars=bars,
        groups=groups,
        y_ticks=ticks(top_value, step, places, y_of),
        key=key,
        axis_label=axis_label,
    )


# Lines --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: float
    marker: str  # SVG path; blank for a circle


@dataclass(frozen=True)
class LineSeries:
    key: str
    label: str
    style: Style
    path: str
    points: list[Point]
    key_marker: str


@dataclass(frozen=True)
class LineChart(PlotFrame):
    id: str
    title: str
    description: str
    series: list[LineSeries]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    #: A vertical line at the start of one x slot (for the trajectory: the engaged date).
    marker_x: float | None
    marker_label: str
    axis_label: str


def line_chart(
    chart_id: str,
    title: str,
    description: str,
    x_values: Sequence[int],
    series: Sequence[tuple[str, str, Style, Sequence[float | None]]],
    axis_label: str,
    *,
    mark_at: int | None = None,
    mark_label: str = "",
    x_label: Callable[[int], str] = str,
    width: int = 560,
    height: int = 280,
) -> LineChart:
    """One line per series over evenly spaced x slots; a null value breaks the line there
    rather than drawing it through zero. ``mark_at`` draws a vertical line at the start of
    that slot."""
    left, right, top, bottom = 52, 12, 26, 40
    plot_width, plot_height = width - left - right, height - top - bottom
    slot = plot_width / max(len(x_values), 1)
    peak = max((v for *_, values in series for v in values if v is not None), default=0.0)
    top_value, step, places = nice_scale(peak)
    base = top + plot_height

    def y_of(value: float) -> float:
        return base - max(value, 0.0) / top_value * plot_height

    lines = []
    for key, label, style, values in series:
        points: list[Point] = []
        path: list[str] = []
        pen_down = False
        for i, value in enumerate(values):
            if value is None:
                pen_down = False
                continue
            x, y = left + (i + 0.5) * slot, y_of(value)
            points.append(Point(x, y, value, marker_path(style.marker, x, y)))
            path.append(f"{'L' if pen_down else 'M'}{x:.1f} {y:.1f}")
            pen_down = True
        lines.append(
            LineSeries(key, label, style, "".join(path), points, marker_path(style.marker, 18, 7))
        )
    every = max(1, math.ceil(len(x_values) / 12))
    x_ticks = [
        Tick(left + (i + 0.5) * slot, x_label(x))
        for i, x in enumerate(x_values)
        if i % every == 0 or x == mark_at
    ]
    marker_x = (
        left + list(x_values).index(mark_at) * slot
        if mark_at is not None and mark_at in x_values
        else None
    )
    return LineChart(
        id=chart_id,
        title=title,
        description=description,
        width=width,
        height=height,
        left=left,
        top=top,
        plot_width=plot_width,
        plot_height=plot_height,
        series=lines,
        x_ticks=x_ticks,
        y_ticks=ticks(top_value, step, places, y_of),
        marker_x=marker_x,
        marker_label=mark_label,
        axis_label=axis_label,
    )
