"""The simulated period, and how instants in it are written down.

Every instant is held as whole minutes since midnight at the start date, so arithmetic is exact
and output is byte-for-byte reproducible. Clocks are local time with no offset, as in the
extract formats; the simulation ignores the hour that daylight saving time adds or removes.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
import numpy.typing as npt

MINUTES_PER_DAY = 1440
DAYS_PER_YEAR = 365.25


def add_months(day: date, months: int) -> date:
    """The same day of the month ``months`` later, or the month's last day if it is shorter."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


@dataclass(frozen=True)
class Timeline:
    """The simulated period: from ``start`` (inclusive) to ``start + years`` (exclusive)."""

    start: date
    years: int

    @property
    def end(self) -> date:
        return add_months(self.start, 12 * self.years)

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def minutes(self) -> int:
        return self.days * MINUTES_PER_DAY

    def minute_of(self, day: date) -> int:
        """Minutes from the start to midnight at the start of ``day``."""
        return (day - self.start).days * MINUTES_PER_DAY

    def quarter_starts(self) -> list[date]:
        """Start of each three-month quarter of the period, and the period's end last."""
        return [add_months(self.start, 3 * k) for k in range(4 * self.years + 1)]

    def quarter_bounds(self) -> npt.NDArray[np.int64]:
        """Quarter boundaries in minutes: quarter ``q`` is ``[bounds[q], bounds[q + 1])``."""
        return np.array([self.minute_of(d) for d in self.quarter_starts()], dtype=np.int64)

    def datetime_of(self, minute: int) -> datetime:
        return datetime.combine(self.start, datetime.min.time()) + timedelta(minutes=minute)

    def date_of(self, minute: int) -> date:
        return self.start + timedelta(days=minute // MINUTES_PER_DAY)
