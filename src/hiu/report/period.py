"""The period a report covers: a calendar quarter (``2026Q3``) or a calendar year (``2026``).

Calendar, not financial: quarter 3 of 2026 is July to September 2026, and every report says
its dates in words on its first page so that no one reads it as the financial year's Q3.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_QUARTER = re.compile(r"^(\d{4})[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")


class PeriodError(ValueError):
    """A period that cannot be read; the message says what is accepted."""


@dataclass(frozen=True, order=True)
class Period:
    start: dt.date
    end: dt.date  # included

    @property
    def is_quarter(self) -> bool:
        return self.start.month != 1 or self.end.month != 12

    @property
    def key(self) -> str:
        """``2026Q3`` or ``2026``: what ``--period`` takes and URLs carry."""
        if self.is_quarter:
            return f"{self.start.year}Q{(self.start.month - 1) // 3 + 1}"
        return str(self.start.year)

    @property
    def label(self) -> str:
        """E.g. "July to September 2026" or "January to December 2026"."""
        return f"{self.start:%B} to {self.end:%B %Y}"

    @property
    def kind(self) -> str:
        return "quarter" if self.is_quarter else "year"

    def holds(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    @property
    def months(self) -> list[dt.date]:
        """The first day of each month in the period."""
        firsts = []
        day = self.start
        while day <= self.end:
            firsts.append(day)
            day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
        return firsts

    def previous(self) -> Period:
        if self.is_quarter:
            return quarter_starting(_months_before(self.start, 3))
        return year(self.start.year - 1)


def _months_before(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def quarter_starting(start: dt.date) -> Period:
    end_month = start.month + 2
    next_first = dt.date(start.year + end_month // 12, end_month % 12 + 1, 1)
    return Period(start, next_first - dt.timedelta(days=1))


def year(number: int) -> Period:
    return Period(dt.date(number, 1, 1), dt.date(number, 12, 31))


def quarter_of(day: dt.date) -> Period:
    return quarter_starting(dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1))


def parse_period(text: str) -> Period:
    """``2026Q3`` (a calendar quarter) or ``2026`` (a calendar year)."""
    cleaned = text.strip()
    if match := _QUARTER.match(cleaned):
        return quarter_starting(dt.date(int(match[1]), (int(match[2]) - 1) * 3 + 1, 1))
    if match := _YEAR.match(cleaned):
        return year(int(match[1]))
    raise PeriodError(
        f"{text!r} is not a period: give a calendar quarter as YEARQn (2026Q3 is July to "
        "September 2026) or a calendar year as YEAR (2026)."
    )
