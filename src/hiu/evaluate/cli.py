"""``hiu evaluate``: the cohort against three comparisons, from the store under ``HIU_DATA_DIR``.

Exit codes: 0 the evaluation was written; 2 it could not be (an unreadable cohort file or
unit-cost table, a malformed rule set, a bad date, an empty store), and nothing was written.
Rows of the cohort file that fail a check are left out and listed in the output (row, column
and reason, never the value); they do not stop the run.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from hiu.config import ConfigurationError, data_dir
from hiu.evaluate.cohort import CohortError, read_cohort
from hiu.evaluate.document import EvaluationDocument
from hiu.evaluate.outputs import write_evaluation
from hiu.evaluate.run import (
    DEFAULT_RATIO,
    DEFAULT_REPLICATES,
    DEFAULT_SEED,
    EvaluationError,
    evaluate,
)
from hiu.evaluate.unit_costs import UnitCostError, UnitCosts
from hiu.identify.cli import rules_search_path
from hiu.identify.rules import RuleError, load_rules
from hiu.store.store import Store

EXIT_FAILED = 2


def _date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date written YYYY-MM-DD") from None


def evaluate_command(
    cohort: Annotated[
        Path,
        typer.Option(
            help="CSV of engaged clients: nhs_number, engaged_date (and optionally "
            "identified_date), dates YYYY-MM-DD.",
            show_default=False,
        ),
    ],
    rules: Annotated[
        str,
        typer.Option(
            help="Rule set the service identifies with: a shipped name (rightcare, ...) or a "
            ".toml file.",
            show_default=False,
        ),
    ],
    out: Annotated[
        Path,
        typer.Option(
            help="Folder to write evaluation.json and evaluation.html into.", show_default=False
        ),
    ],
    unit_costs: Annotated[
        Path | None,
        typer.Option(help="A unit-cost table (.toml) to use instead of the shipped one."),
    ] = None,
    running_costs: Annotated[
        float | None,
        typer.Option(
            min=0,
            help="The service's running costs a year, in pounds: gives a return on investment.",
        ),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the bootstrap.")] = DEFAULT_SEED,
    replicates: Annotated[
        int, typer.Option(min=1, help="Bootstrap replicates for the confidence intervals.")
    ] = DEFAULT_REPLICATES,
    ratio: Annotated[
        int, typer.Option(min=1, max=50, help="Controls matched to each client.")
    ] = DEFAULT_RATIO,
    data_end: Annotated[
        str | None,
        typer.Option(
            "--data-end",
            metavar="YYYY-MM-DD",
            help="Last day of the data (default: the latest event day in the store).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Evaluate a service's engaged clients: naive before/after, identified-but-not-engaged, and
    a matched comparison (risk-set matched, regression-adjusted) with diagnostics, sensitivity,
    costs and relapse."""
    console = Console(stderr=True)
    end = _date(data_end)
    try:
        rule_set = load_rules(rules, search=rules_search_path())
        table = UnitCosts.from_file(unit_costs) if unit_costs is not None else UnitCosts.default()
        members = read_cohort(cohort)
        store = Store.in_data_dir(data_dir())
        result = evaluate(
            store,
            members,
            rule_set,
            unit_costs=table,
            running_costs=running_costs,
            seed=seed,
            replicates=replicates,
            data_end=end,
            ratio=ratio,
        )
        json_path, html_path = write_evaluation(result, out)
    except (RuleError, ConfigurationError, CohortError, UnitCostError, EvaluationError) as error:
        console.print(f"[red]Not written:[/red] {escape(str(error))}")
        raise typer.Exit(EXIT_FAILED) from None
    _show_summary(console, result)
    console.print(f"Wrote {json_path} and {html_path}")


def _show_summary(console: Console, result: EvaluationDocument) -> None:
    cohort = result["cohort"]
    console.print(
        f"Cohort: {cohort['people']:,} people from {cohort['rows']:,} rows; "
        f"{len(cohort['rejected']):,} rows rejected"
    )
    shown = Table(title="A&E attendances, 6 months: change against each comparison")
    for column in ("method", "estimate", "95% CI"):
        shown.add_column(column, justify="left" if column == "method" else "right")
    sections = {
        "naive": result["naive"],
        "not_engaged": result["not_engaged"],
        "matched": result["matched"],
    }
    for method, section in sections.items():
        row = section["6"]["ed_attendances"]
        shown.add_row(method.replace("_", " "), _percent(row["estimate"]), _interval(row))
    console.print(shown)
    diagnostics = result["diagnostics"]
    # Said here as well as on the page: someone reading only the terminal must not take a
    # matched figure that failed its checks at face value.
    verdict = "passed" if diagnostics["ok"] else "[red]FAILED[/red]: do not rely on it"
    console.print(f"Matched comparison diagnostics: {verdict}")
    for warning in diagnostics["warnings"]:
        console.print(f"  - {escape(str(warning['message']))}")


def _percent(value: object) -> str:
    return f"{value:+.0%}" if isinstance(value, float) else "n/a"


def _interval(row: dict[str, object]) -> str:
    low, high = row["ci_low"], row["ci_high"]
    if isinstance(low, float) and isinstance(high, float):
        return f"{low:+.0%} to {high:+.0%}"
    return "n/a"
