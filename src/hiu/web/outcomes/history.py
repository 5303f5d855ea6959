"""A client's scores on one instrument over time, read back from the stored records, and the
change from the first to the latest (``hiu.outcomes.compare``). The client page and the service
summary both use this, so "first" and "latest" mean the same on both.

First is the earliest *scored* record (by the date completed, then the order recorded); latest
is the last scored record up to a given day. Records that could not be scored (too many items
missing) are shown on the client page but never compared.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from hiu.outcomes import INSTRUMENTS, Change, Instrument, Score, compare
from hiu.web.outcomes.models import OutcomeRecord

#: ONS4 has no total: its headline is life satisfaction (the ONS's own lead question).
ONS4_HEADLINE = "satisfied"


def score_of(record: OutcomeRecord) -> Score:
    """The stored score as ``hiu.outcomes.Score``."""
    return Score(
        instrument=record.instrument,
        total=record.total,
        band=record.band or None,
        answered=record.answered,
        missing=record.missing,
        prorated=record.prorated,
        raw_total=record.raw_total,
        parts=MappingProxyType(dict(record.parts)),
        part_bands=MappingProxyType(dict(record.part_bands)),
        reason=record.reason,
    )


def headline_value(record: OutcomeRecord) -> float | None:
    """The number charted and compared: the total, or ONS4's life satisfaction."""
    if record.instrument == "ons4":
        value = record.parts.get(ONS4_HEADLINE)
        return None if value is None else float(value)
    return record.total


@dataclass(frozen=True)
class FirstAndLatest:
    instrument: Instrument
    first: OutcomeRecord
    latest: OutcomeRecord
    change: Change


def first_and_latest(
    instrument: Instrument, records: Sequence[OutcomeRecord], until: dt.date | None = None
) -> FirstAndLatest | None:
    """The change from the first scored record to the latest scored one completed on or before
    ``until`` (any day when None); None unless there are two such records."""
    scored = [
        r
        for r in sorted(records, key=lambda r: (r.completed_on, r.pk))
        if headline_value(r) is not None and (until is None or r.completed_on <= until)
    ]
    if len(scored) < 2:
        return None
    first, latest = scored[0], scored[-1]
    return FirstAndLatest(
        instrument, first, latest, compare(instrument, score_of(first), score_of(latest))
    )


def by_instrument(records: Iterable[OutcomeRecord]) -> dict[str, list[OutcomeRecord]]:
    """Records grouped by instrument, in the order of ``INSTRUMENTS``; unknown codes dropped."""
    grouped: dict[str, list[OutcomeRecord]] = {code: [] for code in INSTRUMENTS}
    for record in records:
        if record.instrument in grouped:
            grouped[record.instrument].append(record)
    return {code: found for code, found in grouped.items() if found}
