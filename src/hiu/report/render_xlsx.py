"""The service report as an XLSX workbook: a Contents sheet, then one sheet per table.

Numbers are stored as numbers, with a number format that shows them as the report does (a
percentage is the fraction 0.655 shown "65.5%"), so the figures can be worked with and still
read the same as the web page and the PDF. A suppressed or not-applicable figure has no value:
its text ("[c]", "n/a") is written as text, right-aligned with the numbers. Text is always
written with ``write_string``, never ``write``, so nothing in a cell is taken as a formula.

The same report gives the same bytes: XlsxWriter stamps every part of the zip with a fixed
date, and the document's created date is the report's ``generated_on``, not the clock.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from typing import Any

from xlsxwriter import Workbook

from hiu.disclosure import NOT_APPLICABLE, SUPPRESSED, Kind, Shown
from hiu.report.charts import SERIES_STYLES
from hiu.report.document import Bars, Report, Table

CONTENTS = "Contents"
TITLE_ROW, DEFINITION_ROW, HEADER_ROW = 0, 1, 2  # a table's sheet: then its rows
WIDEST_COLUMN = 60  # characters; longer text wraps or spills rather than making a wall
A4 = 9  # XlsxWriter's paper code

SYMBOLS = (
    f"{SUPPRESSED}: a number from 1 to 7, not shown to protect confidentiality "
    "(totals are rounded to the nearest 5 for the same reason). "
    f"{NOT_APPLICABLE}: not applicable (no one to count)."
)


def number_format(cell: Shown) -> str:
    """The Excel number format that shows ``cell.value`` as ``cell.text``."""
    decimals = "." + "0" * cell.places if cell.places > 0 else ""
    if cell.kind is Kind.PERCENT:
        # An estimated change is written with its sign ("+12%", "+0%"); so is its format.
        if cell.text.startswith(("+", "-")):
            return f"+0{decimals}%;-0{decimals}%"
        return f"0{decimals}%"
    if cell.kind is Kind.MONEY:
        return "£#,##0;-£#,##0"
    return f"#,##0{decimals}"


class _Formats:
    """XlsxWriter formats, made once each and in a fixed order (the order is in the file)."""

    def __init__(self, workbook: Workbook) -> None:
        self._workbook = workbook
        self._made: dict[tuple[tuple[str, Any], ...], Any] = {}

    def __call__(self, **properties: Any) -> Any:
        key = tuple(sorted(properties.items()))
        if key not in self._made:
            self._made[key] = self._workbook.add_format(properties)
        return self._made[key]


def _width(texts: Iterable[str], least: int = 8) -> int:
    return min(max([least, *(len(text) + 2 for text in texts)]), WIDEST_COLUMN)


def _print_setup(sheet: Any, marking: str, header_rows: int | None = None) -> None:
    # "&" starts a code in a header or footer; "&&" is a literal ampersand.
    sheet.set_header("&C&B" + marking.replace("&", "&&"))
    sheet.set_footer("&L&A&RPage &P of &N")
    sheet.set_landscape()
    sheet.set_paper(A4)
    sheet.fit_to_pages(1, 0)  # as wide as one page, as many pages down as it needs
    if header_rows is not None:
        sheet.repeat_rows(0, header_rows)  # the title, definition and header on every page


def _internal_link(sheet: str) -> str:
    return "internal:'" + sheet.replace("'", "''") + "'!A1"


def _contents(workbook: Workbook, formats: _Formats, report: Report) -> None:
    sheet = workbook.add_worksheet(CONTENTS)
    bold = formats(bold=True)
    wrap = formats(text_wrap=True, valign="top")
    sheet.write_string(0, 0, report.title, formats(bold=True, font_size=14))
    facts = (
        ("Service", report.service),
        ("Period", report.period.label),
        ("Period key", report.period.key),
    )
    row = 2
    for label, value in facts:
        sheet.write_string(row, 0, label, bold)
        sheet.write_string(row, 1, value)
        row += 1
    sheet.write_string(row, 0, "Produced on", bold)
    sheet.write_datetime(
        row,
        1,
        dt.datetime.combine(report.generated_on, dt.time()),
        formats(num_format="d mmmm yyyy", align="left"),
    )
    row += 1
    sheet.write_string(row, 0, "Marking", bold)
    sheet.write_string(row, 1, report.marking, bold)
    row += 2
    notes = list(report.notes)
    if not any(SUPPRESSED in note for note in notes):
        notes.append(SYMBOLS)
    sheet.write_string(row, 0, "Notes", bold)
    for note in notes:
        sheet.write_string(row, 1, note)
        row += 1
    row += 1
    sheet.write_string(row, 0, "Sheet", bold)
    sheet.write_string(row, 1, "Table", bold)
    sheet.write_string(row, 2, "What it counts", bold)
    row += 1
    tables = report.tables()
    for table in tables:
        sheet.write_url(
            row,
            0,
            _internal_link(table.sheet),
            formats(font_color="blue", underline=1, valign="top"),
            string=table.sheet,
            tip=f"Go to the sheet {table.sheet}",
        )
        sheet.write_string(row, 1, table.title, wrap)
        sheet.write_string(row, 2, table.definition, wrap)
        row += 1
    sheet.set_column(0, 0, _width([table.sheet for table in tables] + ["Produced on"]))
    sheet.set_column(1, 1, _width([table.title for table in tables] + [report.service], 24))
    sheet.set_column(2, 2, WIDEST_COLUMN)
    _print_setup(sheet, report.marking)


def _cell(sheet: Any, formats: _Formats, row: int, column: int, cell: Shown, **style: Any) -> None:
    if cell.is_number:
        sheet.write_number(
            row, column, cell.value, formats(num_format=number_format(cell), **style)
        )
    elif cell.kind is Kind.TEXT:
        sheet.write_string(row, column, cell.text, formats(**style) if style else None)
    else:
        # A figure without a value ("[c]", "n/a") sits where its number would.
        sheet.write_string(row, column, cell.text, formats(align="right", **style))


def _table(workbook: Workbook, formats: _Formats, report: Report, table: Table) -> Any:
    sheet = workbook.add_worksheet(table.sheet)
    sheet.write_string(TITLE_ROW, 0, table.title, formats(bold=True, font_size=12))
    if table.definition:
        sheet.write_string(DEFINITION_ROW, 0, table.definition)
    for column, label in enumerate(c.label for c in table.columns):
        numeric = table.columns[column].numeric and column > 0
        header = formats(bold=True, bottom=2, align="right" if numeric else "left")
        sheet.write_string(HEADER_ROW, column, label, header)
    for number, row in enumerate(table.rows):
        style = (
            {"bold": True, "top": 1} if table.has_total and number == len(table.rows) - 1 else {}
        )
        for column, cell in enumerate(row):
            _cell(sheet, formats, HEADER_ROW + 1 + number, column, cell, **style)
    for column, heading in enumerate(table.columns):
        texts = [heading.label, *(row[column].text for row in table.rows)]
        sheet.set_column(column, column, _width(texts))
    sheet.freeze_panes(HEADER_ROW + 1, 0)
    _print_setup(sheet, report.marking, HEADER_ROW)
    return sheet


def _chart(workbook: Workbook, sheet: Any, report: Report, bars: Bars, anchor: int) -> bool:
    """A native column chart of ``bars`` on its table's sheet, right of the table from row
    ``anchor``. Only when
    the rows drawn are next to each other (a chart's categories are one range); the page
    and the PDF have the chart either way. Suppressed cells draw no bar and are labelled with
    their text, as on the page, so the chart never reads "0" for "[c]"."""
    table = report.table(bars.table)
    drawn = [n for n, row in enumerate(table.rows) if row[0].text not in bars.leave_out]
    if not drawn or drawn != list(range(drawn[0], drawn[-1] + 1)):
        return False
    first, last = HEADER_ROW + 1 + drawn[0], HEADER_ROW + 1 + drawn[-1]
    chart = workbook.add_chart({"type": "column"})
    for n, column in enumerate(bars.series):
        colour = SERIES_STYLES[n % len(SERIES_STYLES)]
        fill: dict[str, Any] = (
            {
                "pattern": {
                    "pattern": "wide_upward_diagonal",
                    "fg_color": colour.colour,
                    "bg_color": "#ffffff",
                }
            }
            if colour.hatched
            else {"fill": {"color": "#ffffff"}}
            if colour.outlined
            else {"fill": {"color": colour.colour}}
        )
        cells = [table.rows[r][column] for r in drawn]
        shown = next((cell for cell in cells if cell.is_number), cells[0])
        chart.add_series(
            {
                "name": [table.sheet, HEADER_ROW, column],
                "categories": [table.sheet, first, 0, last, 0],
                "values": [table.sheet, first, column, last, column],
                "border": {"color": colour.colour, "width": 2 if colour.outlined else 0.75},
                "data_labels": {
                    "value": True,
                    "num_format": number_format(shown),
                    "custom": [None if cell.is_number else {"value": cell.text} for cell in cells],
                },
                **fill,
            }
        )
    percent = all(table.rows[r][c].kind is Kind.PERCENT for r in drawn for c in bars.series)
    chart.set_title({"name": bars.title})
    chart.set_y_axis(
        {
            "name": bars.axis_label,
            "min": 0,
            "num_format": "0%" if percent else "#,##0",
            "major_gridlines": {"visible": True, "line": {"color": "#d8dde0"}},
        }
    )
    chart.set_legend({"position": "bottom"} if len(bars.series) > 1 else {"none": True})
    sheet.insert_chart(anchor, len(table.columns) + 1, chart, {"x_scale": 1.2, "y_scale": 1.1})
    return True


def render_xlsx(report: Report) -> bytes:
    names = {table.sheet.lower() for table in report.tables()}
    if CONTENTS.lower() in names:
        raise ValueError(f"A table cannot be named {CONTENTS!r}: that sheet lists the tables.")
    buffer = io.BytesIO()
    # In memory: XlsxWriter would otherwise stage each sheet in the system's temporary folder.
    # Text from the data is never a formula, whichever write call carries it.
    workbook = Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    workbook.set_properties(
        {
            "title": f"{report.title}: {report.service}, {report.period.label}",
            "subject": report.marking,
            "created": dt.datetime.combine(report.generated_on, dt.time()),
        }
    )
    formats = _Formats(workbook)
    _contents(workbook, formats, report)
    sheets = {table.sheet: _table(workbook, formats, report, table) for table in report.tables()}
    # Charts sit beside their table, one under another when a table has two.
    anchors = dict.fromkeys(sheets, HEADER_ROW)
    for section in report.sections:
        for block in section.blocks:
            if isinstance(block, Bars) and _chart(
                workbook, sheets[block.table], report, block, anchors[block.table]
            ):
                anchors[block.table] += 20
    workbook.close()
    return buffer.getvalue()


__all__ = ["CONTENTS", "number_format", "render_xlsx"]
