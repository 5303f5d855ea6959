"""Dates for lists: which as-of date a monthly or quarterly list is due for, and months before
a date. Plain date arithmetic, kept apart so it can be tested on its own."""

from __future__ import annotations

import datetime as dt

from hiu.web.accounts.models import ListFrequency


def month_end(day: dt.date) -> dt.date:
    following = day.replace(day=28) + dt.timedelta(days=4)
    return following - dt.timedelta(days=following.day)


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months earlier, or that month's last day when it is
    shorter (31 May less three months is 28 or 29 February)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    first = dt.date(year, month + 1, 1)
    return first.replace(day=min(day.day, month_end(first).day))


def due_as_of(frequency: str, today: dt.date) -> dt.date | None:
    """The as-of date of the scheduled list due in the month or quarter holding ``today``: the
    last day of the previous month, or of the previous quarter (quarters start in January,
    April, July and October, as the NHS financial year's do). None when lists are made on
    demand only."""
    if frequency == ListFrequency.MONTHLY:
        return today.replace(day=1) - dt.timedelta(days=1)
    if frequency == ListFrequency.QUARTERLY:
        quarter_start = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
        return quarter_start - dt.timedelta(days=1)
    return None
