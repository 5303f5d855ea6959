"""The evaluation summary: the naive before/after beside the matched comparison (DESIGN §7).

The naive figure is printed because commissioners are used to it; the matched one is the
estimate of what the service did. Both come from the service's latest finished evaluation
(``hiu-evaluation/1`` or ``/2``); estimates behind fewer than 8 people are suppressed. A note
says whether the matched comparison passed its diagnostics (``/2``'s ``diagnostics``), failed
them, or predates them (``/1``); the KPIs judge no reduction unless it passed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hiu import disclosure as d
from hiu.evaluate.wording import diagnostic_failures
from hiu.report.document import Column, Table
from hiu.report.facts import EvaluationFacts

WINDOWS = ("6", "12")
ACTIVITIES = (
    ("ed_attendances", "A&E attendances"),
    ("admissions", "Emergency admissions"),
    ("ambulance_incidents", "Ambulance incidents"),
    ("nhs111_calls", "NHS 111 calls"),
    ("bed_days", "Bed days"),
)


def result(
    evaluation: Mapping[str, Any], method: str, window: str, activity: str
) -> Mapping[str, Any] | None:
    found = evaluation.get(method, {}).get(window, {}).get(activity)
    return found if isinstance(found, Mapping) else None


PREDATES_DIAGNOSTICS = "the evaluation predates its diagnostics; run it again"


def diagnostics_problem(evaluation: Mapping[str, Any]) -> str | None:
    """Why the evaluation's matched comparison cannot be relied on, or None when it passed its
    diagnostics. An ``hiu-evaluation/1`` result has none, so it cannot be said to have passed."""
    found = evaluation.get("diagnostics")
    if not isinstance(found, Mapping):
        return PREDATES_DIAGNOSTICS
    if found.get("ok") is True:
        return None
    warnings = [w for w in found.get("warnings") or [] if isinstance(w, Mapping)]
    failures = diagnostic_failures((w.get("code") for w in warnings), found.get("failing"))
    return (
        "the matched comparison failed its diagnostics ("
        + ("; ".join(failures) if failures else "see the evaluation's diagnostics")
        + ")"
    )


def diagnostics_note(evaluation: EvaluationFacts) -> str:
    """One sentence for the report: did the matched comparison pass its diagnostics?"""
    problem = diagnostics_problem(evaluation.result)
    if problem is None:
        return (
            "The matched comparison passed its diagnostics: balance after matching, and enough "
            "clients matched without relaxing an exact match."
        )
    if problem == PREDATES_DIAGNOSTICS:
        return (
            "This evaluation predates the matched comparison's diagnostics, so it is not known "
            "whether the comparison can be relied on; run the evaluation again. Until then the "
            "reduction KPIs are not judged."
        )
    return (
        f"{problem[0].upper()}{problem[1:]}: its figures below should not be relied on, and the "
        "reduction KPIs are not judged."
    )


def _change(found: Mapping[str, Any] | None) -> d.Shown:
    if found is None:
        return d.not_applicable(d.Kind.PERCENT)
    return d.change(found.get("estimate"), int(found.get("people") or 0))


def _interval(found: Mapping[str, Any] | None) -> d.Shown:
    if found is None:
        return d.not_applicable()
    low = d.change(found.get("ci_low"), int(found.get("people") or 0))
    high = d.change(found.get("ci_high"), int(found.get("people") or 0))
    if low.value is None or high.value is None:
        return d.Shown(None, low.text if low.suppressed else d.NOT_APPLICABLE)
    return d.text(f"{low.text} to {high.text}")


def summary_table(evaluation: EvaluationFacts) -> Table:
    rows = []
    for window in WINDOWS:
        for key, name in ACTIVITIES:
            naive = result(evaluation.result, "naive", window, key)
            matched = result(evaluation.result, "matched", window, key)
            people = int(matched.get("people") or 0) if matched else 0
            rows.append(
                (
                    d.text(f"{name}, {window} months"),
                    _change(naive),
                    _change(matched),
                    _interval(matched),
                    d.total(people),
                )
            )
    return Table(
        sheet="Evaluation",
        title="Change after engaging: before-and-after beside the matched comparison",
        columns=(
            Column("Activity and months after engaging", numeric=False),
            Column("Before and after (naive)"),
            Column("Against matched comparison"),
            Column("95% interval (matched)"),
            Column("People matched"),
        ),
        rows=tuple(rows),
        definition=(
            "Relative change in each activity in the months after engaging. Naive: the same "
            "people before and after, which overstates the effect because people are found at "
            "their peak. Matched: the change beyond that of similar people on the same lists who "
            "were not engaged (difference in differences). -25% means 25% fewer. An interval "
            "that includes 0% means the data cannot rule out no effect."
        ),
    )


def describe(evaluation: EvaluationFacts) -> str:
    run = evaluation.result.get("run", {})
    cohort = evaluation.result.get("cohort", {})
    parts = [
        f"From the evaluation run on {evaluation.finished_on:%-d %B %Y} with the "
        f"{evaluation.rule_set} rule set",
    ]
    if evaluation.unit_costs:
        parts.append(f"unit costs {evaluation.unit_costs}")
    if run.get("data_end"):
        parts.append(f"activity data to {run['data_end']}")
    if cohort.get("engaged_from") and cohort.get("engaged_to"):
        parts.append(f"people who engaged from {cohort['engaged_from']} to {cohort['engaged_to']}")
    return ", ".join(parts) + "."
