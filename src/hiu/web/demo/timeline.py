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


def demo_today(store: Store) -> dt.date:
    """The demo's "now": the end of the synthetic activity, or today if that is sooner. Phases
    are as a team would have them when that data was fresh; tasks still fall due against
    today."""
    return min(timezone.localdate(), latest_activity_date(store) or timezone.localdate())


def seeded(nhs_number: str, offset: int = 0) -> random.Random:
    """A random generator of the person's own: the same choices every time."""
    return random.Random(int(nhs_number) + offset)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))
