"""The geometry of a report's bar charts, from the table each one draws.

Positions and sizes come from ``hiu.evaluate.charts.bar_chart`` (the evaluation report's
bars), so the HTML page (inline SVG) and the PDF (ReportLab drawing) paint the same shapes.
Every bar carries the text of its table cell: a suppressed cell draws no bar and is labelled
``[c]``, so a chart never shows what its table hides. Percentages are drawn as per cent.
"""

from __future__ import annotations

import dataclasses
import re

from hiu.disclosure import Kind, Shown
from hiu.evaluate.charts import BarChart, BarValue, Style, bar_chart
from hiu.report.document import Bars, Report

# NHS identity colours. Colour is never the only difference between the first three series
# (the most any chart of the report draws): solid, hatched, outlined.
SERIES_STYLES = (
    Style("#005eb8"),
    Style("#4c6272", hatched=True),
    Style("#007f3b", outlined=True),
    Style("#ed8b00", hatched=True),
)


def _number(cell: Shown) -> float | None:
    if not cell.is_number or cell.value is None or isinstance(cell.value, str):
        return None
    return float(cell.value) * (100 if cell.kind is Kind.PERCENT else 1)


def chart_id(bars: Bars) -> str:
    return "chart-" + re.sub(r"[^a-z0-9]+", "-", bars.table.lower()).strip("-")


def bar_geometry(report: Report, bars: Bars, *, width: int = 520, height: int = 260) -> BarChart:
    table = report.table(bars.table)
    series = tuple(
        (str(index), table.columns[index].label, SERIES_STYLES[n % len(SERIES_STYLES)])
        for n, index in enumerate(bars.series)
    )
    values: list[BarValue] = []
    texts: dict[tuple[str, str], str] = {}
    short = dict(bars.short_labels)
    for number, row in enumerate(table.rows):
        label = row[0].text
        if label in bars.leave_out:
            continue
        group = f"row-{number}"
        for index in bars.series:
            values.append(BarValue(group, short.get(label, label), str(index), _number(row[index])))
            texts[(group, str(index))] = row[index].text
    shown = ", ".join(
        f"{row[0].text}: "
        + "; ".join(f"{table.columns[i].label} {row[i].text}" for i in bars.series)
        for row in table.rows
        if row[0].text not in bars.leave_out
    )
    chart = bar_chart(
        chart_id(bars),
        bars.title,
        f"{bars.title}. {shown}. The table gives the same figures.",
        values,
        series,
        lambda value: f"{value:g}",
        bars.axis_label,
        width=width,
        height=height,
    )
    # The label on each bar is its cell's text, as the table shows it ("[c]", "45%", "1,204").
    labelled = [dataclasses.replace(bar, text=texts[(bar.group, bar.series)]) for bar in chart.bars]
    return dataclasses.replace(chart, bars=labelled)
