"""A report's bar chart as a ReportLab drawing, for the PDF.

The shapes come from :func:`hiu.report.charts.bar_geometry`, the same geometry the web page
draws as SVG, so the two outputs show the same bars. SVG measures y downwards from the top and
ReportLab upwards from the bottom: every y goes through one flip. Below the plot, where the SVG
has room for one line of group labels and a key, the drawing makes its own room: long group
labels wrap, and the key takes as many rows as its entries need.

Colour is never the only difference between series: a hatched series is drawn with white
diagonal stripes, an outlined one white inside its coloured edge (and the key says which), so
the chart reads on a black and white printer too.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from reportlab.graphics.shapes import Drawing, Group, Line, Rect, String
from reportlab.lib.colors import HexColor, white
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth

from hiu.evaluate.charts import BarChart, Style
from hiu.report.charts import bar_geometry
from hiu.report.document import Bars, Report
from hiu.report.pdf_style import FONT, GRID, MUTED, TEXT
from hiu.report.pdf_text import printable

PLOT_HEIGHT = 230  # the geometry's height: plot plus its top margin and axis
LABEL_SIZE = 8.5
LABEL_LEADING = 10
BAR_TEXT_SIZE = 8.0
SMALLEST_BAR_TEXT = 6.0
HATCH_GAP = 4.5  # between stripes, measured across them
SWATCH_W, SWATCH_H = 12.0, 9.0


def hatch_segments(
    left: float, bottom: float, width: float, height: float, gap: float = HATCH_GAP
) -> Iterator[tuple[float, float, float, float]]:
    """Stripes at 45 degrees across a rectangle, each clipped to it: ReportLab's drawings
    have no pattern fill, so the stripes are lines, cut here to the bar's edges."""
    right, top = left + width, bottom + height
    step = gap * math.sqrt(2)  # along the x axis, for stripes ``gap`` apart
    # Stripe k is the line y = x + offset; it crosses the box for offsets in this range.
    offset = bottom - right + step / 2
    while offset < top - left:
        x_start, x_end = max(left, bottom - offset), min(right, top - offset)
        if x_end > x_start:
            yield x_start, x_start + offset, x_end, x_end + offset
        offset += step


class _Canvas:
    """Draws in the chart's SVG units, flipped and scaled into the drawing."""

    def __init__(self, drawing: Any, height: float, scale: float, shift: float) -> None:
        self.drawing = drawing
        self.height = height  # in SVG units, ``shift`` included
        self.scale = scale
        self.shift = shift  # room added above the SVG's top for upright bar texts

    def x(self, x: float) -> float:
        return x * self.scale

    def y(self, y: float) -> float:
        return (self.height - self.shift - y) * self.scale

    def text(
        self,
        x: float,
        y: float,
        text: str,
        *,
        size: float = LABEL_SIZE,
        anchor: str = "start",
        colour: Any = TEXT,
        rotated: bool = False,
    ) -> None:
        """Text whose baseline starts (or is anchored) at (x, y); ``rotated`` turns it to
        read upwards from there."""
        string = String(
            0 if rotated else self.x(x),
            0 if rotated else self.y(y),
            printable(text),
            fontName=FONT,
            fontSize=size,
            fillColor=colour,
            textAnchor=anchor,
        )
        if rotated:
            # A quarter turn anticlockwise about (x, y); the glyphs sit left of the baseline,
            # so it moves right by about a third of the size to centre them on x.
            string = Group(string, transform=(0, 1, -1, 0, self.x(x) + size * 0.35, self.y(y)))
        self.drawing.add(string)

    def line(self, x1: float, y1: float, x2: float, y2: float, colour: Any, width: float) -> None:
        self.drawing.add(
            Line(
                self.x(x1),
                self.y(y1),
                self.x(x2),
                self.y(y2),
                strokeColor=colour,
                strokeWidth=width,
            )
        )

    def box(self, x: float, y: float, width: float, height: float, style: Style) -> None:
        """A filled box whose top-left corner is (x, y) in SVG units, hatched or outlined if
        the style says so."""
        colour = HexColor(style.colour)
        left, bottom = self.x(x), self.y(y + height)
        w, h = width * self.scale, height * self.scale
        self.drawing.add(
            Rect(
                left,
                bottom,
                w,
                h,
                fillColor=white if style.outlined else colour,
                strokeColor=colour,
                strokeWidth=1.6 if style.outlined else 0.8,
            )
        )
        if style.hatched:
            for x1, y1, x2, y2 in hatch_segments(left, bottom, w, h):
                self.drawing.add(Line(x1, y1, x2, y2, strokeColor=white, strokeWidth=1.6))


def _key_label(label: str, style: Style) -> str:
    return label + (" (hatched)" if style.hatched else " (outline)" if style.outlined else "")


def _bar_text_width(text: str, size: float = BAR_TEXT_SIZE) -> float:
    return float(stringWidth(printable(text), FONT, size))


def _bar_text_size(chart: BarChart) -> float:
    """Turned upright, a bar's text is as tall as the font is big: it fits its bar's width."""
    narrowest = min((bar.width - 2 for bar in chart.bars), default=BAR_TEXT_SIZE)
    return max(SMALLEST_BAR_TEXT, min(BAR_TEXT_SIZE, narrowest))


def chart_drawing(report: Report, bars: Bars, width: float) -> Any:
    """``bars`` as a ReportLab ``Drawing`` exactly ``width`` points wide."""
    chart: BarChart = bar_geometry(report, bars, width=math.floor(width), height=PLOT_HEIGHT)
    scale = width / chart.width
    slot = chart.plot_width / max(len(chart.groups), 1)
    group_lines = [
        simpleSplit(printable(group.label), FONT, LABEL_SIZE, slot - 6) for group in chart.groups
    ]
    # Labels wrap at spaces to fit their slot; where a word still does not fit (many groups),
    # every label turns to read upwards, ending under the axis.
    widest_line = max(
        (stringWidth(line, FONT, LABEL_SIZE) for lines in group_lines for line in lines),
        default=0.0,
    )
    turned = widest_line > slot - 2
    if turned:
        labels_bottom = (
            chart.bottom
            + 6
            + max(
                (stringWidth(printable(group.label), FONT, LABEL_SIZE) for group in chart.groups),
                default=0.0,
            )
        )
    else:
        most_lines = max([len(lines) for lines in group_lines] + [1])
        labels_bottom = chart.bottom + 12 + (most_lines - 1) * LABEL_LEADING

    # The key: swatch and label, left to right, wrapping onto another row when full.
    key_places: list[tuple[float, int]] = []
    x, row = float(chart.left), 0
    for item in chart.key:
        needed = SWATCH_W + 5 + stringWidth(printable(_key_label(item.label, item.style)), FONT, 9)
        if x + needed > chart.width and x > chart.left:
            x, row = float(chart.left), row + 1
        key_places.append((x, row))
        x += needed + 18
    key_top = labels_bottom + 10
    height = float(key_top + (row + 1) * 14 + 2)

    # Bar texts lie flat when each fits across its bar; otherwise all of them stand upright,
    # so that neighbours cannot run into each other.
    upright = any(_bar_text_width(bar.text) > bar.width - 1 for bar in chart.bars)
    text_size = _bar_text_size(chart) if upright else BAR_TEXT_SIZE
    shift = 0.0
    if upright:
        highest = min(
            (bar.y - 4 - _bar_text_width(bar.text, text_size) for bar in chart.bars), default=0.0
        )
        shift = max(0.0, 2 - highest)
    height += shift

    drawing = Drawing(width, height * scale)
    canvas = _Canvas(drawing, height, scale, shift)

    canvas.text(4, 12, chart.axis_label, colour=MUTED)
    for tick in chart.y_ticks:
        canvas.line(chart.left, tick.position, chart.right, tick.position, GRID, 0.6)
        canvas.text(chart.left - 6, tick.position + 3, tick.label, anchor="end")
    for bar in chart.bars:
        if bar.value is not None and bar.height > 0:
            canvas.box(bar.x, bar.y, bar.width - 2, bar.height, bar.style)
        centre = bar.x + bar.width / 2 - 1
        if upright:
            canvas.text(centre, bar.y - 3, bar.text, size=text_size, rotated=True)
        else:
            canvas.text(centre, bar.y - 4, bar.text, size=text_size, anchor="middle")
    canvas.line(chart.left, chart.bottom, chart.right, chart.bottom, TEXT, 1)
    for group, lines in zip(chart.groups, group_lines, strict=True):
        if turned:
            canvas.text(group.x, chart.bottom + 6, group.label, anchor="end", rotated=True)
            continue
        for number, line in enumerate(lines):
            canvas.text(group.x, chart.bottom + 12 + number * LABEL_LEADING, line, anchor="middle")
    for item, (x, row) in zip(chart.key, key_places, strict=True):
        top = key_top + row * 14
        canvas.box(x, top, SWATCH_W, SWATCH_H, item.style)
        canvas.text(
            x + SWATCH_W + 5, top + SWATCH_H - 1, _key_label(item.label, item.style), size=9
        )
    return drawing
