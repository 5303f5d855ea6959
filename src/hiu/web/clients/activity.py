"""A client's urgent care activity month by month, read from the activity store.

001 §7 "Ongoing monitoring": the worker can "review their activity" at any time. The page shows
four measures (the ones identification and the follow-ups count): A&E attendances, ambulance
(999) incidents, NHS 111 calls and emergency admissions.

Each kind's rows for the client's NHS number are read as ``Store.timeline`` reads them
(``hiu.store.lookup``): tables are sorted by NHS number, so only the row groups whose range holds
the number are read, and each file's footer is parsed once per thread and kept. They are counted
by month in Polars (``hiu.store.person_activity.monthly_counts``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from hiu.store.coverage import imported_through
from hiu.store.person_activity import monthly_counts
from hiu.store.store import Store
from hiu.web.episodes.services import add_months

#: The measures shown, in order: (kind in the store, heading).
MEASURES: tuple[tuple[str, str], ...] = (
    ("ed_attendances", "A&E attendances"),
    ("ambulance_incidents", "Ambulance incidents (999)"),
    ("nhs111_calls", "NHS 111 calls"),
    ("admissions", "Emergency admissions"),
)

#: At least this many months are shown, ending with the current one.
MONTHS_SHOWN = 24
#: And at least this many months before the client's first episode opened.
MONTHS_BEFORE_FIRST_EPISODE = 12


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def window(today: dt.date, first_opened: dt.date | None) -> tuple[dt.date, dt.date]:
    """The first and last months shown: the last 24 months, or from 12 months before the first
    episode opened, whichever is longer."""
    last = month_start(today)
    first = add_months(last, -(MONTHS_SHOWN - 1))
    if first_opened is not None:
        first = min(first, add_months(month_start(first_opened), -MONTHS_BEFORE_FIRST_EPISODE))
    return first, last


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    months = []
    month = first
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


@dataclass(frozen=True)
class MonthlyActivity:
    months: list[dt.date]
    #: kind -> month -> count; months with none are absent.
    counts: dict[str, dict[dt.date, int]]
    #: False when the store holds no activity at all (nothing imported yet).
    store_has_activity: bool
    #: kind -> the day of the latest event the store holds of that kind (across everyone),
    #: None for a kind never imported. Months after it are not yet imported, not empty.
    imported_through: dict[str, dt.date | None] = field(default_factory=dict)

    def count(self, kind: str, month: dt.date) -> int:
        return self.counts.get(kind, {}).get(month, 0)

    def imported(self, kind: str, month: dt.date) -> bool:
        """Whether ``month``'s activity of ``kind`` has been imported: the month holding the
        kind's latest event and every month before it. A month after it would read as zero,
        which looks like the very fall the service hopes for, so it is shown as not imported."""
        through = self.imported_through.get(kind)
        return through is not None and month <= month_start(through)

    def value(self, kind: str, month: dt.date) -> int | None:
        """The month's count, or None when that month of ``kind`` is not yet imported."""
        return self.count(kind, month) if self.imported(kind, month) else None

    def missing(self, month: dt.date) -> list[str]:
        """The kinds (in ``MEASURES`` order) not yet imported for ``month``."""
        return [kind for kind, _ in MEASURES if not self.imported(kind, month)]

    def total(self, kind: str) -> int:
        return sum(self.counts.get(kind, {}).values())


def monthly_activity(
    store: Store, nhs_number: str, first: dt.date, last: dt.date
) -> MonthlyActivity:
    """The client's events per month from ``first`` to ``last`` (both month starts)."""
    months = months_between(first, last)
    counts = monthly_counts(store, nhs_number, first, last)
    if counts is None:
        return MonthlyActivity(months=months, counts={}, store_has_activity=False)
    return MonthlyActivity(
        months=months,
        counts=counts,
        store_has_activity=True,
        imported_through=imported_through(store),
    )
