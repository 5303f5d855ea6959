"""A report's bar charts drawn from their tables (hiu.report.charts)."""

from __future__ import annotations

import datetime as dt

from facts_support import D, facts

from hiu import disclosure as d
from hiu.report.charts import bar_geometry
from hiu.report.document import Bars, Column, Report, Section, Table
from hiu.report.kpis import KPIS, Unit
from hiu.report.measures import build_report
from hiu.report.period import parse_period

Q3 = parse_period("2026Q3")


def _report(*blocks: Table | Bars) -> Report:
    return Report("Report", "Service", Q3, dt.date(2026, 10, 1), (Section("s", "S", blocks),))


def test_bars_take_their_height_from_the_value_and_their_label_from_the_cell() -> None:
    table = Table(
        sheet="Needs",
        title="By need",
        columns=(Column("Need", numeric=False), Column("People"), Column("Share")),
        rows=(
            (d.text("Housing"), d.count(40), d.share(40, 50)),
            (d.text("Debt"), d.count(3), d.share(3, 50)),  # 3 is suppressed: no bar
            (d.text("Total"), d.total(1203), d.share(50, 50)),
        ),
    )
    bars = Bars("Needs", (1, 2), "By need", "People", leave_out=("Total",))
    chart = bar_geometry(_report(table, bars), bars)
    drawn = {(bar.group, bar.series): bar for bar in chart.bars}
    assert [group.label for group in chart.groups] == ["Housing", "Debt"]
    housing, debt = drawn[("row-0", "1")], drawn[("row-1", "1")]
    assert (housing.value, housing.text) == (40.0, "40")
    # A share is drawn as per cent; its label is the cell's text.
    assert (drawn[("row-0", "2")].value, drawn[("row-0", "2")].text) == (80.0, "80%")
    assert (debt.value, debt.text, debt.height) == (None, d.SUPPRESSED, 0.0)
    assert housing.height > 0
    # The total row is left out of the chart altogether.
    assert all(bar.group != "row-2" for bar in chart.bars)


def test_kpi_chart_labels_its_bars_with_short_names_and_describes_them_in_full() -> None:
    report = build_report(facts(), Q3, D(2026, 10, 1))
    bars = next(
        block
        for section in report.sections
        for block in section.blocks
        if isinstance(block, Bars) and block.table == "KPIs"
    )
    chart = bar_geometry(report, bars)
    shares = [kpi for kpi in KPIS.values() if kpi.unit is Unit.PROPORTION]
    assert [group.label for group in chart.groups] == [kpi.short for kpi in shares]
    # Short enough to sit under its own bars at the report's chart width: the web page draws
    # them on one line at 11px, about 6px a character.
    slot = chart.plot_width / len(chart.groups)
    assert all(len(group.label) * 6 <= slot for group in chart.groups)
    # The description read out by a screen reader names each KPI in full.
    assert all(kpi.title in chart.description for kpi in shares)


def test_no_chart_of_the_report_tells_its_series_apart_by_colour_alone() -> None:
    report = build_report(facts(), Q3, D(2026, 10, 1))
    charts = [
        bar_geometry(report, block)
        for section in report.sections
        for block in section.blocks
        if isinstance(block, Bars)
    ]
    assert max(len(chart.key) for chart in charts) == 3  # the month-by-month chart
    for chart in charts:
        patterns = {(item.style.hatched, item.style.outlined) for item in chart.key}
        assert len(patterns) == len(chart.key), chart.title
