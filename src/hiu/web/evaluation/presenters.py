"""What the evaluation pages show: a run's details and status, and the core report's sections
(``hiu.evaluate.report.render_body``) inside the NHS.UK page, so the page and the downloaded
report show the same numbers formatted the same way."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from markupsafe import Markup

from hiu.evaluate.report import render_body
from hiu.web.evaluation.models import EvaluationRun, EvaluationStatus
from hiu.web.evaluation.services import REPLICATES
from hiu.web.formatting import (
    display_username,
    format_datetime,
)

SMALL_NUMBERS = "Not for publication: contains small numbers"
TAG_CLASSES = {
    EvaluationStatus.QUEUED: "nhsuk-tag--grey",
    EvaluationStatus.RUNNING: "nhsuk-tag--blue",
    EvaluationStatus.DONE: "nhsuk-tag--green",
    EvaluationStatus.FAILED: "nhsuk-tag--red",
}


@dataclass(frozen=True)
class RunRow:
    run: EvaluationRun
    href: str
    status: str
    tag_classes: str
    started: str
    by: str


def run_row(run: EvaluationRun) -> RunRow:
    return RunRow(
        run=run,
        href=reverse("evaluation:run", args=[run.pk]),
        status=EvaluationStatus(run.status).label,
        tag_classes=TAG_CLASSES[EvaluationStatus(run.status)],
        started=format_datetime(run.created_at),
        by=_started_by(run),
    )


def details(run: EvaluationRun) -> list[tuple[str, str]]:
    table = run.unit_costs
    rows = [
        (
            "Started",
            f"{format_datetime(run.created_at)} by {_started_by(run)}",
        ),
        ("Rule set", run.rule_set),
        (
            "Unit costs",
            f"Your service's table, version {table.version}"
            if table is not None
            else "hiu's shipped table (your service has not saved its own)",
        ),
        ("Bootstrap replicates", str(run.replicates)),
    ]
    if run.finished_at is not None:
        rows.insert(1, ("Finished", format_datetime(run.finished_at)))
    return rows


def fewer_replicates(run: EvaluationRun) -> bool:
    return run.replicates < REPLICATES


def report_body(run: EvaluationRun) -> Markup:
    """The core report's sections for a finished run. They are rendered by the core's own
    Jinja environment with autoescape on, so every value in them is escaped already."""
    if run.result is None:
        return Markup("")
    return Markup(render_body(run.result))  # noqa: S704 - autoescaped by hiu.evaluate.report


def _started_by(run: Any) -> str:
    """Who started a run, by name; "hiu" for a run the scheduler started."""
    return display_username(run.started_by_username) if run.started_by_username else "hiu"
