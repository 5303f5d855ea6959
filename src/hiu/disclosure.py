"""Disclosure control for every figure a commissioner sees: the one place its rules live.

The rules (docs/reporting.md, "Disclosure control"):

- **Counts** from 1 to 7 are suppressed: a small count, put beside what else someone knows,
  could identify a person. They are shown as ``[c]`` (the ONS mark for "confidential",
  explained in every report's notes). Zero is shown: an empty category identifies no one.
- **Totals** (a figure that other shown figures add up to, or a headline number of people) are
  suppressed the same way and otherwise rounded to the nearest 5, so that a suppressed cell
  cannot be recovered by subtracting the others from its total.
- **Percentages** are worked out from the unrounded counts, and suppressed when their numerator
  is from 1 to 7 or their denominator is below 8.
- **Averages, medians, minimums and maximums** describe a group of people; over fewer than 8
  people they are suppressed (a maximum over three people is nearly one person's value).
- **Occasions** that are not people (team meetings held) are shown as they are.
- **Estimates** from the evaluation (a percentage change with its interval) are suppressed
  when fewer than 8 people are behind them.

Figures are returned as :class:`Shown`: the value as published (``None`` when suppressed or
not applicable) and its text, so every output format shows the same thing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

SMALLEST_SHOWN = 8
ROUND_TOTALS_TO = 5
SUPPRESSED = "[c]"  # the ONS convention: "confidential", explained in every report's notes
NOT_APPLICABLE = "n/a"


class Kind(Enum):
    """What a figure is, which decides how each output format writes it."""

    TEXT = "text"
    COUNT = "count"  # people or events: a whole number
    NUMBER = "number"  # an average or other measure, with ``places`` decimals
    PERCENT = "percent"  # ``value`` is a fraction: 0.25 is shown as 25%
    MONEY = "money"  # pounds, whole


@dataclass(frozen=True)
class Shown:
    """One figure as it may be published."""

    value: float | int | str | None
    text: str
    kind: Kind = Kind.TEXT
    places: int = 0

    @property
    def suppressed(self) -> bool:
        return self.text == SUPPRESSED

    @property
    def is_number(self) -> bool:
        return self.kind is not Kind.TEXT and isinstance(self.value, int | float)


def _check(count: int) -> None:
    if count < 0:
        raise ValueError("A count cannot be negative.")


def _is_small(count: int) -> bool:
    return 0 < count < SMALLEST_SHOWN


def suppress(count: int) -> int | str:
    """A count as shown: itself, or ``SUPPRESSED`` from 1 to 7."""
    _check(count)
    return SUPPRESSED if _is_small(count) else count


def round_half_up(value: float, places: int = 0) -> float:
    """Rounding as people do it (2.5 → 3), not Python's round-half-to-even (2.5 → 2)."""
    factor = 10**places
    return float(math.floor(value * factor + 0.5) / factor)


def suppressed(kind: Kind = Kind.COUNT) -> Shown:
    return Shown(None, SUPPRESSED, kind)


def not_applicable(kind: Kind = Kind.NUMBER) -> Shown:
    return Shown(None, NOT_APPLICABLE, kind)


def text(value: str) -> Shown:
    return Shown(value, value)


def count(n: int) -> Shown:
    """A count of people or events: shown exactly, or suppressed from 1 to 7."""
    _check(n)
    if _is_small(n):
        return suppressed()
    return Shown(n, f"{n:,}", Kind.COUNT)


def occasions(n: int) -> Shown:
    """A count of things that are not people (meetings held, reports issued): shown exactly.
    Knowing that a team met three times says nothing about anyone; the people discussed at
    those meetings are a :func:`count`."""
    _check(n)
    return Shown(n, f"{n:,}", Kind.COUNT)


def total(n: int) -> Shown:
    """A total: suppressed from 1 to 7, otherwise rounded to the nearest 5 (8 → 10, 12 → 10,
    13 → 15)."""
    _check(n)
    if _is_small(n):
        return suppressed()
    rounded = int(round_half_up(n / ROUND_TOTALS_TO)) * ROUND_TOTALS_TO
    return Shown(rounded, f"{rounded:,}", Kind.COUNT)


def share(numerator: int, denominator: int, *, target: float | None = None) -> Shown:
    """``numerator`` as a percentage of ``denominator``, to a whole percent.

    With a ``target``, a share that would round to the target without reaching it (or round
    down to it from above) gets one decimal place, so that the figure never reads as the
    opposite of the verdict beside it (19 of 29 is 65.5%, not "66%" against 66%).
    """
    _check(numerator)
    _check(denominator)
    if numerator > denominator:
        raise ValueError("A share's numerator cannot exceed its denominator.")
    if denominator == 0:
        return not_applicable(Kind.PERCENT)
    if _is_small(numerator) or denominator < SMALLEST_SHOWN:
        return suppressed(Kind.PERCENT)
    fraction = numerator / denominator
    places = 0
    if (
        target is not None
        and fraction != target
        and round_half_up(fraction * 100) == round_half_up(target * 100)
    ):
        places = 1
    value = round_half_up(fraction * 100, places) / 100
    return Shown(value, f"{value * 100:.{places}f}%", Kind.PERCENT, places)


def _group(size: int) -> Shown | None:
    _check(size)
    if size == 0:
        return not_applicable()
    if size < SMALLEST_SHOWN:
        return suppressed(Kind.NUMBER)
    return None


def number(value: float, group_size: int, *, places: int = 1) -> Shown:
    """A figure describing a group of ``group_size`` people (an average, a median, a minimum
    or a maximum): suppressed over fewer than 8 people."""
    held = _group(group_size)
    if held is not None:
        return held
    rounded = round_half_up(value, places)
    shown: float | int = int(rounded) if places == 0 else rounded
    return Shown(shown, f"{rounded:,.{places}f}", Kind.NUMBER, places)


def mean(values: Sequence[float], *, places: int = 1) -> Shown:
    if not values:
        return not_applicable()
    return number(sum(values) / len(values), len(values), places=places)


def median(values: Sequence[float], *, places: int = 1) -> Shown:
    if not values:
        return not_applicable()
    ordered = sorted(values)
    middle = len(ordered) // 2
    value = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    return number(value, len(values), places=places)


def extreme(value: float, group_size: int) -> Shown:
    """A minimum or maximum: one person's value, so shown only for a group of 8 or more."""
    return number(value, group_size, places=0)


def change(fraction: float | None, group_size: int) -> Shown:
    """An estimated change (-0.25 is a 25% fall) from the evaluation, behind which are
    ``group_size`` people."""
    held = _group(group_size)
    if held is not None:
        return Shown(None, held.text, Kind.PERCENT)
    if fraction is None or not math.isfinite(fraction):
        return not_applicable(Kind.PERCENT)
    value = round_half_up(fraction * 100) / 100
    return Shown(value, f"{value * 100:+.0f}%", Kind.PERCENT)


def money(amount: float, group_size: int) -> Shown:
    held = _group(group_size)
    if held is not None:
        return Shown(None, held.text, Kind.MONEY)
    value = int(round_half_up(amount))
    sign = "-" if value < 0 else ""
    return Shown(value, f"{sign}£{abs(value):,}", Kind.MONEY)
