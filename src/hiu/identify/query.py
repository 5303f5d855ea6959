"""A rule set and an as-of date, compiled to SQL: the one definition every engine runs.

The SQL is written once, in DuckDB's dialect, as a short sequence of named steps over the
activity store's views (``people``, ``ed_attendances``, ...). DuckDB runs it as it is; Spark
runs the same steps translated by sqlglot (``hiu.identify.engines``). Nothing here knows which
engine will run it, so there is no second, hand-written query to drift (DESIGN §4).

The meaning, which ``hiu.identify.reference`` states again in plain Python for the tests:

- Counting events: each service's events up to the as-of date, less those its ``[counting]``
  excludes. An emergency admission is a spell with an emergency admission method.
- A threshold is met on the day of a counting event of one of its services when each part
  counts at least ``at_least`` events on the days of its window ending that day (all events of
  that day included): the ``window_days`` days ending that day; the calendar month up to that
  day; or the list's period up to that day.
- A person is a candidate when some threshold is met on a day of the list's period (the
  ``period_days`` days ending on the as-of date). Their ``first_met`` for that threshold is the
  first such day; its ``strength`` is the most it was met by, as the smallest ratio of count to
  ``at_least`` over its parts, returned as a whole number of units of 1 / ``strength_scale``.

Dates are written into the SQL as literals (computed here in Python), and a day's number is
an integer, so that window frames are plain ``RANGE BETWEEN n PRECEDING`` in every dialect.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from hiu.identify.rules import RuleSet, Service, Threshold, Window
from hiu.schemas import EMERGENCY_ADMISSION_METHODS

EPOCH = date(1970, 1, 1)

#: The activity columns every list carries, as (column, service, days before the as-of date).
#: Each counts the service's counting events on the ``days`` days ending on the as-of date;
#: ``bed_days_365d`` sums the bed days of the emergency admissions counted by
#: ``admissions_365d``.
COUNT_COLUMNS: tuple[tuple[str, Service, int], ...] = (
    ("ed_30d", Service.ED, 30),
    ("ed_90d", Service.ED, 90),
    ("ed_365d", Service.ED, 365),
    ("ambulance_90d", Service.AMBULANCE, 90),
    ("nhs111_90d", Service.NHS111, 90),
    ("admissions_365d", Service.EMERGENCY_ADMISSIONS, 365),
)
BED_DAYS_COLUMN = ("bed_days_365d", 365)
#: Per-service counts over the list's period, used to rank (``rank_by = ["ed"]``).
PERIOD_COLUMNS = {service: f"{service.value}_period" for service in Service}
#: How each service is held in the events step: a small number rather than its name, because
#: the pruning step groups tens of millions of rows by person and service.
SERVICE_CODES: dict[Service, int] = {service: code for code, service in enumerate(Service, 1)}


def service_code(service: Service) -> str:
    return f"CAST({SERVICE_CODES[service]} AS TINYINT)"


@dataclass(frozen=True)
class Step:
    """One named result: engines materialise each in order, so later steps can read it."""

    name: str
    sql: str


@dataclass(frozen=True)
class Plan:
    """The SQL for one rule set on one day. ``met``, ``activity``, ``people`` and ``flagged``
    are the results the engine returns; the other steps are intermediate."""

    as_of: date
    period_start: date
    steps: tuple[Step, ...]

    RESULTS = ("met", "activity", "people", "flagged")


def period_start(rules: RuleSet, as_of: date) -> date:
    return as_of - timedelta(days=rules.period_days - 1)


def horizon(rules: RuleSet, as_of: date) -> date:
    """The first day any step needs: no event before it can change the result."""
    start = period_start(rules, as_of)
    earliest = min(start, as_of - timedelta(days=364), start.replace(day=1))
    for threshold in rules.thresholds:
        if threshold.window is Window.ROLLING:
            assert threshold.window_days is not None
            earliest = min(earliest, start - timedelta(days=threshold.window_days - 1))
    return earliest


def compile_plan(rules: RuleSet, as_of: date) -> Plan:
    start = period_start(rules, as_of)
    steps = [
        Step("hiu_events", events_sql(rules, horizon(rules, as_of), as_of)),
        Step("hiu_person_service", _person_service(rules)),
        Step("met", _met(rules, start)),
        Step("hiu_candidates", "SELECT DISTINCT nhs_number FROM met"),
        Step("activity", _activity(as_of, start)),
        Step("people", _people()),
        Step("flagged", _flagged(rules, as_of)),
    ]
    return Plan(as_of=as_of, period_start=start, steps=tuple(steps))


def _date(day: date) -> str:
    return f"DATE '{day.isoformat()}'"


def _strings(values: Iterable[str]) -> str:
    return ", ".join("'" + value.replace("'", "''") + "'" for value in sorted(values))


def _day(column: str) -> str:
    return f"CAST({column} AS DATE)"


def _nhs_number(column: str = "nhs_number") -> str:
    # Held as a number so that the big sorts and joins compare 8 bytes, not strings.
    return f"CAST({column} AS BIGINT)"


def _snomed_excluded(codes: frozenset[str]) -> str:
    listed = _strings(codes)
    return f"(COALESCE(chief_complaint, '') IN ({listed}) OR COALESCE(diagnosis, '') IN ({listed}))"


def _icd10_excluded(prefixes: Iterable[str]) -> str:
    tests = [
        f"REPLACE(COALESCE(primary_diagnosis, ''), '.', '') LIKE '{prefix}%'" for prefix in prefixes
    ]
    return "(" + " OR ".join(tests) + ")"


def events_sql(rules: RuleSet, first: date, as_of: date) -> str:
    """Every counting event from ``first`` to the as-of date: person, service, day, day number
    and (for admissions) bed days to discharge or to the as-of date if later or still open."""
    span = f"BETWEEN {_date(first)} AND {_date(as_of)}"
    selects = []

    ed = rules.counting_for(Service.ED)
    where = [f"{_day('arrival_datetime')} {span}"]
    if ed.exclude_attendance_categories:
        categories = _strings(ed.exclude_attendance_categories)
        where.append(f"COALESCE(attendance_category, '') NOT IN ({categories})")
    if ed.excluded_snomed:
        where.append(f"NOT {_snomed_excluded(ed.excluded_snomed)}")
    selects.append(_event_select("ed_attendances", Service.ED, "arrival_datetime", where))

    for kind, service, column in (
        ("ambulance_incidents", Service.AMBULANCE, "call_datetime"),
        ("nhs111_calls", Service.NHS111, "call_datetime"),
    ):
        selects.append(_event_select(kind, service, column, [f"{_day(column)} {span}"]))

    admissions = rules.counting_for(Service.EMERGENCY_ADMISSIONS)
    where = [
        f"{_day('admission_datetime')} {span}",
        f"admission_method IN ({_strings(EMERGENCY_ADMISSION_METHODS)})",
    ]
    if admissions.excluded_icd10:
        where.append(f"NOT {_icd10_excluded(admissions.excluded_icd10)}")
    # A spell still open, or discharged after the as-of date, counts to the as-of date.
    discharged = (
        f"LEAST({_day('COALESCE(discharge_datetime, admission_datetime)')}, {_date(as_of)})"
    )
    open_spell = f"CASE WHEN discharge_datetime IS NULL THEN {_date(as_of)} ELSE {discharged} END"
    bed_days = f"DATEDIFF('day', {_day('admission_datetime')}, {open_spell})"
    selects.append(
        _event_select(
            "admissions", Service.EMERGENCY_ADMISSIONS, "admission_datetime", where, bed_days
        )
    )
    return "\nUNION ALL\n".join(selects)


def _event_select(
    kind: str, service: Service, column: str, where: list[str], bed_days: str = "0"
) -> str:
    day = _day(column)
    return (
        f"SELECT {_nhs_number()} AS nhs_number, {service_code(service)} AS service, {day} AS day, "
        f"CAST(DATEDIFF('day', {_date(EPOCH)}, {day}) AS INTEGER) AS dn, "
        f"CAST({bed_days} AS INTEGER) AS bed_days "
        f"FROM {kind} WHERE " + " AND ".join(where)
    )


def _person_service(rules: RuleSet) -> str:
    """Counting events per person and service, for the services thresholds count: no person
    with fewer than a threshold's count in the whole horizon can meet it, which rules out
    almost everyone before any window."""
    services = ", ".join(str(SERVICE_CODES[service]) for service in rules.services)
    return (
        "SELECT nhs_number, service, COUNT(*) AS n FROM hiu_events "
        f"WHERE service IN ({services}) GROUP BY nhs_number, service"
    )


def _met(rules: RuleSet, start: date) -> str:
    return "\nUNION ALL\n".join(_threshold(threshold, start) for threshold in rules.thresholds)


def _threshold(threshold: Threshold, start: date) -> str:
    parts = threshold.parts
    possible = "\nINTERSECT\n".join(
        f"SELECT nhs_number FROM hiu_person_service "
        f"WHERE service = {SERVICE_CODES[part.service]} AND n >= {part.at_least}"
        for part in parts
    )
    if threshold.window is Window.ROLLING:
        assert threshold.window_days is not None
        first = start - timedelta(days=threshold.window_days - 1)
        frame = (
            "PARTITION BY nhs_number ORDER BY dn "
            f"RANGE BETWEEN {threshold.window_days - 1} PRECEDING AND CURRENT ROW"
        )
    elif threshold.window is Window.CALENDAR_MONTH:
        first = start.replace(day=1)
        frame = (
            "PARTITION BY nhs_number, month ORDER BY dn "
            "RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW"
        )
    else:
        first = start
        frame = (
            "PARTITION BY nhs_number ORDER BY dn RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW"
        )
    services = ", ".join(str(SERVICE_CODES[part.service]) for part in parts)
    counts = ", ".join(
        f"SUM(CASE WHEN service = {SERVICE_CODES[part.service]} THEN 1 ELSE 0 END) AS c{index}"
        for index, part in enumerate(parts)
    )
    windowed = ", ".join(f"SUM(c{index}) OVER ({frame}) AS n{index}" for index in range(len(parts)))
    reached = " AND ".join(f"n{index} >= {part.at_least}" for index, part in enumerate(parts))
    # Strength in whole units of 1 / strength_scale(threshold), so that every engine returns the
    # same exact number (a ratio of doubles could differ in its last bit between engines).
    scale = strength_scale(threshold)
    units = [f"n{index} * {scale // part.at_least}" for index, part in enumerate(parts)]
    strength = units[0] if len(units) == 1 else f"LEAST({', '.join(units)})"
    return f"""SELECT nhs_number, '{threshold.name}' AS threshold, MIN(day) AS first_met,
    CAST(MAX({strength}) AS BIGINT) AS strength
FROM (
    SELECT nhs_number, day, {windowed}
    FROM (
        SELECT e.nhs_number, e.day, e.dn, YEAR(e.day) * 12 + MONTH(e.day) AS month, {counts}
        FROM hiu_events AS e
        WHERE e.service IN ({services}) AND e.day >= {_date(first)}
            AND e.nhs_number IN ({possible})
        GROUP BY e.nhs_number, e.day, e.dn
    ) AS daily
) AS windowed
WHERE day >= {_date(start)} AND {reached}
GROUP BY nhs_number"""


def strength_scale(threshold: Threshold) -> int:
    """The denominator of a threshold's ``strength``: the least common multiple of its parts'
    ``at_least``, so each part's count divided by its ``at_least`` is a whole number of units."""
    return math.lcm(*(part.at_least for part in threshold.parts))


def _activity(as_of: date, start: date) -> str:
    columns = []
    for name, service, days in COUNT_COLUMNS:
        since = as_of - timedelta(days=days - 1)
        columns.append(
            f"SUM(CASE WHEN service = {SERVICE_CODES[service]} AND day >= {_date(since)} "
            f"THEN 1 ELSE 0 END) AS {name}"
        )
    name, days = BED_DAYS_COLUMN
    since = as_of - timedelta(days=days - 1)
    columns.append(
        f"SUM(CASE WHEN service = {SERVICE_CODES[Service.EMERGENCY_ADMISSIONS]} "
        f"AND day >= {_date(since)} THEN bed_days ELSE 0 END) AS {name}"
    )
    for service, column in PERIOD_COLUMNS.items():
        columns.append(
            f"SUM(CASE WHEN service = {SERVICE_CODES[service]} AND day >= {_date(start)} "
            f"THEN 1 ELSE 0 END) AS {column}"
        )
    return (
        "SELECT nhs_number, "
        + ", ".join(columns)
        + " FROM hiu_events WHERE nhs_number IN (SELECT nhs_number FROM hiu_candidates)"
        + " GROUP BY nhs_number"
    )


def _candidate_texts() -> str:
    """Candidates' NHS numbers as the store holds them (10-digit text): comparing text with
    text spares casting every row of a national people table to a number."""
    return "SELECT LPAD(CAST(nhs_number AS VARCHAR), 10, '0') FROM hiu_candidates"


def _people() -> str:
    return (
        f"SELECT {_nhs_number()} AS nhs_number, given_name, family_name, "
        "CAST(date_of_birth AS DATE) AS date_of_birth, phone, gp_practice_code, "
        "CAST(care_home AS BOOLEAN) AS care_home, CAST(date_of_death AS DATE) AS date_of_death "
        f"FROM people WHERE nhs_number IN ({_candidate_texts()})"
    )


def _flagged(rules: RuleSet, as_of: date) -> str:
    """Candidates with any presentation, up to the as-of date, in a code list of
    ``[people] exclude_codelists``: one row per person and code list."""
    selects = []
    candidates = f"nhs_number IN ({_candidate_texts()})"
    for codelist in rules.people.exclude_codelists:
        if codelist.snomed:
            selects.append(
                f"SELECT {_nhs_number()} AS nhs_number, '{codelist.name}' AS codelist "
                f"FROM ed_attendances WHERE {candidates} "
                f"AND {_day('arrival_datetime')} <= {_date(as_of)} "
                f"AND {_snomed_excluded(codelist.snomed)}"
            )
        if codelist.icd10:
            selects.append(
                f"SELECT {_nhs_number()} AS nhs_number, '{codelist.name}' AS codelist "
                f"FROM admissions WHERE {candidates} "
                f"AND {_day('admission_datetime')} <= {_date(as_of)} "
                f"AND {_icd10_excluded(codelist.icd10)}"
            )
    if not selects:
        return (
            "SELECT CAST(NULL AS BIGINT) AS nhs_number, CAST(NULL AS VARCHAR) AS codelist "
            "WHERE 1 = 0"
        )
    return "SELECT DISTINCT nhs_number, codelist FROM (" + "\nUNION ALL\n".join(selects) + ") AS f"
