"""Experience and outcome questionnaires (000 §4.1 "PREMs" and "PROMs") and activity after
acceptance ("level of frequent attendance for each patient 3, 6 & 12 months post-acceptance",
reported for the group, never per person)."""

from __future__ import annotations

from hiu import disclosure as d
from hiu.report.document import Column, Table
from hiu.report.facts import ActivityWindow, ServiceFacts
from hiu.report.period import Period

WINDOWS = (3, 6, 12)
ACTIVITIES = (
    ("ed_attendances", "A&E attendances"),
    ("ambulance_incidents", "Ambulance incidents"),
    ("admissions", "Emergency admissions"),
)


def questionnaires_table(facts: ServiceFacts) -> Table:
    outcomes = facts.outcomes
    blank = d.not_applicable(d.Kind.COUNT)
    rows = [
        (
            d.text("Service experience questionnaire (PREM)"),
            d.count(outcomes.prems_completed),
            blank,
            blank,
            blank,
            blank,
        )
    ]
    for item in outcomes.instruments:
        rows.append(
            (
                d.text(item.name),
                d.count(item.completed),
                d.count(item.compared),
                d.count(item.reliable_improvement),
                d.count(item.no_reliable_change),
                d.count(item.reliable_deterioration),
            )
        )
    return Table(
        sheet="Questionnaires",
        title="Experience and outcome questionnaires (PREMs and PROMs)",
        columns=(
            Column("Questionnaire", numeric=False),
            Column("People completing"),
            Column("Compared with their first"),
            Column("Reliable improvement"),
            Column("No reliable change"),
            Column("Reliable deterioration"),
        ),
        rows=tuple(rows),
        definition=(
            "People who completed each questionnaire in the period; of those whose latest score "
            "was in the period, how many had a first score to compare it with, and whether the "
            "change is larger than the questionnaire's reliable change figure. Questionnaires "
            "with no published figure count under none of the three."
        ),
    )


def _windows(facts: ServiceFacts, months: int) -> list[ActivityWindow]:
    return [w for w in facts.activity if w.months == months]


def _per_person(windows: list[ActivityWindow], side: str, key: str) -> d.Shown:
    values = [float(getattr(w, side).get(key, 0)) for w in windows]
    return d.mean(values, places=1)


def after_acceptance_table(facts: ServiceFacts, period: Period) -> Table:
    rows = []
    for months in WINDOWS:
        windows = _windows(facts, months)
        row: list[d.Shown] = [d.text(f"{months} months"), d.count(len(windows))]
        for key, _ in ACTIVITIES:
            row += [_per_person(windows, "before", key), _per_person(windows, "after", key)]
        rows.append(tuple(row))
    columns = [Column("Months before and after engaging", numeric=False), Column("People")]
    for _, name in ACTIVITIES:
        columns += [Column(f"{name} before, per person"), Column(f"{name} after, per person")]
    return Table(
        sheet="Use after engaging",
        title="Use of urgent care before and after engaging, per person",
        columns=tuple(columns),
        rows=tuple(rows),
        definition=(
            f"Everyone who engaged and whose 3, 6 or 12 months after engaging had passed by "
            f"{period.end:%-d %B %Y} (and within the activity data): average events per person "
            "in the same number of months before and after. A before-and-after comparison, not "
            "an estimate of what the service did: people are found when their use is at its "
            "highest, and it tends to fall anyway. The evaluation summary compares with a "
            "matched group."
        ),
    )
