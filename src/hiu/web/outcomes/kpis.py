"""The service's outcome summary for a quarter, against the BRC targets (002 EK-F; the
figures' definitions are in docs/casework-outcomes.md and on the page).

Every figure counts people (or, for experience, questionnaires) whose *latest* result fell in
the quarter: a client is counted in the quarter in which their later score was recorded, and
compared with their first score ever (their baseline), so a quarter's figure says how the
people measured in that quarter have changed since they started. Someone with only one score
has nothing to compare and is not in the denominator.

These are the service's own working figures, shown only to its lead and data coordinator, not
figures for commissioners: no small-number suppression is applied here.

Everything is read in three queries, whatever the number of clients.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from hiu.outcomes import INSTRUMENTS, Change, Instrument
from hiu.outcomes.targets import TARGETS, Target
from hiu.web.accounts.models import Service
from hiu.web.episodes.services import add_months
from hiu.web.outcomes.goals import goal_histories
from hiu.web.outcomes.history import FirstAndLatest, first_and_latest
from hiu.web.outcomes.models import GoalRating, OutcomeRecord
from hiu.web.outcomes.querysets import (
    service_goal_ratings,
    service_prem_responses,
    service_records,
)

QUARTERS_OFFERED = 8


class Span(Protocol):
    """Any run of days counted as one: a quarter here, or a report's quarter or year
    (``hiu.report.period.Period``). ``start`` and ``end`` are both included."""

    @property
    def start(self) -> dt.date: ...

    @property
    def end(self) -> dt.date: ...

    def holds(self, day: dt.date) -> bool: ...


@dataclass(frozen=True)
class Quarter:
    """A calendar quarter: ``start`` to ``end``, both days included."""

    start: dt.date

    @property
    def end(self) -> dt.date:
        return add_months(self.start, 3) - dt.timedelta(days=1)

    @property
    def key(self) -> str:
        return f"{self.start:%Y-%m}"

    @property
    def label(self) -> str:
        return f"{self.start:%B} to {self.end:%B %Y}"

    def holds(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def quarter_of(day: dt.date) -> Quarter:
    return Quarter(dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1))


def quarters_to(today: dt.date, count: int = QUARTERS_OFFERED) -> list[Quarter]:
    """This quarter and the ones before it, latest first."""
    latest = quarter_of(today)
    return [Quarter(add_months(latest.start, -3 * i)) for i in range(count)]


def parse_quarter(text: str, today: dt.date) -> Quarter | None:
    """The quarter a ``?quarter=YYYY-MM`` names, if it is one of those offered."""
    for quarter in quarters_to(today):
        if quarter.key == text:
            return quarter
    return None


@dataclass(frozen=True)
class Figure:
    target: Target
    title: str
    met_count: int
    denominator: int
    denominator_means: str
    counted_means: str

    @property
    def share(self) -> float | None:
        return self.met_count / self.denominator if self.denominator else None

    @property
    def met(self) -> bool | None:
        share = self.share
        return None if share is None else share >= self.target.proportion

    @property
    def text(self) -> str:
        """E.g. "12 of 18 (67%) — target 66%: met"."""
        target = f"target {self.target.proportion:.0%}"
        if self.denominator == 0:
            return f"No one to count this quarter — {target}"
        verdict = "met" if self.met else "not met"
        share = _percent(self.met_count / self.denominator, self.target.proportion)
        return f"{self.met_count} of {self.denominator} ({share}) — {target}: {verdict}"


def _percent(share: float, target: float) -> str:
    """A whole percentage, or one decimal place where a whole number would hide which side of
    the target the share is on (19 of 29 is 65.5%, not "66%" beside a 66% target not met)."""
    whole = f"{share:.0%}"
    if whole == f"{target:.0%}" and share != target:
        return f"{share:.1%}"
    return whole


@dataclass(frozen=True)
class InstrumentCounts:
    instrument: Instrument
    compared: int
    reliable_improvement: int
    no_reliable_change: int
    reliable_deterioration: int
    # Compared, but the instrument has no published reliable change figure.
    no_figure: int
    improved: int


@dataclass(frozen=True)
class ServiceSummary:
    service: Service
    quarter: Quarter
    quarters: list[Quarter]
    figures: list[Figure]
    instruments: list[InstrumentCounts]


def _changes_in(
    quarter: Span, records: Sequence[OutcomeRecord]
) -> dict[str, dict[int, FirstAndLatest]]:
    """For each instrument, each client's first-to-latest change, where the latest scored
    record up to the end of the quarter (or any span) was completed in it."""
    grouped: dict[tuple[str, int], list[OutcomeRecord]] = {}
    for record in records:
        grouped.setdefault((record.instrument, record.client_id), []).append(record)
    found: dict[str, dict[int, FirstAndLatest]] = {code: {} for code in INSTRUMENTS}
    for (code, client_id), own in grouped.items():
        if code not in INSTRUMENTS:
            continue
        pair = first_and_latest(INSTRUMENTS[code], own, until=quarter.end)
        if pair is not None and quarter.holds(pair.latest.completed_on):
            found[code][client_id] = pair
    return found


def _count(changes: dict[int, FirstAndLatest], test: Callable[[Change], bool | None]) -> int:
    return sum(1 for pair in changes.values() if test(pair.change))


def service_summary(service: Service, quarter: Quarter, today: dt.date) -> ServiceSummary:
    figures, instruments = outcome_figures(service, quarter)
    return ServiceSummary(service, quarter, quarters_to(today), figures, instruments)


def outcome_figures(service: Service, quarter: Span) -> tuple[list[Figure], list[InstrumentCounts]]:
    """The four figures against their targets and each instrument's counts, for a quarter or
    any other span (the service report's quarter or year counts the same way)."""
    changes = _changes_in(quarter, service_records(service))

    lonely = changes["ucla3"]
    wellbeing = dict(changes["ons4"])
    wellbeing.update(changes["swemwbs"])  # SWEMWBS first where a client has both
    figures = [
        Figure(
            TARGETS["less_lonely"],
            "Less lonely",
            _count(lonely, lambda c: c.improved),
            len(lonely),
            "Clients with two or more UCLA 3-item loneliness scores, the latest in the quarter",
            "Their latest score is lower (less lonely) than their first, by any amount",
        ),
        Figure(
            TARGETS["better_wellbeing"],
            "Better wellbeing",
            _count(wellbeing, lambda c: c.improved),
            len(wellbeing),
            "Clients with two or more SWEMWBS scores, or else two or more ONS4 life "
            "satisfaction answers, the latest in the quarter",
            "Their latest SWEMWBS score (or ONS4 life satisfaction) is higher than their "
            "first, by any amount",
        ),
        _experience(service, quarter),
        _goals(service_goal_ratings(service), quarter),
    ]
    instruments = [
        InstrumentCounts(
            instrument=INSTRUMENTS[code],
            compared=len(found),
            reliable_improvement=_count(found, lambda c: c.reliable_improvement),
            no_reliable_change=_count(found, lambda c: c.reliable is False),
            reliable_deterioration=_count(found, lambda c: c.reliable_deterioration),
            no_figure=_count(found, lambda c: c.reliable is None),
            improved=_count(found, lambda c: c.improved),
        )
        for code, found in changes.items()
    ]
    return figures, instruments


def _experience(service: Service, quarter: Span) -> Figure:
    answered = [
        r
        for r in service_prem_responses(service)
        if quarter.holds(r.completed_on) and r.positive is not None
    ]
    return Figure(
        TARGETS["positive_experience"],
        "Positive experience",
        sum(1 for r in answered if r.positive),
        len(answered),
        "Experience questionnaires completed in the quarter with the overall experience "
        'question answered ("Don\'t know" included)',
        'The overall experience was one of the positive answers ("Very good" or "Good" in '
        "the standard questionnaire)",
    )


def _goals(ratings: Sequence[GoalRating], quarter: Span) -> Figure:
    by_client: dict[int, list[GoalRating]] = {}
    for rating in ratings:
        by_client.setdefault(rating.client_id, []).append(rating)
    counted = progressing = 0
    for own in by_client.values():
        rated_twice = [
            h
            for h in goal_histories(own, until=quarter.end)
            if h.progress is not None and quarter.holds(h.latest.rated_on)
        ]
        if rated_twice:
            counted += 1
            progressing += any(
                h.progress is not None and h.progress.progressed for h in rated_twice
            )
    return Figure(
        TARGETS["progressing_goal"],
        "Progressing a goal",
        progressing,
        counted,
        "Clients with a goal rated at least twice, its latest rating in the quarter",
        "At least one such goal's latest rating is higher than its first",
    )
