"""The service report for one period, built from the service's facts (DESIGN §9).

``build_report`` is the whole definition of the report's content: which tables, in which
order, with which charts. The same facts and period always give the same report; every figure
is defined in docs/reporting.md.
"""

from __future__ import annotations

import datetime as dt

from hiu.report import casework_measures as casework
from hiu.report.document import Bars, Block, Paragraph, Report, Section, Story
from hiu.report.evaluation_summary import describe, diagnostics_note, summary_table
from hiu.report.facts import ServiceFacts
from hiu.report.kpi_section import NUMBER_TITLES, SHORT_TITLES, kpi_table
from hiu.report.outcome_measures import after_acceptance_table, questionnaires_table
from hiu.report.period import Period
from hiu.report.table_one_section import table_one_table

TITLE = "High Intensity Use service report"
NOTES = (
    "[c]: a number from 1 to 7, not shown so that no one can be identified. Percentages, "
    "averages, minimums and maximums over fewer than 8 people are not shown either.",
    "Totals are rounded to the nearest 5, so that a number not shown cannot be worked out "
    "from the others; the rows of a table may not add up to its total.",
    "n/a: not applicable, or nothing to measure.",
    "Every figure is defined in the service's documentation (docs/reporting.md), with the "
    "questions of the City and Hackney specification (000 §4.1) each one answers.",
)


def _summary(facts: ServiceFacts, period: Period) -> Section:
    data = (
        f"Activity data runs to {facts.data_end:%-d %B %Y}."
        if facts.data_end
        else "No activity data has been loaded."
    )
    kpis = kpi_table(facts, period)
    return Section(
        "summary",
        "Summary and KPIs",
        (
            Paragraph(
                f"This report covers {facts.service} for {period.label} (calendar "
                f"{period.kind} {period.key}). {data} It holds no information that identifies "
                "a person."
            ),
            kpis,
            Bars(
                kpis.sheet,
                (1, 2),
                "KPIs measured as a share: result and target",
                "Per cent",
                leave_out=NUMBER_TITLES,
                short_labels=SHORT_TITLES,
            ),
        ),
    )


def _activity(facts: ServiceFacts, period: Period) -> Section:
    monthly = casework.monthly_table(facts, period)
    return Section(
        "activity",
        "People accepted, engaged and discharged",
        (
            casework.activity_table(facts, period),
            monthly,
            Bars(monthly.sheet, (1, 2, 3), "Month by month", "People"),
        ),
    )


def _who(facts: ServiceFacts, period: Period) -> Section:
    needs = casework.main_need_table(facts, period)
    return Section(
        "who",
        "Who was accepted, and who was not",
        (
            needs,
            Bars(needs.sheet, (1,), "Accepted by main need", "People", leave_out=("Total",)),
            casework.not_accepted_table(facts, period),
            casework.open_cases_table(facts, period),
        ),
    )


def _care(facts: ServiceFacts, period: Period) -> Section:
    return Section(
        "care",
        "Care, interventions and team meetings",
        (
            casework.waits_table(facts, period),
            casework.interventions_table(facts, period),
            casework.meetings_table(facts, period),
        ),
    )


def _outcomes(facts: ServiceFacts, period: Period) -> Section:
    return Section(
        "outcomes",
        "Outcomes, experience and relapse",
        (questionnaires_table(facts), casework.relapse_table(facts, period)),
    )


def _use(facts: ServiceFacts, period: Period) -> Section:
    after = after_acceptance_table(facts, period)
    blocks: list[Block] = [
        after,
        Bars(
            after.sheet,
            (2, 3),
            "A&E attendances per person, before and after engaging",
            "Per person",
        ),
    ]
    if facts.evaluation is None:
        blocks.append(
            Paragraph(
                "No evaluation has been run yet, so there is no comparison with a matched group."
            )
        )
    else:
        evaluation = summary_table(facts.evaluation)
        blocks += [
            Paragraph(
                describe(facts.evaluation)
                + " The evaluation covers everyone engaged to date, not only this period."
            ),
            Paragraph(diagnostics_note(facts.evaluation)),
            # No chart: the estimates are falls (negative), which bars from a zero baseline
            # cannot draw; the before-and-after chart above shows the use itself.
            evaluation,
        ]
    return Section("use", "Use of urgent care and the evaluation", tuple(blocks))


def _table_one(facts: ServiceFacts) -> Section:
    if facts.table_one_people is None or facts.table_one_as_of is None:
        blocks: tuple[Block, ...] = (Paragraph("No activity data has been loaded."),)
    else:
        blocks = (table_one_table(facts.table_one_people, facts.table_one_as_of),)
    return Section("table-one", "Table One: the starting point for a business case", blocks)


def _stories(facts: ServiceFacts, period: Period) -> Section:
    stories = sorted(
        (s for s in facts.stories if period.holds(s.written_on)),
        key=lambda s: (s.written_on, s.title),
    )
    blocks: tuple[Block, ...] = tuple(Story(s.title, s.text) for s in stories) or (
        Paragraph("No case studies were written and shared with consent in this period."),
    )
    return Section("case-studies", "Case studies", blocks)


def build_report(facts: ServiceFacts, period: Period, generated_on: dt.date) -> Report:
    return Report(
        title=TITLE,
        service=facts.service,
        period=period,
        generated_on=generated_on,
        sections=(
            _summary(facts, period),
            _activity(facts, period),
            _who(facts, period),
            _care(facts, period),
            _outcomes(facts, period),
            _use(facts, period),
            _table_one(facts),
            _stories(facts, period),
        ),
        notes=NOTES,
    )
