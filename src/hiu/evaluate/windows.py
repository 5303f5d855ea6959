"""Windows around an engaged date, and the dates lists are made on (DESIGN §7; 002 §4.3.5).

Sites report activity 3, 6, 9 and 12 months before and after engagement (002 §4.3.5, BRC East
Kent and Stockport). Here a window of ``w`` months around the engaged date ``e`` is
``[e - w months, e)`` before and ``[e, e + w months)`` after, half-open on the event's day, as
``hiu.store.person_activity`` counts. Adding months keeps the day of the month, or takes the
month's last day when it has no such day (31 January + 1 month = 28 or 29 February).

Lists are made on fixed days set by the rule set's ``[list] refresh``: quarterly on 1 January,
April, July and October (NHS RightCare's "every three months on a rolling basis", 001), monthly
on the first of each month. The list made on day ``d`` counts activity up to ``d - 1``, as the
simulated service does (``hiu.synth.service``).
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from hiu.identify.rules import Refresh

WINDOWS: tuple[int, ...] = (3, 6, 9, 12)
#: Months of the trajectory around the engaged date: month 0 starts on it.
TRAJECTORY_MONTHS: tuple[int, ...] = tuple(range(-12, 12))
DAYS_PER_YEAR = 365.25
DAYS_PER_MONTH = DAYS_PER_YEAR / 12


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def list_date_on_or_before(day: date, refresh: Refresh) -> date:
    """The latest day a list is made on, on or before ``day``."""
    if refresh is Refresh.MONTHLY:
        return day.replace(day=1)
    return date(day.year, 1 + 3 * ((day.month - 1) // 3), 1)


def list_as_of(list_date: date) -> date:
    """The as-of date of the list made on ``list_date``: the day before."""
    return list_date - timedelta(days=1)
