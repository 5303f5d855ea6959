"""Small pieces of chart geometry shared by every chart drawn as inline SVG.

The evaluation report (``hiu.evaluate.charts``), the client's activity chart and the outcome
trajectories (``hiu.web``) all draw their charts on the server, without JavaScript, and never
by colour alone: each line has its own marker shape. The shapes live here, in the core, so
that the three charts draw them the same way and the core need not import the web app.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class PlotFrame:
    """A chart's size and where its plot sits inside it; every chart's geometry extends it."""

    width: int
    height: int
    left: int
    top: int
    plot_width: int
    plot_height: int

    @property
    def bottom(self) -> int:
        return self.top + self.plot_height

    @property
    def right(self) -> int:
        return self.left + self.plot_width


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


def nice_scale(value: float) -> tuple[float, float, int]:
    """The top of an axis, the step between its ticks (at most 5 steps of 1, 2 or 5 times a
    power of ten) and the decimal places its labels need."""
    value = value if value > 0 and math.isfinite(value) else 1.0
    power = math.floor(math.log10(value / 5))
    for magnitude in (power, power + 1):
        for base in (1, 2, 5):
            step = base * 10.0**magnitude
            steps = math.ceil(round(value / step, 9))
            if steps <= 5:
                places = max(0, -magnitude)
                return round(steps * step, places), round(step, places), places
    raise AssertionError(value)  # pragma: no cover - 5 steps of 5 * 10**(power + 1) cover it


def marker_path(marker: str, x: float, y: float, size: float = 3.5) -> str:
    """A marker's SVG path; blank for a circle, which the templates draw as a <circle>."""
    if marker == "square":
        return f"M{x - size:.1f} {y - size:.1f}h{2 * size:.1f}v{2 * size:.1f}h{-2 * size:.1f}Z"
    if marker == "triangle":
        half, base = size + 0.5, y + size
        return f"M{x:.1f} {y - size - 1:.1f}L{x + half:.1f} {base:.1f}L{x - half:.1f} {base:.1f}Z"
    if marker == "diamond":
        d = size + 1
        return f"M{x:.1f} {y - d:.1f}L{x + d:.1f} {y:.1f}L{x:.1f} {y + d:.1f}L{x - d:.1f} {y:.1f}Z"
    return ""
