"""Identification stated again in plain Python: the rules the tests trust.

``hiu.identify.query`` compiles a rule set to SQL so that DuckDB and Spark can run it over
millions of rows. This module says the same thing again, one person, one threshold and one day
at a time, in loops over plain rows, with no SQL and no window functions, so that it can be read
against the rule-set documentation line by line. The tests run every engine and this on the
same small activity and require identical lists (``tests/identify``). It is far too slow for a
real store and is not meant for one.

The rules, as this module applies them:

1. Counting events (:func:`counting_events`). Only events on or before the as-of date count.

   - A&E: an attendance counts on its arrival day, unless its attendance category is one the
     rule set excludes (a missing category is never excluded), or its chief complaint or its
     diagnosis is a SNOMED CT concept in one of the code lists excluded for A&E.
   - Ambulance and NHS 111: every incident or call counts, on the day of the call.
   - Emergency admissions: a spell counts on its admission day when its admission method is an
     emergency method (``hiu.schemas.EMERGENCY_ADMISSION_METHODS``), unless its primary
     diagnosis, with any dots taken out, starts with an ICD-10 prefix of a code list excluded
     for admissions. Its bed days run from the admission date to the discharge date, or to the
     as-of date when the spell is still open or was discharged after it.

   A row with no person or no day is no event. Two rows on the same day are two events, even
   if they look alike.

2. Thresholds (:func:`threshold_met`). A threshold can only be met on a day on which the
   person has a counting event of one of its services. It is met on that day when, for every
   part, the part's service has at least ``at_least`` counting events on the days of the window
   ending that day, all of that day's events included:

   - rolling: that day and the ``window_days - 1`` days before it;
   - calendar month: the first of that day's month up to that day;
   - period: the first day of the list's period up to that day.

   The list's period is the ``period_days`` days ending on the as-of date. Only days in the
   period matter: the threshold's ``first_met`` is the first day in the period on which it is
   met, and its ``strength`` is the largest, over the days in the period on which it is met, of
   the smallest ratio ``count / at_least`` over its parts.

3. The list (:func:`identify`). A candidate is a person who met at least one threshold. Their
   eligibility date is the earliest ``first_met``; ``thresholds_met`` names the thresholds met,
   in the rule set's order; ``spread`` is the number of services those thresholds count;
   ``intensity`` is the sum of their strengths, in exact arithmetic, rounded to 6 decimal places
   (an exact tie to the even digit, as Python and Polars round). Each count column counts the
   counting events of a service on the days ending on the as-of date (:data:`COUNT_SPANS`);
   ``bed_days_365d`` adds up the bed days of the emergency admissions counted by
   ``admissions_365d``.

   A candidate is excluded, with every reason that applies (:func:`reasons`), when: they died
   on or before the as-of date (if deaths exclude); age criteria exist and the people extract
   gives no date of birth; their age at the as-of date, in whole years, is under ``min_age`` or
   over ``max_age`` (someone born on 29 February is a year older from 1 March in other years);
   they live in a care home (if care homes exclude); a GP practice list exists and they have no
   practice or another one; or any of their A&E attendances or admissions (of any category or
   method) on or before the as-of date has a presentation in a ``[people]`` code list. A person
   missing from the people extract has no date of birth, practice, care home or death.

   The others are ranked by the ``rank_by`` keys, each highest first (a service's key is its
   counting events in the period), then by earlier eligibility date, then by lower NHS number;
   the first ``top`` are listed (``top`` given to :func:`identify`, else the rule set's) and
   numbered from 1. The excluded are ordered by eligibility date, then NHS number.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction
from typing import Any

import polars as pl

from hiu.identify.listing import COUNTS, EXCLUSION_COLUMNS, LIST_COLUMNS, IdentifiedList
from hiu.identify.rules import Codelist, RuleSet, Service, Threshold, Window
from hiu.schemas import EMERGENCY_ADMISSION_METHODS

ENGINE = "reference"

#: What each count column counts: a service's counting events on the days ending on the as-of
#: date.
COUNT_SPANS: Mapping[str, tuple[Service, int]] = {
    "ed_30d": (Service.ED, 30),
    "ed_90d": (Service.ED, 90),
    "ed_365d": (Service.ED, 365),
    "ambulance_90d": (Service.AMBULANCE, 90),
    "nhs111_90d": (Service.NHS111, 90),
    "admissions_365d": (Service.EMERGENCY_ADMISSIONS, 365),
}
#: The bed days column and the days ending on the as-of date whose admissions it adds up.
BED_DAYS = ("bed_days_365d", 365)
assert (*COUNT_SPANS, BED_DAYS[0]) == COUNTS, "the count columns changed: say what they count"

INTENSITY_DIGITS = 6

#: The column types of a list and of its exclusions.
LISTED_SCHEMA: dict[str, Any] = {
    "priority_rank": pl.Int64,
    "nhs_number": pl.String,
    "given_name": pl.String,
    "family_name": pl.String,
    "date_of_birth": pl.Date,
    "age": pl.Int64,
    "phone": pl.String,
    "eligibility_date": pl.Date,
    "thresholds_met": pl.String,
    "spread": pl.Int64,
    "intensity": pl.Float64,
    **dict.fromkeys(COUNTS, pl.Int64),
}
EXCLUDED_SCHEMA: dict[str, Any] = {
    "nhs_number": pl.String,
    "given_name": pl.String,
    "family_name": pl.String,
    "date_of_birth": pl.Date,
    "age": pl.Int64,
    "eligibility_date": pl.Date,
    "thresholds_met": pl.String,
    "reasons": pl.String,
}
assert tuple(LISTED_SCHEMA) == LIST_COLUMNS
assert tuple(EXCLUDED_SCHEMA) == EXCLUSION_COLUMNS


@dataclass(frozen=True)
class Event:
    """One counting event: whose, which service, which day, and (admissions) bed days."""

    person: int
    service: Service
    day: date
    bed_days: int = 0


@dataclass(frozen=True)
class Met:
    """One threshold met by one person: the first day in the period and the largest ratio."""

    first_met: date
    strength: Fraction


@dataclass
class Candidate:
    """Someone who met a threshold: what they met, their counts and details, and any reasons
    they are not listed."""

    person: int
    met: dict[str, Met]
    services: set[Service]
    counts: dict[str, int]
    in_period: dict[Service, int]
    details: Mapping[str, Any]
    age: int | None
    reasons: list[str]

    @property
    def eligibility_date(self) -> date:
        return min(met.first_met for met in self.met.values())


def identify(
    frames: Mapping[str, pl.DataFrame], rules: RuleSet, as_of: date, *, top: int | None = None
) -> IdentifiedList:
    """Who ``rules`` list on ``as_of``, given a store's tables as Polars frames (any may be
    missing)."""
    start = period_start(rules, as_of)
    events_by_person: dict[int, list[Event]] = defaultdict(list)
    for event in counting_events(frames, rules, as_of):
        events_by_person[event.person].append(event)

    people = first_rows_by_person(frames.get("people"))
    candidates = []
    for person, events in sorted(events_by_person.items()):
        met = {}
        for threshold in rules.thresholds:
            result = threshold_met(threshold, events, start, as_of)
            if result is not None:
                met[threshold.name] = result
        if not met:
            continue
        details = people.get(person, {})
        birth = details.get("date_of_birth")
        candidate = Candidate(
            person=person,
            met=met,
            services={
                service
                for threshold in rules.thresholds
                if threshold.name in met
                for service in threshold.services
            },
            counts=count_columns(events, as_of),
            in_period={
                service: sum(
                    1 for event in events if event.service is service and start <= event.day
                )
                for service in Service
            },
            details=details,
            age=age_on(birth, as_of) if birth is not None else None,
            reasons=[],
        )
        candidate.reasons = reasons(candidate, frames, rules, as_of)
        candidates.append(candidate)

    kept = [candidate for candidate in candidates if not candidate.reasons]
    kept.sort(key=lambda candidate: rank_key(candidate, rules))
    limit = top if top is not None else rules.top
    below_cut = 0
    if limit is not None and len(kept) > limit:
        below_cut = len(kept) - limit
        kept = kept[:limit]
    excluded = [candidate for candidate in candidates if candidate.reasons]
    excluded.sort(key=lambda candidate: (candidate.eligibility_date, candidate.person))

    listed_rows = []
    for rank, candidate in enumerate(kept, start=1):
        listed_rows.append(
            {
                "priority_rank": rank,
                **_identity(candidate),
                "phone": candidate.details.get("phone"),
                "eligibility_date": candidate.eligibility_date,
                "thresholds_met": "; ".join(candidate.met),
                "spread": len(candidate.services),
                "intensity": intensity(candidate.met.values()),
                **candidate.counts,
            }
        )
    excluded_rows = []
    for candidate in excluded:
        excluded_rows.append(
            {
                **_identity(candidate),
                "eligibility_date": candidate.eligibility_date,
                "thresholds_met": "; ".join(candidate.met),
                "reasons": "; ".join(candidate.reasons),
            }
        )
    return IdentifiedList(
        rules=rules,
        as_of=as_of,
        period_start=start,
        listed=pl.DataFrame(listed_rows, schema=LISTED_SCHEMA),
        excluded=pl.DataFrame(excluded_rows, schema=EXCLUDED_SCHEMA),
        below_cut=below_cut,
        engine=ENGINE,
    )


def period_start(rules: RuleSet, as_of: date) -> date:
    """The first of the ``period_days`` days ending on the as-of date."""
    return as_of - timedelta(days=rules.period_days - 1)


# Counting events ------------------------------------------------------------------------------


def counting_events(
    frames: Mapping[str, pl.DataFrame], rules: RuleSet, as_of: date
) -> Iterator[Event]:
    """Every counting event of every service on or before the as-of date."""
    ed = rules.counting_for(Service.ED)
    excluded_snomed = ed.excluded_snomed
    for row in _rows(frames, "ed_attendances"):
        person, day = _person(row), _day(row["arrival_datetime"])
        if person is None or day is None or day > as_of:
            continue
        if (row["attendance_category"] or "") in ed.exclude_attendance_categories:
            continue
        if has_snomed(row, excluded_snomed):
            continue
        yield Event(person, Service.ED, day)

    for kind, service in (
        ("ambulance_incidents", Service.AMBULANCE),
        ("nhs111_calls", Service.NHS111),
    ):
        for row in _rows(frames, kind):
            person, day = _person(row), _day(row["call_datetime"])
            if person is None or day is None or day > as_of:
                continue
            yield Event(person, service, day)

    excluded_icd10 = rules.counting_for(Service.EMERGENCY_ADMISSIONS).excluded_icd10
    for row in _rows(frames, "admissions"):
        person, day = _person(row), _day(row["admission_datetime"])
        if person is None or day is None or day > as_of:
            continue
        if row["admission_method"] not in EMERGENCY_ADMISSION_METHODS:
            continue
        if has_icd10(row, excluded_icd10):
            continue
        discharged = _day(row["discharge_datetime"])
        until = as_of if discharged is None else min(discharged, as_of)
        yield Event(person, Service.EMERGENCY_ADMISSIONS, day, (until - day).days)


def has_snomed(row: Mapping[str, Any], codes: frozenset[str]) -> bool:
    """Whether an A&E attendance's chief complaint or diagnosis is one of ``codes``."""
    return row["chief_complaint"] in codes or row["diagnosis"] in codes


def has_icd10(row: Mapping[str, Any], prefixes: Sequence[str]) -> bool:
    """Whether an admission's primary diagnosis, dots taken out, starts with one of
    ``prefixes`` (written without dots)."""
    diagnosis = (row["primary_diagnosis"] or "").replace(".", "")
    return any(diagnosis.startswith(prefix) for prefix in prefixes)


# Thresholds -----------------------------------------------------------------------------------


def window_start(threshold: Threshold, day: date, start: date) -> date:
    """The first day of ``threshold``'s window ending on ``day``."""
    if threshold.window is Window.ROLLING:
        assert threshold.window_days is not None
        return day - timedelta(days=threshold.window_days - 1)
    if threshold.window is Window.CALENDAR_MONTH:
        return day.replace(day=1)
    return start


def threshold_met(
    threshold: Threshold, events: Sequence[Event], start: date, as_of: date
) -> Met | None:
    """Whether one person's counting events meet ``threshold`` on some day of the period, and
    if so on which day first and by how much at most."""
    services = set(threshold.services)
    relevant = [event for event in events if event.service in services]
    days = sorted({event.day for event in relevant if start <= event.day <= as_of})
    first: date | None = None
    strongest = Fraction(0)
    for day in days:
        since = window_start(threshold, day, start)
        ratios = []
        for part in threshold.parts:
            count = sum(
                1
                for event in relevant
                if event.service is part.service and since <= event.day <= day
            )
            ratios.append(Fraction(count, part.at_least))
        if all(ratio >= 1 for ratio in ratios):
            if first is None:
                first = day
            strongest = max(strongest, min(ratios))
    if first is None:
        return None
    return Met(first, strongest)


def intensity(met: Iterable[Met]) -> float:
    """The strengths of the thresholds met, summed exactly and rounded to 6 decimal places,
    a tie to the even digit."""
    total = sum((one.strength for one in met), Fraction(0))
    return float(round(total, INTENSITY_DIGITS))


# The list -------------------------------------------------------------------------------------


def count_columns(events: Sequence[Event], as_of: date) -> dict[str, int]:
    counts = {}
    for name, (service, days) in COUNT_SPANS.items():
        since = as_of - timedelta(days=days - 1)
        counts[name] = sum(1 for e in events if e.service is service and since <= e.day)
    name, days = BED_DAYS
    since = as_of - timedelta(days=days - 1)
    counts[name] = sum(
        e.bed_days for e in events if e.service is Service.EMERGENCY_ADMISSIONS and since <= e.day
    )
    return counts


def age_on(birth: date, as_of: date) -> int:
    """Whole years from ``birth`` to ``as_of``. Someone born on 29 February is a year older on
    1 March in years without one."""
    before_birthday = (birth.month, birth.day) > (as_of.month, as_of.day)
    return as_of.year - birth.year - (1 if before_birthday else 0)


def reasons(
    candidate: Candidate, frames: Mapping[str, pl.DataFrame], rules: RuleSet, as_of: date
) -> list[str]:
    """Why a candidate is not listed: empty when they are."""
    criteria = rules.people
    details = candidate.details
    out = []
    death = details.get("date_of_death")
    if criteria.exclude_deceased and death is not None and death <= as_of:
        out.append("died on or before the as-of date")
    if criteria.needs_date_of_birth and details.get("date_of_birth") is None:
        out.append("no date of birth in the people extract")
    age = candidate.age
    if age is not None and criteria.min_age is not None and age < criteria.min_age:
        out.append(f"aged {age}, under {criteria.min_age}")
    if age is not None and criteria.max_age is not None and age > criteria.max_age:
        out.append(f"aged {age}, over {criteria.max_age}")
    if criteria.exclude_care_home and details.get("care_home"):
        out.append("lives in a care home")
    if criteria.gp_practices is not None:
        practice = details.get("gp_practice_code")
        if practice is None:
            out.append("no registered GP practice in the people extract")
        elif practice.strip().upper() not in criteria.gp_practices:
            out.append("registered with a GP practice not in the rule set's list")
    for codelist in sorted(criteria.exclude_codelists, key=lambda codelist: codelist.name):
        if has_presentation(candidate.person, codelist, frames, as_of):
            out.append(f"has a presentation in the {codelist.name} code list")
    return out


def has_presentation(
    person: int, codelist: Codelist, frames: Mapping[str, pl.DataFrame], as_of: date
) -> bool:
    """Whether any A&E attendance (SNOMED CT) or admission (ICD-10) of ``person`` on or before
    the as-of date, whatever its category or method, is in ``codelist``."""
    if codelist.snomed:
        for row in _rows(frames, "ed_attendances"):
            if _theirs(row, "arrival_datetime", person, as_of) and has_snomed(row, codelist.snomed):
                return True
    if codelist.icd10:
        for row in _rows(frames, "admissions"):
            if _theirs(row, "admission_datetime", person, as_of) and has_icd10(row, codelist.icd10):
                return True
    return False


def _theirs(row: Mapping[str, Any], column: str, person: int, as_of: date) -> bool:
    """Whether a row is ``person``'s, on or before the as-of date."""
    day = _day(row[column])
    return _person(row) == person and day is not None and day <= as_of


def rank_key(candidate: Candidate, rules: RuleSet) -> tuple[Any, ...]:
    """Sorts the best first: each ``rank_by`` key highest first, then the earlier eligibility
    date, then the lower NHS number."""
    keys: list[float] = []
    for key in rules.rank_by:
        if key == "spread":
            keys.append(-len(candidate.services))
        elif key == "intensity":
            keys.append(-intensity(candidate.met.values()))
        else:
            keys.append(-candidate.in_period[Service(key)])
    return (*keys, candidate.eligibility_date, candidate.person)


def _identity(candidate: Candidate) -> dict[str, Any]:
    details = candidate.details
    return {
        "nhs_number": str(candidate.person).zfill(10),
        "given_name": details.get("given_name"),
        "family_name": details.get("family_name"),
        "date_of_birth": details.get("date_of_birth"),
        "age": candidate.age,
    }


# Rows -----------------------------------------------------------------------------------------


def _rows(frames: Mapping[str, pl.DataFrame], kind: str) -> Iterator[dict[str, Any]]:
    frame = frames.get(kind)
    if frame is not None:
        yield from frame.iter_rows(named=True)


def first_rows_by_person(frame: pl.DataFrame | None) -> dict[int, dict[str, Any]]:
    """Each person's row of the people extract (the first, should a person appear twice)."""
    people: dict[int, dict[str, Any]] = {}
    if frame is not None:
        for row in frame.iter_rows(named=True):
            person = _person(row)
            if person is not None and person not in people:
                people[person] = row
    return people


def _person(row: Mapping[str, Any]) -> int | None:
    """An NHS number as a number, as the engines hold it (so ``0123456789`` is ``123456789``
    and is written back with its leading zero)."""
    number = row["nhs_number"]
    return None if number is None else int(number)


def _day(value: datetime | date | None) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value
