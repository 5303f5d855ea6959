"""A report made by hand with every kind of block and figure, for the renderers' tests.

Import it as `from sample import sample_report` (pytest puts this folder on the path; the
test folders have no __init__.py, as elsewhere in tests/)."""

from __future__ import annotations

import datetime as dt

from hiu import disclosure as d
from hiu.report.document import Bars, Column, Paragraph, Report, Section, Story, Table
from hiu.report.period import parse_period


def sample_report(*, long_table_rows: int = 60) -> Report:
    accepted = Table(
        sheet="Accepted by need",
        title="People accepted, by main need",
        columns=(Column("Main need", numeric=False), Column("People")),
        rows=(
            (d.text("Mental health"), d.count(23)),
            (d.text("Loneliness and isolation"), d.count(12)),
            (d.text("Housing"), d.count(3)),
            (d.text("Not recorded"), d.count(0)),
            (d.text("Total"), d.total(38)),
        ),
        definition="Episodes of support opened in the period, by the main need at assessment.",
        has_total=True,
    )
    kpis = Table(
        sheet="KPIs",
        title="KPIs against the service's targets",
        columns=(
            Column("KPI", numeric=False),
            Column("Result"),
            Column("Target"),
            Column("Met", numeric=False),
        ),
        rows=(
            (
                d.text("People progressing a goal"),
                d.share(27, 30, target=0.9),
                d.Shown(0.9, "90%", d.Kind.PERCENT),
                d.text("Met"),
            ),
            (
                d.text("Better wellbeing"),
                d.share(19, 29, target=0.66),
                d.Shown(0.66, "66%", d.Kind.PERCENT),
                d.text("Not met"),
            ),
            (
                d.text("Less lonely"),
                d.share(5, 20),
                d.Shown(0.66, "66%", d.Kind.PERCENT),
                d.text("Not known: numbers too small"),
            ),
        ),
    )
    waits = Table(
        sheet="Waits",
        title="Wait from acceptance to first intervention (days)",
        columns=(
            Column("Measure", numeric=False),
            Column("Average"),
            Column("Median"),
            Column("People"),
        ),
        rows=(
            (
                d.text("All"),
                d.mean([10, 12, 30, 4, 6, 8, 9, 11]),
                d.median([10, 12, 30, 4, 6, 8, 9, 11]),
                d.count(8),
            ),
            (d.text("Referred"), d.mean([3, 4]), d.median([3, 4]), d.count(2)),
        ),
    )
    costs = Table(
        sheet="Costs",
        title="Costs avoided",
        columns=(Column("Activity", numeric=False), Column("Change"), Column("Cost avoided")),
        rows=(
            (d.text("A&E attendances"), d.change(-0.254, 60), d.money(-12345.4, 60)),
            (d.text("Emergency admissions"), d.change(0.12, 5), d.money(300.0, 5)),
        ),
    )
    months = Table(
        sheet="Monthly activity",
        title="Month by month",
        columns=(Column("Month", numeric=False), Column("Accepted"), Column("Discharged")),
        rows=tuple(
            (d.text(f"Month {i + 1}"), d.count(i % 12), d.count((i * 7) % 15))
            for i in range(long_table_rows)
        ),
    )
    return Report(
        title="High Intensity Use service report",
        service="Demo HIU service",
        period=parse_period("2026Q3"),
        generated_on=dt.date(2026, 10, 15),
        sections=(
            Section(
                "summary",
                "Summary",
                (
                    Paragraph("This report covers July to September 2026."),
                    kpis,
                    Bars("KPIs", (1, 2), "KPIs and targets", "Per cent of people"),
                ),
            ),
            Section(
                "accepted",
                "People accepted",
                (
                    accepted,
                    Bars("Accepted by need", (1,), "Accepted by main need", "People", ("Total",)),
                    waits,
                ),
            ),
            Section("costs", "Evaluation and costs", (costs,)),
            Section("activity", "Month by month", (months,)),
            Section(
                "stories",
                "Case studies",
                (
                    Story(
                        "Finding a way back to the allotment",
                        "A man in his fifties who had attended A&E most weeks for a year "
                        "met a befriender and now volunteers twice a week.\n\n"
                        "He says the calls stopped because the loneliness did.",
                    ),
                ),
            ),
        ),
        notes=("[c]: a number from 1 to 7, not shown to protect confidentiality.",),
    )
