"""What a report reads from the activity store: the last day of data, each engaged client's
activity before and after they engaged, and Table One's people.

Activity is counted as identification and the evaluation count it: the service's rule set's
counting events (``hiu.identify.query.events_sql``), through the evaluation's set-based
window counting (``hiu.evaluate.activity``), so "A&E attendances in the 6 months after" means
the same in the report as in the evaluation. All the clients' windows are counted in one
query, whatever their number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import duckdb
import polars as pl

from hiu.evaluate.activity import (
    ACTIVITIES,
    DataSpan,
    data_span,
    day_number,
    load_events,
    segment_counts,
)
from hiu.evaluate.windows import add_months
from hiu.identify.rules import RuleSet
from hiu.identify.table_one import per_person
from hiu.report.facts import ActivityWindow
from hiu.store.store import Store

#: The months before and after engagement the report compares (000 §4.1: "attendance at 3, 6
#: and 12 months after acceptance").
WINDOW_MONTHS: tuple[int, ...] = (3, 6, 12)
BEFORE, AFTER = 0, 1


@dataclass(frozen=True)
class Engaged:
    """An episode's client as the store knows them, and the day they engaged."""

    client_id: int
    nhs_number: str
    engaged_on: dt.date


@dataclass(frozen=True)
class StoreFacts:
    data_end: dt.date | None
    activity: tuple[ActivityWindow, ...]
    table_one_people: pl.DataFrame | None
    table_one_as_of: dt.date | None


def store_facts(
    store: Store,
    load_rules: Callable[[], RuleSet],
    engaged: Iterable[Engaged],
    limit: dt.date,
) -> StoreFacts:
    """Everything the report needs from the store, known by ``limit`` (the period's end, or
    the day the report is made if earlier); the data's own end caps it again. The rule set is
    loaded only when the store holds activity to count."""
    connection = store.connect()
    try:
        span = data_span(connection)
        if span is None:
            return StoreFacts(None, (), None, None)
        rules = load_rules()
        known_by = min(limit, span.end)
        windows = _complete_windows(engaged, known_by)
        activity = _count(connection, rules, span, windows) if windows else ()
    finally:
        connection.close()
    # The people counted carry only their counts: Table One needs no NHS number, and the
    # report's facts hold none.
    people = per_person(store.connect, rules, known_by).drop("nhs_number")
    return StoreFacts(span.end, activity, people, known_by)


@dataclass(frozen=True)
class _Window:
    who: Engaged
    months: int

    @property
    def before_start(self) -> dt.date:
        return add_months(self.who.engaged_on, -self.months)

    @property
    def after_end(self) -> dt.date:
        """The day after the after-window's last day."""
        return add_months(self.who.engaged_on, self.months)


def _complete_windows(engaged: Iterable[Engaged], known_by: dt.date) -> list[_Window]:
    """Each window whose after-months had ended by ``known_by``: a window still running would
    compare a part of the months after with all the months before."""
    return [
        window
        for who in engaged
        for months in WINDOW_MONTHS
        if (window := _Window(who, months)).after_end - dt.timedelta(days=1) <= known_by
    ]


def _count(
    connection: duckdb.DuckDBPyConnection, rules: RuleSet, span: DataSpan, windows: list[_Window]
) -> tuple[ActivityWindow, ...]:
    # The store keeps NHS numbers as it was given them; the counting reads them as numbers.
    # A client whose number is not ten digits is in no extract: they count zero everywhere.
    numbers = {
        w.who.nhs_number: int(w.who.nhs_number)
        for w in windows
        if w.who.nhs_number.isdigit() and len(w.who.nhs_number) == 10
    }
    rows = []
    for row_id, window in enumerate(windows):
        number = numbers.get(window.who.nhs_number)
        if number is None:
            continue
        engaged = day_number(window.who.engaged_on)
        rows.append((row_id, BEFORE, number, day_number(window.before_start), engaged))
        rows.append((row_id, AFTER, number, engaged, day_number(window.after_end)))
    counted: dict[tuple[int, int], dict[str, int]] = {}
    if rows:
        load_events(connection, rules, span, pl.Series("nhs_number", list(numbers.values())))
        segments = pl.DataFrame(
            rows, schema=["row_id", "seg", "nhs_number", "start_dn", "end_dn"], orient="row"
        )
        for found in segment_counts(connection, segments).iter_rows(named=True):
            counted[(found["row_id"], found["seg"])] = {key: int(found[key]) for key in ACTIVITIES}
    zero = dict.fromkeys(ACTIVITIES, 0)
    return tuple(
        ActivityWindow(
            client_id=window.who.client_id,
            engaged_on=window.who.engaged_on,
            months=window.months,
            before=counted.get((row_id, BEFORE), dict(zero)),
            after=counted.get((row_id, AFTER), dict(zero)),
        )
        for row_id, window in enumerate(windows)
    )
