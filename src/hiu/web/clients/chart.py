"""The activity chart, drawn on the server as SVG: no JavaScript, and readable without colour.

Four lines (one per measure), each with its own colour, dash and marker shape; each phase of
each episode as a shaded band with its own colour and pattern; intervention start dates as
numbered vertical lines; months not yet imported as a grey hatched band labelled so, with no
line drawn across them (a line drawn at zero there would look like the fall in use the service
hopes for, when the data has simply not arrived). This module works out the geometry;
``clients/_activity_chart.jinja`` writes the SVG. The page repeats every number in a table,
for screen readers and for anyone who wants the figures.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from hiu.svg_geometry import PlotFrame, marker_path
from hiu.web.clients.activity import MEASURES, MonthlyActivity
from hiu.web.episodes.phases import Phase
from hiu.web.formatting import format_date

WIDTH = 760
HEIGHT = 340
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 26, 52
PLOT_WIDTH = WIDTH - LEFT - RIGHT
PLOT_HEIGHT = HEIGHT - TOP - BOTTOM


@dataclass(frozen=True)
class SeriesStyle:
    colour: str
    dash: str  # stroke-dasharray, "" for a solid line
    marker: str  # circle, square, triangle, diamond


# NHS identity colours, each measure also told apart by its dash and its marker.
SERIES_STYLES: dict[str, SeriesStyle] = {
    "ed_attendances": SeriesStyle("#005eb8", "", "circle"),
    "ambulance_incidents": SeriesStyle("#d5281b", "8 4", "square"),
    "nhs111_calls": SeriesStyle("#007f3b", "2 3", "triangle"),
    "admissions": SeriesStyle("#330072", "10 3 2 3", "diamond"),
}


#: Each measure in a sentence: (one, more than one).
WORDS: dict[str, tuple[str, str]] = {
    "ed_attendances": ("A&E attendance", "A&E attendances"),
    "ambulance_incidents": ("ambulance incident", "ambulance incidents"),
    "nhs111_calls": ("NHS 111 call", "NHS 111 calls"),
    "admissions": ("emergency admission", "emergency admissions"),
}


@dataclass(frozen=True)
class BandStyle:
    fill: str
    ink: str
    pattern: str  # the SVG path drawn in each 8x8 tile of the pattern


# Pale fills (the lines stay readable over them), each with its own hatching.
BAND_STYLES: dict[str, BandStyle] = {
    Phase.SCREENING: BandStyle("#f0f4f5", "#768692", "M0 4h8"),
    Phase.CONTACTING: BandStyle("#fff9c4", "#b58b00", "M0 8L8 0"),
    Phase.ENGAGED: BandStyle("#e3f2e7", "#4d9e6c", "M0 0L8 8"),
    Phase.HOLDING: BandStyle("#e0ecf7", "#4c8bcb", "M4 0v8"),
    Phase.STEPPED_DOWN: BandStyle("#efe5f3", "#7c5295", "M0 0L8 8M0 8L8 0"),
}


@dataclass(frozen=True)
class PhaseSpan:
    """One phase of one episode, from ``start`` up to (not including) ``end``."""

    episode_number: int
    phase: str
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        return Phase(self.phase).label


def phase_spans(changes: Iterable[tuple[int, str, dt.date]], today: dt.date) -> list[PhaseSpan]:
    """Spans from phase changes as (episode number, phase moved to, effective on), in the
    order they were made. A phase lasts until the episode's next change; the open phase lasts
    until tomorrow; a closed episode has no span after it closed."""
    by_episode: dict[int, list[tuple[str, dt.date]]] = {}
    for number, phase, day in changes:
        by_episode.setdefault(number, []).append((phase, day))
    spans = []
    for number in sorted(by_episode):
        moves = by_episode[number]
        for index, (phase, start) in enumerate(moves):
            if phase == Phase.CLOSED:
                continue
            end = moves[index + 1][1] if index + 1 < len(moves) else today + dt.timedelta(days=1)
            if end > start:
                spans.append(PhaseSpan(number, phase, start, end))
    return spans


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: int
    #: The marker's SVG path; blank for a circle, drawn as a <circle>.
    marker: str


@dataclass(frozen=True)
class Series:
    kind: str
    label: str
    style: SeriesStyle
    path: str
    points: list[Point]
    total: int
    #: The marker drawn in the key (a 36x14 box); blank for a circle.
    key_marker: str


@dataclass(frozen=True)
class Band:
    x: float
    width: float
    phase: str
    label: str
    episode_number: int
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class Mark:
    number: int
    x: float
    on: dt.date
    label: str


@dataclass(frozen=True)
class Gap:
    """Consecutive months with the same kinds not yet imported, from ``first`` to ``last``."""

    x: float
    width: float
    first: dt.date
    last: dt.date
    #: The kinds not yet imported, in ``MEASURES`` order.
    kinds: tuple[str, ...]
    #: Every measure missing: "Not yet imported"; some: "Partly imported".
    label: str


#: The not-yet-imported band: grey, hatched both ways, so it differs from every phase's band.
GAP_STYLE = BandStyle("#e8edee", "#4c6272", "M0 0L8 8M0 8L8 0M4 0v8")


@dataclass(frozen=True)
class Tick:
    position: float
    label: str
    second_line: str = ""


@dataclass(frozen=True)
class LegendBand:
    phase: str
    label: str
    style: BandStyle


@dataclass(frozen=True)
class Chart(PlotFrame):
    series: list[Series]
    bands: list[Band]
    marks: list[Mark]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    band_legend: list[LegendBand]
    gaps: list[Gap]
    gap_style: BandStyle
    title: str
    description: str


def _months_from(first: dt.date, day: dt.date) -> float:
    whole = (day.year - first.year) * 12 + day.month - first.month
    days = calendar.monthrange(day.year, day.month)[1]
    return whole + (day.day - 1) / days


def nice_maximum(value: int) -> tuple[int, int]:
    """The top of the y axis and the step between its ticks: at most 5 steps of 1, 2 or 5
    times a power of ten."""
    value = max(value, 1)
    for power in range(0, 10):
        for base in (1, 2, 5):
            step = base * 10**power
            if math.ceil(value / step) <= 5:
                return step * math.ceil(value / step), step
    raise ValueError(value)  # pragma: no cover - counts never reach 5 * 10**9


def activity_chart(
    activity: MonthlyActivity,
    spans: Sequence[PhaseSpan],
    interventions: Sequence[tuple[dt.date, str]],
    who: str,
) -> Chart:
    months = activity.months
    first, last = months[0], months[-1]
    slot = PLOT_WIDTH / len(months)
    peak = max(
        (activity.value(kind, m) or 0 for kind, _ in MEASURES for m in months),
        default=0,
    )
    top_value, step = nice_maximum(peak)

    def x_of(day: dt.date) -> float:
        index = min(max(_months_from(first, day), 0.0), float(len(months)))
        return LEFT + index * slot

    def y_of(value: int) -> float:
        return TOP + PLOT_HEIGHT - value / top_value * PLOT_HEIGHT

    series = []
    for kind, label in MEASURES:
        style = SERIES_STYLES[kind]
        points = []
        # One run of the line per stretch of imported months: never across a month not yet
        # imported, where a line at zero would read as a fall in use.
        runs: list[list[Point]] = [[]]
        for i, month in enumerate(months):
            value = activity.value(kind, month)
            if value is None:
                if runs[-1]:
                    runs.append([])
                continue
            x, y = LEFT + (i + 0.5) * slot, y_of(value)
            point = Point(x, y, value, marker_path(style.marker, x, y))
            points.append(point)
            runs[-1].append(point)
        path = "".join("M" + "L".join(f"{p.x:.1f} {p.y:.1f}" for p in run) for run in runs if run)
        series.append(
            Series(
                kind,
                label,
                style,
                path,
                points,
                activity.total(kind),
                marker_path(style.marker, 18, 7),
            )
        )

    end_of_chart = (last.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    bands = []
    for span in spans:
        if span.end <= first or span.start >= end_of_chart:
            continue
        x0, x1 = x_of(max(span.start, first)), x_of(min(span.end, end_of_chart))
        if x1 - x0 > 0.1:
            bands.append(
                Band(x0, x1 - x0, span.phase, span.label, span.episode_number, span.start, span.end)
            )
    marks = [
        Mark(number, x_of(on), on, label)
        for number, (on, label) in enumerate(sorted(interventions), start=1)
        if first <= on < end_of_chart
    ]

    every = max(1, math.ceil(len(months) / 12))
    x_ticks = [
        Tick(
            LEFT + (i + 0.5) * slot,
            f"{month:%b}",
            f"{month:%Y}" if i == 0 or month.month == 1 else "",
        )
        for i, month in enumerate(months)
        if i % every == 0 or month.month == 1
    ]
    y_ticks = [Tick(y_of(value), str(value)) for value in range(0, top_value + 1, step)]
    present = {band.phase for band in bands}
    band_legend = [
        LegendBand(phase.value, phase.label, BAND_STYLES[phase])
        for phase in Phase
        if phase.value in present
    ]
    gaps = not_imported(activity, slot)
    period = f"{first:%B %Y} to {last:%B %Y}"
    title = f"Urgent care activity each month, {period}"
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        top=TOP,
        plot_width=PLOT_WIDTH,
        plot_height=PLOT_HEIGHT,
        series=series,
        bands=bands,
        marks=marks,
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        band_legend=band_legend,
        gaps=gaps,
        gap_style=GAP_STYLE,
        title=title,
        description=describe(activity, bands, marks, who, period),
    )


def not_imported(activity: MonthlyActivity, slot: float) -> list[Gap]:
    """The months with some kind not yet imported, run by run (a run keeps the same kinds)."""
    gaps: list[Gap] = []
    run: list[tuple[int, dt.date]] = []
    kinds: tuple[str, ...] = ()

    def close() -> None:
        if run and kinds:
            (i0, m0), (i1, m1) = run[0], run[-1]
            label = "Not yet imported" if len(kinds) == len(MEASURES) else "Partly imported"
            gaps.append(Gap(LEFT + i0 * slot, (i1 - i0 + 1) * slot, m0, m1, kinds, label))

    for i, month in enumerate(activity.months):
        missing = tuple(activity.missing(month))
        if missing != kinds:
            close()
            run, kinds = [], missing
        run.append((i, month))
    close()
    return gaps


def _gap_sentence(activity: MonthlyActivity) -> str:
    """Which measures are imported to when, and that the months after are not yet imported."""
    parts = []
    for kind, _ in MEASURES:
        through = activity.imported_through.get(kind)
        name = WORDS[kind][1]
        if through is None:
            parts.append(f"{name} have not been imported")
        elif month_after(through) <= activity.months[-1]:
            parts.append(
                f"{name} are imported to {format_date(through)}, "
                f"so {month_after(through):%B %Y} onwards is not yet imported"
            )
    if not parts:
        return ""
    return (
        "Months not yet imported are shaded grey and labelled, with no line drawn: "
        + "; ".join(parts)
        + ". They are not zero."
    )


def month_after(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def describe(
    activity: MonthlyActivity, bands: Sequence[Band], marks: Sequence[Mark], who: str, period: str
) -> str:
    """The chart in words, for the SVG's ``<desc>``: totals, the busiest month, the phases and
    the interventions."""
    totals = ", ".join(
        f"{activity.total(kind)} {WORDS[kind][activity.total(kind) != 1]}" for kind, _ in MEASURES
    )
    sentences = [f"{who}'s urgent care activity from {period}: {totals}."]
    busiest = max(
        activity.months,
        key=lambda m: sum(activity.count(kind, m) for kind, _ in MEASURES),
        default=None,
    )
    if busiest is not None:
        total = sum(activity.count(kind, busiest) for kind, _ in MEASURES)
        if total:
            events = "event" if total == 1 else "events"
            sentences.append(f"The busiest month was {busiest:%B %Y}, with {total} {events}.")
    if bands:
        phases = "; ".join(f"{band.label.lower()} from {format_date(band.start)}" for band in bands)
        sentences.append(f"Shaded bands show the phases of support: {phases}.")
    if gaps := _gap_sentence(activity):
        sentences.append(gaps)
    if marks:
        started = "; ".join(f"{mark.label} on {format_date(mark.on)}" for mark in marks)
        sentences.append(f"Interventions started: {started}.")
    sentences.append("The table below the chart gives every month's numbers.")
    return " ".join(sentences)
