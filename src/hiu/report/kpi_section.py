"""The KPI table: each KPI's result for the period against the service's target (``kpis``).

The verdict is worked out on the exact figure; the result shown is the published one (through
disclosure control). Reductions are judged on the matched comparison; one whose estimate
reaches the target but whose interval includes no change is "not shown", not met. Nor is a
reduction judged when the matched comparison failed its diagnostics (``diagnostics.ok`` false:
imbalance after matching and calibration; results written before ADR 0015 also failed on too
many clients matched only after relaxing an exact match), or
when the evaluation predates its diagnostics (``hiu-evaluation/1``): it is "not shown", with
the reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hiu import disclosure as d
from hiu.report.casework_measures import accepted
from hiu.report.document import Column, Table
from hiu.report.evaluation_summary import diagnostics_problem, result
from hiu.report.facts import ServiceFacts, ShareFacts
from hiu.report.kpis import KPIS, Kpi, Unit, targets_for
from hiu.report.period import Period

KPI_WINDOW = "6"
REDUCTIONS = {
    "ed_reduction": "ed_attendances",
    "admission_reduction": "admissions",
    "ambulance_reduction": "ambulance_incidents",
}
SHARES = ("less_lonely", "better_wellbeing", "positive_experience", "progressing_goal")
TOO_FEW = "Not known: fewer than 8 people"
MET, NOT_MET = "Met", "Not met"
NOT_SHOWN = "Not shown: the 95% interval includes no change"


def _target_cell(kpi: Kpi, value: float) -> d.Shown:
    if kpi.unit is Unit.PROPORTION:
        return d.Shown(value, kpi.target_text(value), d.Kind.PERCENT)
    return d.Shown(value, f"{value:g}", d.Kind.NUMBER, 0 if value == int(value) else 1)


def _reduction(
    found: Mapping[str, Any] | None, target: float, problem: str | None = None
) -> tuple[d.Shown, str, str]:
    """A reduction KPI's result, basis and verdict. ``problem``: why the matched comparison
    cannot be relied on (``evaluation_summary.diagnostics_problem``), or None when it can."""
    if found is None or found.get("estimate") is None:
        return d.not_applicable(d.Kind.PERCENT), "No evaluation yet", "Not known"
    people = int(found.get("people") or 0)
    change = d.change(found["estimate"], people)
    if change.value is None:
        return change, f"Matched comparison, {KPI_WINDOW} months", TOO_FEW
    fall = -float(found["estimate"])
    shown = d.Shown(round(fall, 2), f"{fall:.0%}", d.Kind.PERCENT)
    low = d.change(found.get("ci_low"), people)
    high = d.change(found.get("ci_high"), people)
    basis = (
        f"Matched comparison, {KPI_WINDOW} months, {d.total(people).text} people; change "
        f"{change.text} (95% interval {low.text} to {high.text})"
    )
    if problem is not None:
        # Met or not, a figure from a comparison that failed its checks is no verdict.
        return shown, basis, f"Not shown: {problem}"
    if fall < target:
        return shown, basis, NOT_MET
    # A fall as big as the target whose interval still includes no change could be chance:
    # calling it met would sell noise as impact.
    ci_low, ci_high = found.get("ci_low"), found.get("ci_high")
    if ci_low is None or ci_high is None or ci_low <= 0 <= ci_high:
        return shown, basis, NOT_SHOWN
    return shown, basis, MET


def _share(figure: ShareFacts, target: float) -> tuple[d.Shown, str, str]:
    shown = d.share(figure.met, figure.counted, target=target)
    # The denominator as counted, not rounded like a total: the share beside it gives it away
    # anyway, and "15 of 25" beside 56% would read as a mistake.
    basis = f"{d.count(figure.met).text} of {d.count(figure.counted).text} people"
    if figure.counted == 0:
        return shown, "No one to count", "Not known"
    if shown.value is None:
        return shown, basis, TOO_FEW
    return shown, basis, MET if figure.met / figure.counted >= target else NOT_MET


def kpi_table(facts: ServiceFacts, period: Period) -> Table:
    targets = targets_for(facts.targets)
    quarters = len(period.months) // 3
    evaluation = facts.evaluation.result if facts.evaluation else {}
    problem = diagnostics_problem(evaluation) if evaluation else None
    rows = []
    for key, kpi in KPIS.items():
        target = targets[key] * (quarters if kpi.per_quarter else 1)
        if key in REDUCTIONS:
            found = result(evaluation, "matched", KPI_WINDOW, REDUCTIONS[key])
            shown, basis, verdict = _reduction(found, target, problem)
        elif key in SHARES:
            shown, basis, verdict = _share(getattr(facts.outcomes, key), target)
        elif key == "case_studies":
            written = sum(1 for s in facts.stories if period.holds(s.written_on))
            per_lead = written / max(facts.leads, 1)
            shown = d.Shown(round(per_lead, 1), f"{per_lead:.1f}", d.Kind.NUMBER, 1)
            basis = f"{written} case studies, {facts.leads} leads and case managers"
            verdict = MET if per_lead >= target else NOT_MET
        else:  # new_referrals
            new = len(accepted(facts, period))
            shown = d.total(new)
            basis = "People accepted; rounded to the nearest 5, judged on the exact count"
            verdict = TOO_FEW if shown.value is None else (MET if new >= target else NOT_MET)
        rows.append(
            (d.text(kpi.title), shown, _target_cell(kpi, target), d.text(verdict), d.text(basis))
        )
    return Table(
        sheet="KPIs",
        title=f"KPIs against the service's targets, {period.label}",
        columns=(
            Column("KPI", numeric=False),
            Column("Result"),
            Column("Target"),
            Column("Verdict", numeric=False),
            Column("Based on", numeric=False),
        ),
        rows=tuple(rows),
        definition=(
            "Targets are the service's own where it set them, otherwise the defaults (000 §4.2, "
            "001 §7, the British Red Cross KPIs in 002). Reductions come from the latest "
            "evaluation, judged against the matched comparison, and not shown when that "
            "comparison failed its diagnostics or predates them; for a year, targets set per "
            "quarter are multiplied by four."
        ),
    )


PROPORTION_TITLES = tuple(kpi.title for kpi in KPIS.values() if kpi.unit is Unit.PROPORTION)
NUMBER_TITLES = tuple(kpi.title for kpi in KPIS.values() if kpi.unit is Unit.NUMBER)
SHORT_TITLES = tuple((kpi.title, kpi.short) for kpi in KPIS.values())
