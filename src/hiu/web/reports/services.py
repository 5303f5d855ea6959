"""Making a service's report for a period, and issuing it.

A draft is made afresh from the casework each time it is asked for (gather the facts, build the
report, draw it), so it always shows what is recorded now. Issuing draws the same report in
every format once and keeps the files: commissioners download exactly the bytes that were
issued, however the casework changes afterwards.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from hiu.report.document import Report
from hiu.report.measures import build_report
from hiu.report.period import Period
from hiu.report.render_html import render_body, render_html
from hiu.report.render_pdf import render_pdf
from hiu.report.render_xlsx import render_xlsx
from hiu.web.accounts.models import Service
from hiu.web.formatting import format_date
from hiu.web.reports.gather import service_facts
from hiu.web.reports.models import IssuedReport


@dataclass(frozen=True)
class FileFormat:
    key: str  # what --format and the download URLs take: "pdf", "xlsx", "html"
    label: str
    content_type: str
    draw: Callable[[Report], bytes]


def _html_bytes(report: Report) -> bytes:
    return render_html(report).encode("utf-8")


FORMATS: dict[str, FileFormat] = {
    "pdf": FileFormat("pdf", "PDF", "application/pdf", render_pdf),
    "xlsx": FileFormat(
        "xlsx",
        "Excel workbook (XLSX)",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        render_xlsx,
    ),
    "html": FileFormat("html", "Web page (HTML)", "text/html; charset=utf-8", _html_bytes),
}


def today() -> dt.date:
    """The day a report is produced on, in the service's time zone."""
    return timezone.localdate()


def draft_report(service: Service, period: Period, *, on: dt.date) -> Report:
    """The service's report for the period from what is recorded now."""
    facts = service_facts(service, period, today=on)
    return build_report(facts, period, on)


def file_name(service: Service, period_key: str, file_format: str, version: int | None) -> str:
    """``hiu-report-<service>-<period>[-v<N>].<format>``; a draft has no version."""
    name = slugify(service.name) or f"service-{service.pk}"
    suffix = f"-v{version}" if version is not None else ""
    return f"hiu-report-{name}-{period_key}{suffix}.{file_format}"


def figures_of(report: Report) -> list[dict[str, Any]]:
    """Every table's cells as shown, in report order: what an issued version is compared by."""
    return [
        {
            "sheet": table.sheet,
            "title": table.title,
            "columns": [column.label for column in table.columns],
            "rows": [[cell.text for cell in row] for row in table.rows],
        }
        for table in report.tables()
    ]


def may_issue(period: Period, *, on: dt.date) -> bool:
    """A report is issued once its period has ended: until then its figures are still moving."""
    return period.end < on


class CannotIssueError(ValueError):
    """The period has not ended; the message says so."""


def issue_report(
    service: Service, period: Period, user: User | None, *, on: dt.date
) -> IssuedReport:
    """Draw the report in every format and keep it as the period's next version."""
    if not may_issue(period, on=on):
        raise CannotIssueError(
            f"{period.label} has not ended yet: its report can be issued from "
            f"{format_date(period.end + dt.timedelta(days=1))}."
        )
    # Drawn before the transaction: rendering takes seconds, and the lock below need not wait.
    report = draft_report(service, period, on=on)
    files = {key: file_format.draw(report) for key, file_format in FORMATS.items()}
    body = render_body(report)
    with transaction.atomic():
        # One issuer at a time per service, so two people issuing at once get versions 1 and 2
        # rather than a clash (SQLite serialises writers anyway; PostgreSQL needs the lock).
        Service.objects.select_for_update().get(pk=service.pk)
        latest = IssuedReport.objects.filter(service=service, period_key=period.key).aggregate(
            latest=Max("version")
        )["latest"]
        return IssuedReport.objects.create(
            service=service,
            period_key=period.key,
            version=(latest or 0) + 1,
            issued_by=user,
            issued_by_username=user.get_username() if user is not None else "",
            generated_on=report.generated_on,
            title=report.title,
            body_html=body,
            pdf=files["pdf"],
            xlsx=files["xlsx"],
            html=files["html"],
            figures=figures_of(report),
        )


def issued_file(issued: IssuedReport, file_format: str) -> bytes:
    """The bytes kept when the report was issued (PostgreSQL gives a memoryview back)."""
    return bytes(getattr(issued, file_format))
