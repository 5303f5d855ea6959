"""The evaluation as a document, ``hiu-evaluation/2``: its shape, typed, apart from the work.

``hiu.evaluate.run`` does the work (lists, matching, counts, estimates) and hands the results
here as a :class:`Computed`; :func:`evaluation_document` turns them into the document written
to ``evaluation.json`` and read back by the report (``hiu.evaluate.report``), the web app's
pages and ``make validate``. The typed dictionaries below are that document's shape, so a
change to it shows in one place and the type checker follows every reader; the document is
JSON on disk (older results are read back as they were written), hence dictionaries rather
than classes. docs/evaluation.md explains every number.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypedDict

import numpy as np

import hiu
from hiu.evaluate.activity import ACTIVITIES
from hiu.evaluate.adjusted import AdjustedResult
from hiu.evaluate.calibration import Calibration
from hiu.evaluate.cohort import Cohort
from hiu.evaluate.diagnostics import diagnostics
from hiu.evaluate.estimates import AfterOnlyResult, Array, DidResult, NaiveResult, number
from hiu.evaluate.sensitivity import e_values
from hiu.evaluate.unit_costs import UnitCosts
from hiu.evaluate.windows import WINDOWS

FORMAT = "hiu-evaluation/2"
METHODS = ("naive", "not_engaged", "matched")
CENSORING = (
    "Follow-up after the engaged date ends at death (the people extract's date of death) or at "
    "the end of the data ({end}), whichever comes first; rates are events per person-year of "
    "follow-up actually observed, and someone with no follow-up in a window leaves that "
    "window's after side. Before windows start no earlier than the start of the data ({start}) "
    "and end at death if that came first. Controls and not-engaged people are censored the "
    "same way from their index dates."
)
SPECIFICATIONS: dict[str, tuple[str, str]] = {
    "matched": (
        "Matched, regression-adjusted",
        "Each client against their matched controls, with the controls' use corrected by an "
        "outcome model for what still differs between them (bias-corrected matching).",
    ),
    "matched_did": (
        "Matched, difference in differences",
        "The same matched sets: the clients' after/before rate ratio over their controls', "
        "with no outcome model.",
    ),
    "matched_after_only": (
        "Matched, after period only",
        "The same matched sets: the clients' rate after engaging over their controls', "
        "ignoring the before period.",
    ),
    "not_engaged": (
        "Identified but not engaged",
        "Everyone on the same lists who did not engage, unmatched, difference in differences.",
    ),
}


# --- The document's shape ---------------------------------------------------------------------


class Side(TypedDict):
    events: float | None
    person_years: float | None
    rate: float | None


class BeforeAfter(TypedDict):
    before: Side
    after: Side


class Interval(TypedDict):
    estimate: float | None
    ci_low: float | None
    ci_high: float | None


class NaiveCell(Interval):
    people: int
    before: Side
    after: Side


class RateRatios(TypedDict):
    cohort: float | None
    comparison: float | None


class DidCell(Interval):
    people: int
    comparison_people: int
    cohort: BeforeAfter
    comparison: BeforeAfter
    rate_ratio: RateRatios
    did_per_person_year: Interval


#: Window (months, as text) to activity to cell.
PerWindow = dict[str, dict[str, Any]]


class Specification(TypedDict):
    key: str
    title: str
    description: str
    primary: bool
    results: dict[str, dict[str, Interval]]


class EValue(TypedDict):
    estimate: float | None
    ci: float | None


class Sensitivity(TypedDict):
    specifications: list[Specification]
    e_values: dict[str, dict[str, EValue]]


class CalibrationFacts(TypedDict):
    moments: list[str]
    converged: bool
    largest_smd_before_calibration: float | None
    effective_controls_before: float | None
    effective_controls_after: float | None


class MatchingSection(TypedDict):
    method: str
    ratio: int
    exact: list[str]
    nearest: list[str]
    cases: int
    matched_cases: int
    unmatched_cases: int
    controls: int
    candidates: int
    levels: list[dict[str, Any]]
    balance: list[dict[str, Any]]
    calibration: CalibrationFacts
    relaxed_from: int
    matched_without_relaxation: int


class Trajectories(TypedDict):
    months: list[int]
    cohort: dict[str, list[float | None]]
    not_engaged: dict[str, list[float | None]]
    matched: dict[str, list[float | None]]


class RunFacts(TypedDict):
    hiu_version: str
    rules: dict[str, str]
    data_start: str
    data_end: str
    seed: int
    bootstrap_replicates: int
    windows: list[int]
    activities: list[str]


class CohortFacts(TypedDict):
    rows: int
    people: int
    rejected: list[dict[str, object]]
    engaged_from: str | None
    engaged_to: str | None
    identification_dates: list[str]


class Costs(TypedDict):
    table: dict[str, Any]
    by_method: dict[str, dict[str, dict[str, Any]]]
    running_costs: dict[str, Any] | None
    roi: dict[str, float | None] | None


class EvaluationDocument(TypedDict):
    format: str
    run: RunFacts
    cohort: CohortFacts
    naive: PerWindow
    not_engaged: PerWindow
    matched: PerWindow
    matching: MatchingSection
    clients: list[dict[str, Any]]
    diagnostics: dict[str, Any]
    sensitivity: Sensitivity
    trajectories: Trajectories
    relapse: dict[str, Any]
    costs: Costs
    censoring: str


# --- What the work hands over -----------------------------------------------------------------


@dataclass(frozen=True)
class MatchingFacts:
    """The matching as computed: balance rows unrounded, levels with the clients matched."""

    method: str
    ratio: int
    exact: tuple[str, ...]
    nearest: tuple[str, ...]
    cases: int
    matched_cases: int
    controls: int
    candidates: int
    levels: list[dict[str, Any]]
    balance: list[dict[str, Any]]
    calibration: Calibration
    largest_smd_before_calibration: float | None
    relaxed_from: int


@dataclass(frozen=True)
class Computed:
    """Everything :func:`evaluation_document` writes, as the work left it."""

    rules_name: str
    rules_title: str
    data_start: date
    data_end: date
    seed: int
    replicates: int
    cohort: Cohort
    engaged_dates: list[date]
    identification_dates: list[date]
    naive: NaiveResult
    not_engaged: DidResult
    matched_did: DidResult
    matched_after_only: AfterOnlyResult
    adjusted: AdjustedResult
    #: People counted in each comparison: ``cohort``, ``not_engaged``, ``matched_cases``,
    #: ``controls``.
    people: dict[str, int]
    matching: MatchingFacts
    clients: list[dict[str, Any]]
    trajectories: Trajectories
    relapse: dict[str, Any]
    unit_costs: UnitCosts
    running_costs: float | None


# --- Building it --------------------------------------------------------------------------------


def evaluation_document(computed: Computed) -> EvaluationDocument:
    people = computed.people
    naive = _naive_section(computed.naive, people["cohort"])
    not_engaged = _did_section(computed.not_engaged, people["cohort"], people["not_engaged"])
    matched_did = _did_section(computed.matched_did, people["matched_cases"], people["controls"])
    adjusted = computed.adjusted
    # The headline matched estimate is the regression-adjusted one (hiu.evaluate.adjusted);
    # the rates, rate ratios and additive difference beside it stay those of the matched sets.
    matched = {
        window: {
            activity: {
                **found,
                "estimate": number(adjusted.estimate[w, a]),
                "ci_low": number(adjusted.low[w, a]),
                "ci_high": number(adjusted.high[w, a]),
            }
            for a, (activity, found) in enumerate(by_activity.items())
        }
        for w, (window, by_activity) in enumerate(matched_did.items())
    }
    after_only = computed.matched_after_only
    after_only_section = _per_window(
        lambda w, a: {
            "estimate": number(after_only.estimate[w, a]),
            "ci_low": number(after_only.low[w, a]),
            "ci_high": number(after_only.high[w, a]),
        }
    )
    estimates = {
        "naive": (computed.naive.estimate, computed.naive.events),
        "not_engaged": (computed.not_engaged.estimate, computed.not_engaged.cohort_events),
        "matched": (adjusted.estimate, computed.matched_did.cohort_events),
    }
    matching = _matching_section(computed.matching, computed.clients)
    return {
        "format": FORMAT,
        "run": {
            "hiu_version": hiu.__version__,
            "rules": {"name": computed.rules_name, "title": computed.rules_title},
            "data_start": computed.data_start.isoformat(),
            "data_end": computed.data_end.isoformat(),
            "seed": computed.seed,
            "bootstrap_replicates": computed.replicates,
            "windows": list(WINDOWS),
            "activities": list(ACTIVITIES),
        },
        "cohort": {
            "rows": computed.cohort.rows,
            "people": computed.cohort.people,
            "rejected": list(computed.cohort.rejected),
            "engaged_from": _iso(min(computed.engaged_dates, default=None)),
            "engaged_to": _iso(max(computed.engaged_dates, default=None)),
            "identification_dates": [day.isoformat() for day in computed.identification_dates],
        },
        "naive": naive,
        "not_engaged": not_engaged,
        "matched": matched,
        "matching": matching,
        "clients": computed.clients,
        "diagnostics": diagnostics(computed.clients, matching["balance"]),
        "sensitivity": _sensitivity(
            {
                "matched": (matched, "primary"),
                "matched_did": (matched_did, ""),
                "matched_after_only": (after_only_section, ""),
                "not_engaged": (not_engaged, ""),
            }
        ),
        "trajectories": computed.trajectories,
        "relapse": computed.relapse,
        "costs": _costs(estimates, computed.unit_costs, computed.running_costs),
        "censoring": CENSORING.format(
            start=computed.data_start.isoformat(), end=computed.data_end.isoformat()
        ),
    }


def _iso(value: object) -> str | None:
    return value.isoformat() if isinstance(value, date) else None


def _side(events: Array, days: float) -> Side:
    years = days / 365.25
    return {
        "events": number(float(events), 4),
        "person_years": number(years, 4),
        "rate": number(float(events) / years if years > 0 else None),
    }


def _per_window(build: Callable[[int, int], Any]) -> PerWindow:
    return {
        str(months): {activity: build(w, a) for a, activity in enumerate(ACTIVITIES)}
        for w, months in enumerate(WINDOWS)
    }


def _naive_section(result: NaiveResult, people: int) -> PerWindow:
    def build(w: int, a: int) -> NaiveCell:
        return {
            "estimate": number(result.estimate[w, a]),
            "ci_low": number(result.low[w, a]),
            "ci_high": number(result.high[w, a]),
            "people": people,
            "before": _side(result.events[w, 0, a], result.days[w, 0]),
            "after": _side(result.events[w, 1, a], result.days[w, 1]),
        }

    return _per_window(build)


def _did_section(result: DidResult, people: int, comparison_people: int) -> PerWindow:
    def build(w: int, a: int) -> DidCell:
        return {
            "estimate": number(result.estimate[w, a]),
            "ci_low": number(result.low[w, a]),
            "ci_high": number(result.high[w, a]),
            "people": people,
            "comparison_people": comparison_people,
            "cohort": {
                "before": _side(result.cohort_events[w, 0, a], result.cohort_days[w, 0]),
                "after": _side(result.cohort_events[w, 1, a], result.cohort_days[w, 1]),
            },
            "comparison": {
                "before": _side(result.comparison_events[w, 0, a], result.comparison_days[w, 0]),
                "after": _side(result.comparison_events[w, 1, a], result.comparison_days[w, 1]),
            },
            "rate_ratio": {
                "cohort": number(result.ratio_cohort[w, a]),
                "comparison": number(result.ratio_comparison[w, a]),
            },
            "did_per_person_year": {
                "estimate": number(result.additive[w, a]),
                "ci_low": number(result.additive_low[w, a]),
                "ci_high": number(result.additive_high[w, a]),
            },
        }

    return _per_window(build)


def _sensitivity(sections: dict[str, tuple[PerWindow, str]]) -> Sensitivity:
    """The estimate under other specifications, and the E-values of the headline."""
    specifications: list[Specification] = []
    for key, (section, role) in sections.items():
        title, description = SPECIFICATIONS[key]
        specifications.append(
            {
                "key": key,
                "title": title,
                "description": description,
                "primary": role == "primary",
                "results": {
                    window: {
                        activity: {
                            "estimate": found["estimate"],
                            "ci_low": found["ci_low"],
                            "ci_high": found["ci_high"],
                        }
                        for activity, found in by_activity.items()
                    }
                    for window, by_activity in section.items()
                },
            }
        )
    primary = sections["matched"][0]
    e_values_out: dict[str, dict[str, EValue]] = {}
    for window, by_activity in primary.items():
        e_values_out[window] = {}
        for activity, found in by_activity.items():
            point, limit = e_values(
                _nan(found["estimate"]), _nan(found["ci_low"]), _nan(found["ci_high"])
            )
            e_values_out[window][activity] = {
                "estimate": number(float(point), 3),
                "ci": number(float(limit), 3),
            }
    return {"specifications": specifications, "e_values": e_values_out}


def _nan(value: float | None) -> float:
    return float("nan") if value is None else value


def _matching_section(facts: MatchingFacts, clients: list[dict[str, Any]]) -> MatchingSection:
    rows = [dict(row) for row in facts.balance]
    for row in rows:
        for key in ("cohort_mean", "pool_mean", "matched_mean", "smd_before", "smd_after"):
            row[key] = number(row[key], 4)
    calibration = facts.calibration
    return {
        "method": facts.method,
        "ratio": facts.ratio,
        "exact": list(facts.exact),
        "nearest": list(facts.nearest),
        "cases": facts.cases,
        "matched_cases": facts.matched_cases,
        "unmatched_cases": facts.cases - facts.matched_cases,
        "controls": facts.controls,
        "candidates": facts.candidates,
        "levels": facts.levels,
        "balance": rows,
        "calibration": {
            "moments": list(calibration.moments),
            "converged": calibration.converged,
            "largest_smd_before_calibration": number(facts.largest_smd_before_calibration, 4),
            "effective_controls_before": number(calibration.effective_before, 1),
            "effective_controls_after": number(calibration.effective_after, 1),
        },
        "relaxed_from": facts.relaxed_from,
        "matched_without_relaxation": sum(1 for c in clients if c["relaxed"] is False),
    }


def _costs(
    estimates: dict[str, tuple[Array, Array]], costs: UnitCosts, running_costs: float | None
) -> Costs:
    """Avoided events: the events the cohort would have had without the service, as the
    estimate implies, less those it had: observed / (1 + estimate) - observed."""
    by_method: dict[str, dict[str, dict[str, Any]]] = {}
    for method, (estimate, events) in estimates.items():
        windows: dict[str, dict[str, Any]] = {}
        for w, months in enumerate(WINDOWS):
            entry: dict[str, Any] = {}
            total = 0.0
            any_cost = False
            for a, activity in enumerate(ACTIVITIES):
                value = estimate[w, a]
                observed = events[w, 1, a]
                if np.isfinite(value) and value > -1:
                    avoided = observed / (1 + value) - observed
                    cost = avoided * costs.cost_of(activity)
                    total += cost
                    any_cost = True
                    entry[activity] = {
                        "avoided_events": number(avoided, 2),
                        "avoided_cost": number(cost, 2),
                    }
                else:
                    entry[activity] = {"avoided_events": None, "avoided_cost": None}
            entry["total_avoided_cost"] = number(total, 2) if any_cost else None
            windows[str(months)] = entry
        by_method[method] = windows
    roi: dict[str, float | None] | None = None
    running = None
    if running_costs is not None:
        running = {"amount": number(running_costs, 2), "period": "12 months"}
        roi = {}
        for method in METHODS:
            saved = by_method[method]["12"]["total_avoided_cost"]
            roi[method] = (
                number((saved - running_costs) / running_costs, 4)
                if saved is not None and running_costs > 0
                else None
            )
    return {
        "table": costs.to_dict(),
        "by_method": by_method,
        "running_costs": running,
        "roi": roi,
    }
