"""Validation of the evaluation against populations whose true effect is known (DESIGN §7, §10).

A method checked only on the generator written beside it is tuned to it, so validation runs on
two mechanisms that were written apart:

- ``hiu``: ``hiu synth`` (``hiu.synth.simulate``): episodic crises over a frailty, a service whose
  engagement depends only on what the list shows, waits of 2 to 10 weeks;
- ``crisis``: ``hiu.synth.crisis``: a persistent level of use plus transient crises, engagement
  far more likely while a person is still in crisis after the list date, waits from days to more
  than a quarter (some crossing the next list date), deaths and winter seasonality.

One *population* is a mechanism and a seed; it is simulated once per true effect, and the runs
differ only in the engaged clients' events after engagement. Each is loaded into an in-memory
DuckDB database with the activity store's columns and types (the evaluation reads the store only
through such a connection), evaluated with the ``rightcare`` rule set, and reduced to the few
numbers a validation table needs. ``bench/validate.py`` (``make validate``) runs many populations
and writes ``bench/results/validation.json``; ``tests/evaluate/test_validation_mechanisms.py`` runs
a few.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import polars as pl

from hiu.evaluate.activity import Connect
from hiu.evaluate.cohort import Cohort, CohortMember
from hiu.evaluate.run import evaluate_connected
from hiu.identify.rules import RuleSet, load_rules
from hiu.schemas import EXTRACTS, KINDS, ColumnType

MECHANISMS = ("hiu", "crisis")
EFFECTS = (0.0, 0.2, 0.4)
WINDOWS = ("6", "12")
ACTIVITIES = ("ed_attendances", "ambulance_incidents", "nhs111_calls", "admissions", "bed_days")
#: The targets a run of ``make validate`` is judged on (issue 16), for the 6-month A&E estimate.
COVERAGE_TARGET = 0.9
BIAS_LIMIT = 0.05
BALANCE_SHARE_TARGET = 0.95


@dataclass(frozen=True)
class Population:
    """One simulated population: the tables, who was engaged, and the true effect."""

    mechanism: str
    seed: int
    effect: float
    connect: Connect
    cohort: Cohort


def _typed(kind: str, frame: pl.DataFrame) -> str:
    """A SELECT over the registered ``frame`` that gives each column the store's type."""
    columns = []
    for column in EXTRACTS[kind].columns:
        name = column.name
        if name not in frame.columns:
            columns.append(f"NULL::VARCHAR AS {name}")
        elif column.type is ColumnType.DATETIME:
            columns.append(f"TRY_CAST({name} AS TIMESTAMP) AS {name}")
        elif column.type is ColumnType.DATE:
            columns.append(f"TRY_CAST({name} AS DATE) AS {name}")
        elif column.type is ColumnType.DECILE:
            columns.append(f"TRY_CAST({name} AS TINYINT) AS {name}")
        elif column.type is ColumnType.BOOLEAN:
            columns.append(f"TRY_CAST({name} AS BOOLEAN) AS {name}")
        else:
            columns.append(f"CAST({name} AS VARCHAR) AS {name}")
    return "SELECT " + ", ".join(columns) + " FROM hiu_frame"  # noqa: S608


def connect_frames(frames: Mapping[str, pl.DataFrame]) -> Connect:
    """A connection factory over one in-memory database holding ``frames`` (by kind) as tables
    with the activity store's column types; kinds not given are empty."""
    database = duckdb.connect(":memory:", config={"threads": 2})
    for kind in KINDS:
        frame = frames.get(kind)
        if frame is None:
            frame = pl.DataFrame(
                {name: pl.Series([], dtype=pl.String) for name in EXTRACTS[kind].names}
            )
        database.register("hiu_frame", frame)
        database.execute(f"CREATE TABLE {kind} AS {_typed(kind, frame)}")
        database.unregister("hiu_frame")
    return database.cursor


def read_extracts(folder: Path) -> dict[str, pl.DataFrame]:
    """The canonical CSVs ``hiu synth`` writes in ``folder``, every column as text."""
    return {
        kind: pl.read_csv(folder / f"{kind}.csv", infer_schema=False)
        for kind in KINDS
        if (folder / f"{kind}.csv").exists()
    }


def cohort_from_frame(frame: pl.DataFrame, *, with_identified: bool = True) -> Cohort:
    has_identified = with_identified and "identified_date" in frame.columns
    members = [
        CohortMember(
            str(row["nhs_number"]),
            _as_date(row["engaged_date"]),
            _as_date(row["identified_date"]) if has_identified and row["identified_date"] else None,
        )
        for row in frame.iter_rows(named=True)
    ]
    return Cohort.from_members(members)


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def simulate(
    mechanism: str,
    seed: int,
    effect: float,
    *,
    adults: int = 60_000,
    years: int = 3,
    start: date = date(2023, 1, 1),
    with_identified: bool = True,
) -> Population:
    """One population of ``mechanism`` with true effect ``effect`` (0.2 = 20% fewer)."""
    if mechanism == "hiu":
        from hiu.synth.simulate import SynthSpec, synthesise

        with tempfile.TemporaryDirectory(prefix="hiu-validation-") as folder:
            spec = SynthSpec(adults=adults, years=years, start=start, seed=seed, true_effect=effect)
            synthesise(spec, Path(folder), jobs=1)
            frames = read_extracts(Path(folder))
            cohort_frame = pl.read_csv(Path(folder) / "cohort.csv", infer_schema=False)
    elif mechanism == "crisis":
        from hiu.synth.crisis import CrisisSpec, simulate_crisis

        made = simulate_crisis(
            CrisisSpec(adults=adults, years=years, start=start, seed=seed, true_effect=effect)
        )
        frames = dict(made.frames)
        cohort_frame = made.cohort
    else:
        raise ValueError(f"unknown mechanism {mechanism!r}: choose from {', '.join(MECHANISMS)}")
    cohort = cohort_from_frame(cohort_frame, with_identified=with_identified)
    return Population(mechanism, seed, effect, connect_frames(frames), cohort)


def summarise_run(evaluation: Mapping[str, Any], effect: float) -> dict[str, Any]:
    """The numbers a validation table needs from one evaluation of a population."""
    truth = -effect
    out: dict[str, Any] = {"truth": truth, "estimates": {}}
    sections = {method: evaluation[method] for method in ("matched", "naive", "not_engaged")}
    for specification in evaluation.get("sensitivity", {}).get("specifications", []):
        if specification["key"] in ("matched_did", "matched_after_only"):
            sections[specification["key"]] = specification["results"]
    for method, section in sections.items():
        for window in WINDOWS:
            for activity in ACTIVITIES:
                found = section[window][activity]
                out["estimates"][f"{method}/{window}/{activity}"] = [
                    found["estimate"],
                    found["ci_low"],
                    found["ci_high"],
                ]
    matching = evaluation["matching"]
    smds = [row["smd_after"] for row in matching["balance"] if row["smd_after"] is not None]
    out["max_smd_after"] = max((abs(v) for v in smds), default=None)
    out["imbalanced"] = [
        row["variable"]
        for row in matching["balance"]
        if row["smd_after"] is not None and abs(row["smd_after"]) > 0.1
    ]
    out["clients"] = matching["cases"]
    out["matched"] = matching["matched_cases"]
    out["without_relaxation"] = matching.get("matched_without_relaxation")
    diagnostics = evaluation.get("diagnostics")
    out["diagnostics_ok"] = diagnostics.get("ok") if diagnostics else None
    return out


def run_population(
    mechanism: str,
    seed: int,
    effect: float,
    *,
    rules: RuleSet | None = None,
    replicates: int = 500,
    adults: int = 60_000,
    evaluate: Callable[..., Mapping[str, Any]] = evaluate_connected,
) -> dict[str, Any]:
    population = simulate(mechanism, seed, effect, adults=adults)
    evaluation = evaluate(
        population.connect,
        population.cohort,
        rules or load_rules("rightcare"),
        replicates=replicates,
        seed=seed,
    )
    return {
        "mechanism": mechanism,
        "seed": seed,
        "effect": effect,
        **summarise_run(evaluation, effect),
    }


def aggregate(runs: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Coverage of the 95% interval, mean bias and mean estimate, per mechanism, effect, method,
    window and activity; and the share of populations balanced on every matching variable."""
    table: dict[tuple[str, float, str], list[tuple[float | None, float | None, float | None]]] = {}
    balanced: dict[tuple[str, float], list[bool]] = {}
    for run in runs:
        key = (run["mechanism"], run["effect"])
        balanced.setdefault(key, []).append(not run["imbalanced"])
        for name, (estimate, low, high) in run["estimates"].items():
            table.setdefault((*key, name), []).append((estimate, low, high))
    rows = []
    for (mechanism, effect, name), values in sorted(table.items()):
        truth = -effect
        estimates = np.array([v[0] for v in values if v[0] is not None], dtype=float)
        covered = [
            low <= truth <= high for _, low, high in values if low is not None and high is not None
        ]
        method, window, activity = name.split("/")
        rows.append(
            {
                "mechanism": mechanism,
                "effect": effect,
                "method": method,
                "window": window,
                "activity": activity,
                "populations": len(values),
                "mean_estimate": float(estimates.mean()) if estimates.size else None,
                "mean_bias": float(estimates.mean() - truth) if estimates.size else None,
                "coverage": float(np.mean(covered)) if covered else None,
            }
        )
    balance = [
        {
            "mechanism": m,
            "effect": e,
            "balanced_share": float(np.mean(flags)),
            "populations": len(flags),
        }
        for (m, e), flags in sorted(balanced.items())
    ]
    return {"rows": rows, "balance": balance}
