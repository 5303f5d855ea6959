"""The KPIs a report judges the service against, with default targets and where they come from.

A service sets its own targets (the web app keeps them as versions); these are the defaults.
The reduction targets are judged on the matched comparison of the latest evaluation, never on
the naive before/after (which regression to the mean makes look good whatever the service
did: docs/evaluation.md); the naive figure is printed beside it for comparison.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from types import MappingProxyType

from hiu.outcomes.targets import TARGETS

BRC = "British Red Cross HIU service KPIs (002, section EK-F)"
HACKNEY = "City and Hackney service specification (000 §4.2)"
RIGHTCARE = "NHS RightCare resource pack (001 §7)"


class Unit(Enum):
    PROPORTION = "proportion"  # stored 0.4, shown "40%"
    NUMBER = "number"  # stored 30, shown "30"


@dataclass(frozen=True)
class Kpi:
    key: str
    title: str
    # A word or two under a chart's bars, where the title would not fit (the chart's title
    # and description say what is measured).
    short: str
    unit: Unit
    default: float
    source: str
    # How the figure is measured, in a sentence (docs/reporting.md has the full definition).
    measured_as: str
    # A target for a whole year is four quarters' (referrals, case studies): multiply.
    per_quarter: bool = False

    def target_text(self, value: float) -> str:
        if self.unit is Unit.PROPORTION:
            return f"{value:.0%}"
        return f"{value:g}"


def _outcome(key: str, short: str, measured_as: str) -> Kpi:
    target = TARGETS[key]
    return Kpi(key, target.definition, short, Unit.PROPORTION, target.proportion, BRC, measured_as)


KPIS: Mapping[str, Kpi] = MappingProxyType(
    {
        kpi.key: kpi
        for kpi in (
            Kpi(
                "ed_reduction",
                "Reduction in A&E attendances",
                "A&E",
                Unit.PROPORTION,
                0.20,
                f"{HACKNEY}: a minimum of 20%; {RIGHTCARE} and {BRC} use 40%",
                "Fall in A&E attendances in the 6 months after engaging, against the matched "
                "comparison group, from the latest evaluation",
            ),
            Kpi(
                "admission_reduction",
                "Reduction in non-elective hospital admissions",
                "Admissions",
                Unit.PROPORTION,
                0.40,
                f"{BRC}; {RIGHTCARE}",
                "Fall in emergency admissions in the 6 months after engaging, against the "
                "matched comparison group, from the latest evaluation",
            ),
            Kpi(
                "ambulance_reduction",
                "Reduction in 999 ambulance incidents",
                "Ambulance",
                Unit.PROPORTION,
                0.40,
                RIGHTCARE,
                "Fall in ambulance incidents in the 6 months after engaging, against the "
                "matched comparison group, from the latest evaluation",
            ),
            _outcome(
                "less_lonely", "Loneliness", "Share of people compared whose loneliness score fell"
            ),
            _outcome(
                "better_wellbeing", "Wellbeing", "Share of people compared whose wellbeing rose"
            ),
            _outcome(
                "positive_experience",
                "Experience",
                "Share of experience questionnaires answered positively",
            ),
            Kpi(
                "case_studies",
                "Case studies per quarter, per HIU lead",
                "Case studies",
                Unit.NUMBER,
                2,
                BRC,
                "Shareable case studies, with consent, written in the period, per lead or case "
                "manager",
                per_quarter=True,
            ),
            Kpi(
                "new_referrals",
                "New people accepted into the service",
                "New people",
                Unit.NUMBER,
                30,
                f"{BRC} (30 a quarter from year 2)",
                "Episodes of support opened in the period, from identified lists and referrals",
                per_quarter=True,
            ),
            _outcome(
                "progressing_goal",
                "Goals",
                "Share of people rated twice on a goal who progressed",
            ),
        )
    }
)


def targets_for(overrides: Mapping[str, float]) -> dict[str, float]:
    """Every KPI's target: the service's own where set, else the default."""
    unknown = set(overrides) - set(KPIS)
    if unknown:
        raise ValueError(f"Unknown KPI: {', '.join(sorted(unknown))}.")
    return {key: float(overrides.get(key, kpi.default)) for key, kpi in KPIS.items()}
