"""What the identification pages show, shaped for the templates, so views stay thin."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import polars as pl
from django.core.paginator import Page
from django.urls import reverse

from hiu.codes import describe
from hiu.schemas import EMERGENCY_ADMISSION_METHODS, EXTRACTS
from hiu.store.store import Timeline
from hiu.web.accounts.models import ListFrequency, Service
from hiu.web.formatting import (
    display_username,
    format_count,
    format_date,
    format_datetime,
    format_local_datetime,
    format_nhs_number,
)
from hiu.web.identification.models import ExcludedPerson, IdentificationRun, IdentifiedPerson
from hiu.web.identification.rulesets import RuleSetChoice
from hiu.web.identification.schedule import months_before
from hiu.web.identification.status import Mark, RunStatus, Trigger
from hiu.web.organisations.models import names_for, with_name

RUN_TAGS = {
    RunStatus.QUEUED: "nhsuk-tag--grey",
    RunStatus.RUNNING: "nhsuk-tag--blue",
    RunStatus.DONE: "nhsuk-tag--green",
    RunStatus.FAILED: "nhsuk-tag--red",
}
MARK_TAGS = {
    Mark.NEW: "nhsuk-tag--blue",
    Mark.CONTINUING: "nhsuk-tag--white",
    Mark.DROPPED: "nhsuk-tag--orange",
}
#: The count columns of a list, as (field, heading).
COUNT_HEADINGS = (
    ("ed_30d", "A&E, 30 days"),
    ("ed_90d", "A&E, 90 days"),
    ("ed_365d", "A&E, 365 days"),
    ("ambulance_90d", "Ambulance, 90 days"),
    ("nhs111_90d", "111 calls, 90 days"),
    ("admissions_365d", "Emergency admissions, 365 days"),
    ("bed_days_365d", "Bed days, 365 days"),
)
#: An en dash: a dropped person has no rank or counts on this list.
NOT_APPLICABLE = "\u2013"
MONTHS_SHOWN = 24


@dataclass(frozen=True)
class Row:
    key: str
    value: str


@dataclass(frozen=True)
class Tag:
    text: str
    classes: str


def run_tag(run: IdentificationRun) -> Tag:
    status = RunStatus(run.status)
    return Tag(status.label, RUN_TAGS[status])


def mark_tag(mark: str) -> Tag:
    return Tag(Mark(mark).label, MARK_TAGS[Mark(mark)])


def run_url(run: IdentificationRun) -> str:
    return reverse("identification:run", args=[run.pk])


def requested_by(run: IdentificationRun) -> str:
    if run.trigger == Trigger.SCHEDULED:
        return "the schedule"
    return (
        display_username(run.requested_by_username)
        if run.requested_by_username
        else "someone no longer known"
    )


def rule_set_text(name: str, title: str) -> str:
    return f"{title} ({name})" if title and title != name else name


# The service's runs ------------------------------------------------------------------------


@dataclass(frozen=True)
class RunRow:
    run: IdentificationRun
    as_of: str
    rule_set: str
    trigger: str
    started: str
    tag: Tag
    listed: str
    new: str
    dropped: str
    excluded: str
    href: str


@dataclass(frozen=True)
class RunsPage:
    settings: list[Row]
    rows: list[RunRow]
    may_run: bool


def settings_rows(service: Service, rule_sets: list[RuleSetChoice]) -> list[Row]:
    titles = {choice.name: choice.title for choice in rule_sets}
    return [
        Row("Rule set", rule_set_text(service.rule_set, titles.get(service.rule_set, ""))),
        Row("Lists made", ListFrequency(service.list_frequency).label),
    ]


def runs_page(
    service: Service | None,
    runs: Iterable[IdentificationRun],
    rule_sets: list[RuleSetChoice],
    *,
    may_run: bool,
) -> RunsPage:
    rows = []
    for run in runs:
        done = run.status == RunStatus.DONE
        rows.append(
            RunRow(
                run=run,
                as_of=format_date(run.as_of),
                rule_set=rule_set_text(run.rule_set, run.rule_set_title),
                trigger=Trigger(run.trigger).label,
                started=f"{format_datetime(run.created_at)} by {requested_by(run)}",
                tag=run_tag(run),
                listed=format_count(run.listed_count) if done else NOT_APPLICABLE,
                new=format_count(getattr(run, "new_count", 0)) if done else NOT_APPLICABLE,
                dropped=format_count(getattr(run, "dropped_count", 0)) if done else NOT_APPLICABLE,
                excluded=format_count(run.excluded_count) if done else NOT_APPLICABLE,
                href=run_url(run),
            )
        )
    settings = settings_rows(service, rule_sets) if service is not None else []
    return RunsPage(settings=settings, rows=rows, may_run=may_run)


# One run -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunSummary:
    run: IdentificationRun
    heading: str
    tag: Tag
    details: list[Row]
    previous_href: str | None
    tabs: list[dict[str, Any]]


def run_summary(
    run: IdentificationRun, counts: dict[str, int], *, current: str = "list"
) -> RunSummary:
    """The top of a run's pages: what it is, how it went, and the two views of its people."""
    details = [
        Row("Rule set", rule_set_text(run.rule_set, run.rule_set_title)),
        Row("As-of date", format_date(run.as_of)),
    ]
    if run.period_start is not None:
        details.append(
            Row(
                "Period",
                f"{format_date(run.period_start)} to {format_date(run.as_of)}: people who met "
                "a threshold on one of these days",
            )
        )
    details += [
        Row("Made", f"{Trigger(run.trigger).label}, asked for by {requested_by(run)}"),
        Row("Asked for", format_datetime(run.created_at)),
    ]
    if run.finished_at is not None:
        details.append(Row("Finished", format_datetime(run.finished_at)))
    if run.status == RunStatus.DONE:
        details += [
            Row("On the list", format_count(run.listed_count)),
            Row(
                "New since the previous list",
                format_count(counts.get(Mark.NEW, 0)),
            ),
            Row("Continuing", format_count(counts.get(Mark.CONTINUING, 0))),
            Row("Dropped since the previous list", format_count(counts.get(Mark.DROPPED, 0))),
            Row("Excluded by the rule set's criteria", format_count(run.excluded_count)),
        ]
        if run.below_cut:
            details.append(
                Row("Met a threshold but below the rule set's top", format_count(run.below_cut))
            )
    previous = run.previous_run
    if run.status == RunStatus.DONE:
        details.append(
            Row(
                "Compared with",
                f"the list as of {format_date(previous.as_of)}"
                if previous is not None
                else "no earlier list: everyone is new",
            )
        )
    people = counts.get(Mark.NEW, 0) + counts.get(Mark.CONTINUING, 0) + counts.get(Mark.DROPPED, 0)
    tabs = [
        {
            "href": run_url(run),
            "text": f"People on the list, and dropped ({format_count(people)})",
            "current": current == "list",
        },
        {
            "href": reverse("identification:excluded", args=[run.pk]),
            "text": f"Excluded ({format_count(run.excluded_count)})",
            "current": current == "excluded",
        },
    ]
    return RunSummary(
        run=run,
        heading=f"List as of {format_date(run.as_of)}",
        tag=run_tag(run),
        details=details,
        previous_href=run_url(previous) if previous is not None else None,
        tabs=tabs,
    )


@dataclass(frozen=True)
class PersonRow:
    person: IdentifiedPerson
    href: str
    rank: str
    name: str
    nhs_number: str
    age: str
    eligibility: str
    thresholds: str
    spread: str
    counts: list[str]
    tag: Tag


def thresholds_text(names: str, descriptions: dict[str, str]) -> str:
    """``ed_month; ed_year`` as the rule set describes them, one per line."""
    return "\n".join(
        descriptions.get(name, name) for name in (part.strip() for part in names.split(";")) if name
    )


def person_rows(run: IdentificationRun, people: Iterable[IdentifiedPerson]) -> list[PersonRow]:
    rows = []
    for person in people:
        dropped = person.mark == Mark.DROPPED
        rows.append(
            PersonRow(
                person=person,
                href=reverse("identification:person", args=[run.pk, person.pk]),
                rank=str(person.rank) if person.rank is not None else NOT_APPLICABLE,
                name=display_name(person.given_name, person.family_name),
                nhs_number=format_nhs_number(person.nhs_number),
                age=str(person.age) if person.age is not None else "",
                eligibility=format_date(person.eligibility_date) or NOT_APPLICABLE,
                thresholds="No longer meets a threshold in this period, or excluded"
                if dropped
                else thresholds_text(person.thresholds_met, run.thresholds),
                spread=str(person.spread) if person.spread is not None else NOT_APPLICABLE,
                counts=[_count(getattr(person, field)) for field, _ in COUNT_HEADINGS],
                tag=mark_tag(person.mark),
            )
        )
    return rows


def _count(value: int | None) -> str:
    return format_count(value) if value is not None else NOT_APPLICABLE


def display_name(given: str, family: str) -> str:
    """``KNIGHT, Jean``, as the client lists write names; ``Name not known`` when both are empty."""
    if not given and not family:
        return "Name not known"
    return f"{family.upper()}, {given}" if family and given else (family.upper() or given)


@dataclass(frozen=True)
class ExcludedRow:
    name: str
    nhs_number: str
    age: str
    eligibility: str
    thresholds: str
    reasons: list[str]


def excluded_rows(run: IdentificationRun, people: Iterable[ExcludedPerson]) -> list[ExcludedRow]:
    return [
        ExcludedRow(
            name=display_name(person.given_name, person.family_name),
            nhs_number=format_nhs_number(person.nhs_number),
            age=str(person.age) if person.age is not None else "Not known",
            eligibility=format_date(person.eligibility_date),
            thresholds=thresholds_text(person.thresholds_met, run.thresholds),
            reasons=[reason.strip() for reason in person.reasons.split(";") if reason.strip()],
        )
        for person in people
    ]


def page_links(page: Page[Any], filters: dict[str, Any]) -> dict[str, Any]:
    """The NHS.UK pagination component's links, keeping the filters in the address."""

    def href(number: int) -> str:
        return "?" + urlencode({**filters, "page": number})

    return {
        "previous": {
            "href": href(page.previous_page_number()),
            "labelText": f"Page {page.previous_page_number()}",
        }
        if page.has_previous()
        else None,
        "next": {
            "href": href(page.next_page_number()),
            "labelText": f"Page {page.next_page_number()}",
        }
        if page.has_next()
        else None,
    }


# One person's activity ---------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    heading: str
    numeric: bool = False


@dataclass(frozen=True)
class EventTable:
    title: str
    columns: list[Column]
    rows: list[list[str]]


@dataclass(frozen=True)
class MonthRow:
    month: str
    counts: list[str]


@dataclass(frozen=True)
class PersonPage:
    person: IdentifiedPerson
    name: str
    summary: list[Row]
    tag: Tag
    month_columns: list[str]
    months: list[MonthRow]
    tables: list[EventTable]
    total: int


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return format_local_datetime(value)
    if isinstance(value, dt.date):
        return format_date(value)
    return str(value)


def _words(value: object) -> str:
    """``see_and_convey`` as ``See and convey``."""
    text = _text(value).replace("_", " ")
    return text[:1].upper() + text[1:]


def _admission_method(code: object) -> str:
    # The descriptions say which methods are emergencies ("Emergency admission: ...").
    return describe("admission_method", _text(code))


@dataclass(frozen=True)
class Shown:
    """What a cell needs beyond its row: the list's as-of date and the loaded names of the
    sites the person's events name."""

    as_of: dt.date
    sites: dict[str, str]


def _site(value: object, shown: Shown) -> str:
    return with_name(_text(value), shown.sites)


def _coded(system: str, column: str) -> Cell:
    return lambda r, _: describe(system, r.get(column))


def _bed_days(row: dict[str, Any], shown: Shown) -> str:
    admitted = row.get("admission_datetime")
    if not isinstance(admitted, dt.datetime):
        return ""
    discharged = row.get("discharge_datetime")
    end = discharged.date() if isinstance(discharged, dt.datetime) else shown.as_of
    return format_count(max(0, (end - admitted.date()).days))


#: Each kind's table: its title and its columns, as (heading, how to show a row, numeric).
#: Codes show their descriptions (``hiu.codes``) and sites their loaded names.
Cell = Callable[[dict[str, Any], Shown], str]
SITE_COLUMNS = ("site_code", "conveyed_to_site")
TABLES: dict[str, tuple[str, list[tuple[str, Cell, bool]]]] = {
    "ed_attendances": (
        "A&E attendances",
        [
            ("Arrived", lambda r, _: _text(r.get("arrival_datetime")), False),
            ("Left", lambda r, _: _text(r.get("departure_datetime")), False),
            ("Site", lambda r, shown: _site(r.get("site_code"), shown), False),
            ("Department type", lambda r, _: _text(r.get("department_type")), False),
            ("Category", _coded("attendance_category", "attendance_category"), False),
            ("Arrival mode", _coded("arrival_mode", "arrival_mode"), False),
            ("Chief complaint", _coded("snomed_presentation", "chief_complaint"), False),
            ("Diagnosis", _coded("snomed_presentation", "diagnosis"), False),
            ("Acuity", _coded("acuity", "acuity"), False),
            (
                "Discharge destination",
                _coded("discharge_destination", "discharge_destination"),
                False,
            ),
        ],
    ),
    "ambulance_incidents": (
        "Ambulance incidents",
        [
            ("Call", lambda r, _: _text(r.get("call_datetime")), False),
            ("Origin", lambda r, _: _text(r.get("call_origin")), False),
            ("Outcome", lambda r, _: _words(r.get("outcome")), False),
            ("Conveyed to", lambda r, shown: _site(r.get("conveyed_to_site"), shown), False),
        ],
    ),
    "nhs111_calls": (
        "NHS 111 calls",
        [
            ("Call", lambda r, _: _text(r.get("call_datetime")), False),
            ("Disposition", lambda r, _: _words(r.get("disposition")), False),
        ],
    ),
    "admissions": (
        "Hospital admissions",
        [
            ("Admitted", lambda r, _: _text(r.get("admission_datetime")), False),
            (
                "Discharged",
                lambda r, _: _text(r.get("discharge_datetime")) or "Not discharged",
                False,
            ),
            ("Admission method", lambda r, _: _admission_method(r.get("admission_method")), False),
            ("Primary diagnosis", lambda r, _: _text(r.get("primary_diagnosis")), False),
            ("Setting", lambda r, _: _words(r.get("setting")), False),
            ("Site", lambda r, shown: _site(r.get("site_code"), shown), False),
            ("Bed days", _bed_days, True),
        ],
    ),
}
#: The monthly counts' columns: (heading, kind, which rows count).
MONTH_COLUMNS: tuple[tuple[str, str, pl.Expr | None], ...] = (
    ("A&E attendances", "ed_attendances", None),
    ("Ambulance incidents", "ambulance_incidents", None),
    ("NHS 111 calls", "nhs111_calls", None),
    (
        "Emergency admissions",
        "admissions",
        pl.col("admission_method").is_in(sorted(EMERGENCY_ADMISSION_METHODS)),
    ),
)


def person_page(person: IdentifiedPerson, run: IdentificationRun, timeline: Timeline) -> PersonPage:
    name = f"{person.given_name} {person.family_name}".strip() or "Name not known"
    age = f" (aged {person.age} on {format_date(run.as_of)})" if person.age is not None else ""
    summary = [
        Row("NHS number", format_nhs_number(person.nhs_number)),
        Row("Date of birth", (format_date(person.date_of_birth) or "Not known") + age),
        Row("Phone", person.phone or "Not recorded"),
        Row("On the list as of", format_date(run.as_of)),
    ]
    if person.mark == Mark.DROPPED:
        summary.append(Row("Place on the list", "Dropped: on the previous list, not on this one"))
    else:
        summary += [
            Row("Priority rank", str(person.rank)),
            Row("Eligible from", format_date(person.eligibility_date)),
            Row("Thresholds met", thresholds_text(person.thresholds_met, run.thresholds)),
        ]
    tables = []
    shown = Shown(as_of=run.as_of, sites=names_for(site_codes(timeline)))
    for kind, (title, columns) in TABLES.items():
        frame = timeline.events.get(kind, pl.DataFrame())
        start = EXTRACTS[kind].start
        rows = (
            frame.sort(start, descending=True, nulls_last=True).iter_rows(named=True)
            if frame.height and start
            else iter(())
        )
        tables.append(
            EventTable(
                title=title,
                columns=[Column(heading, numeric) for heading, _, numeric in columns],
                rows=[[cell(row, shown) for _, cell, _ in columns] for row in rows],
            )
        )
    months = monthly_counts(timeline, run.as_of)
    return PersonPage(
        person=person,
        name=name,
        summary=summary,
        tag=mark_tag(person.mark),
        month_columns=[heading for heading, _, _ in MONTH_COLUMNS],
        months=months,
        tables=tables,
        total=timeline.total,
    )


def site_codes(timeline: Timeline) -> set[str]:
    """Every site code the person's events name."""
    codes: set[str] = set()
    for frame in timeline.events.values():
        for column in SITE_COLUMNS:
            if column in frame.columns:
                codes |= {str(code) for code in frame[column].drop_nulls().unique().to_list()}
    return codes


def monthly_counts(timeline: Timeline, as_of: dt.date) -> list[MonthRow]:
    """Events per month for the 24 months up to the later of the as-of date and the person's
    latest event, newest first."""
    per_kind: dict[str, dict[dt.date, int]] = {}
    latest = as_of
    for _, kind, keep in MONTH_COLUMNS:
        frame = timeline.events.get(kind, pl.DataFrame())
        start = EXTRACTS[kind].start
        counts: dict[dt.date, int] = {}
        if frame.height and start:
            if keep is not None:
                frame = frame.filter(keep)
            months = frame.select(pl.col(start).dt.date().dt.month_start().alias("month"))
            for month, n in months.group_by("month").len().iter_rows():
                if month is not None:
                    counts[month] = n
                    latest = max(latest, month)
        per_kind[kind] = counts
    last = latest.replace(day=1)
    rows = []
    for back in range(MONTHS_SHOWN):
        month = months_before(last, back)
        rows.append(
            MonthRow(
                month=f"{month:%B %Y}",
                counts=[format_count(per_kind[kind].get(month, 0)) for _, kind, _ in MONTH_COLUMNS],
            )
        )
    return rows
