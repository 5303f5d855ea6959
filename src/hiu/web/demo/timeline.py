"""The demo's clock: its "now", how long support lasts, times of day, and choices seeded by a
client's NHS number so the demo is the same each time it is built."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from hiu.store.store import Store
from hiu.web.identification.activity import latest_activity_date

#: Days after engagement at which support moves on (DESIGN §3: about three months of active
#: support, then the 12-week holding phase).
SUPPORT_DAYS = 90
HOLDING_DAYS = 84
#: Synthetic activity ending more than this before today is an old folder: the history ends
#: with it rather than run on past the data.
STALE_AFTER_DAYS = 62


def demo_today(store: Store) -> dt.date:
    """The demo's "now": today. ``make demo`` makes synthetic activity that ends with the last
    complete month before today, so the caseload's history runs up to this week and its tasks
    fall due as a working team's do. Synthetic activity that ends earlier (an old folder) only
    brings the history's end forward to it, so no client is engaged after their data ends."""
    today = timezone.localdate()
    latest = latest_activity_date(store)
    if latest is None or latest >= today - dt.timedelta(days=STALE_AFTER_DAYS):
        return today
    return latest


def seeded(nhs_number: str, offset: int = 0) -> random.Random:
    """A random generator of the person's own: the same choices every time."""
    return random.Random(int(nhs_number) + offset)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))
