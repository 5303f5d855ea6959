"""What the Reports pages show: the periods on offer, the period chosen first, issued reports as
rows, and a report's body inside the NHS.UK page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from markupsafe import Markup

from hiu.report.period import Period, parse_period, quarter_of, year
from hiu.web.formatting import (
    display_username,
    format_date,
    format_datetime,
)
from hiu.web.reports.models import IssuedReport
from hiu.web.reports.services import FORMATS

QUARTERS_OFFERED = 8
YEARS_OFFERED = 2


def default_period(on: dt.date, data_end: dt.date | None) -> Period:
    """The latest calendar quarter that has ended, both by the calendar and in the activity
    data: a report of a quarter the data does not reach yet would show its activity as nil."""
    latest = quarter_of(on).previous()
    if data_end is not None:
        while latest.end > data_end:
            latest = latest.previous()
    return latest


def offered_periods(on: dt.date, chosen: Period) -> list[Period]:
    """The last 8 calendar quarters (this one included, so far) and the last 2 calendar years,
    newest first, with ``chosen`` among them even when it is older."""
    quarters = [quarter_of(on)]
    while len(quarters) < QUARTERS_OFFERED:
        quarters.append(quarters[-1].previous())
    if chosen.is_quarter and chosen not in quarters:
        quarters.append(chosen)
    years = [year(on.year - back) for back in range(YEARS_OFFERED)]
    if not chosen.is_quarter and chosen not in years:
        years.append(chosen)
    return quarters + years


def period_choice(period: Period, on: dt.date) -> str:
    """E.g. "July to September 2026 (2026Q3)"; a period not over yet says "so far"."""
    so_far = ", so far" if period.end >= on else ""
    return f"{period.label} ({period.key}{so_far})"


def issue_from(period: Period) -> str:
    """The first day a period's report may be issued: the day after the period ends."""
    return format_date(period.end + dt.timedelta(days=1))


def period_label(period_key: str) -> str:
    return parse_period(period_key).label


@dataclass(frozen=True)
class Download:
    label: str
    href: str


@dataclass(frozen=True)
class IssuedRow:
    report: IssuedReport
    period: str  # "July to September 2026 (2026Q3)"
    version: int
    issued_on: str
    issued_by: str
    href: str
    downloads: tuple[Download, ...]


def downloads_of(issued: IssuedReport) -> tuple[Download, ...]:
    return tuple(
        Download(
            file_format.label,
            reverse("reports:issued_download", args=[issued.pk, file_format.key]),
        )
        for file_format in FORMATS.values()
    )


def draft_downloads(period: Period) -> tuple[Download, ...]:
    return tuple(
        Download(
            file_format.label,
            reverse("reports:draft_download", args=[period.key, file_format.key]),
        )
        for file_format in FORMATS.values()
    )


def issued_row(issued: IssuedReport) -> IssuedRow:
    return IssuedRow(
        report=issued,
        period=f"{period_label(issued.period_key)} ({issued.period_key})",
        version=issued.version,
        issued_on=format_datetime(issued.issued_at),
        issued_by=display_username(issued.issued_by_username)
        if issued.issued_by_username
        else "hiu",
        href=reverse("reports:issued", args=[issued.pk]),
        downloads=downloads_of(issued),
    )


def issued_details(issued: IssuedReport) -> list[tuple[str, str]]:
    return [
        ("Period", f"{period_label(issued.period_key)} ({issued.period_key})"),
        ("Version", str(issued.version)),
        (
            "Issued",
            f"{format_datetime(issued.issued_at)} by {_issued_by(issued)}",
        ),
        ("Produced on", format_date(issued.generated_on)),
    ]


def report_body(html: str) -> Markup:
    """A report's sections, drawn by ``hiu.report.render_html.render_body`` with autoescape on
    (every value in them is escaped already), or kept from when the report was issued."""
    return Markup(html)  # noqa: S704 - autoescaped by hiu.report.render_html


def _issued_by(issued: Any) -> str:
    """Who issued a report, by name; "hiu" for one issued by the scheduler."""
    return display_username(issued.issued_by_username) if issued.issued_by_username else "hiu"
