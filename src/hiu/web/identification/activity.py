"""What identification needs from the activity store beyond the core's ``identify``: the day
of the latest activity it holds, which is the natural as-of date for a new list."""

from __future__ import annotations

import datetime as dt

from hiu.schemas import ACTIVITY_KINDS, EXTRACTS
from hiu.store.store import Store


def has_activity(store: Store) -> bool:
    counts = store.row_counts()
    return any(counts[kind] for kind in ACTIVITY_KINDS)


def latest_activity_date(store: Store) -> dt.date | None:
    """The day of the latest A&E arrival, ambulance call, 111 call or admission in the store;
    None when it holds no activity."""
    if not has_activity(store):
        return None
    # Table and column names come from hiu.schemas, never from a file or a person.
    parts = [
        f"SELECT max(CAST({EXTRACTS[kind].start} AS DATE)) AS day FROM {kind}"  # noqa: S608
        for kind in ACTIVITY_KINDS
    ]
    query = f"SELECT max(day) FROM ({' UNION ALL '.join(parts)})"  # noqa: S608
    connection = store.connect()
    try:
        row = connection.execute(query).fetchone()
    finally:
        connection.close()
    latest = row[0] if row else None
    return latest if isinstance(latest, dt.date) else None
