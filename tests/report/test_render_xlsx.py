"""The report as a workbook, read back with openpyxl: a Contents sheet then one sheet per
table, numbers stored as numbers whose format shows them as the page does, "[c]" as text, the
total row bold, and the same bytes every time."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import zipfile
from typing import Any

import openpyxl
import pytest
from sample import sample_report

from hiu import disclosure as d
from hiu.report.document import Bars, Column, Report, Section, Table
from hiu.report.render_xlsx import CONTENTS, number_format, render_xlsx

HEADER_ROW = 3  # openpyxl counts from 1: title, definition, then the header


def excel_text(value: float, code: str) -> str:
    """What Excel shows for ``value`` under each number format the workbook uses: written out
    here by hand so that a format that showed a figure differently from the page would fail."""
    sections = code.split(";")
    section = sections[1] if value < 0 and len(sections) > 1 else sections[0]
    shown = abs(value) if len(sections) > 1 else value
    percent = section.endswith("%")
    if percent:
        shown *= 100
        section = section[:-1]
    prefix = ""
    while section[0] in "+-£":
        prefix, section = prefix + section[0], section[1:]
    places = len(section.split(".")[1]) if "." in section else 0
    grouped = "," in section
    number = f"{shown:{',' if grouped else ''}.{places}f}"
    if number.startswith("-") and prefix.startswith("£"):
        prefix, number = "-" + prefix, number[1:]
    return prefix + number + ("%" if percent else "")


@pytest.fixture(scope="module")
def report() -> Report:
    return sample_report()


@pytest.fixture(scope="module")
def content(report: Report) -> bytes:
    return render_xlsx(report)


@pytest.fixture(scope="module")
def workbook(content: bytes) -> Any:
    return openpyxl.load_workbook(io.BytesIO(content))


def test_it_has_contents_then_a_sheet_per_table(report: Report, workbook: Any) -> None:
    assert workbook.sheetnames == [CONTENTS, *(t.sheet for t in report.tables())]
    assert workbook.sheetnames == [
        "Contents",
        "KPIs",
        "Accepted by need",
        "Waits",
        "Costs",
        "Monthly activity",
    ]


def test_each_sheet_has_its_title_definition_and_header(report: Report, workbook: Any) -> None:
    for table in report.tables():
        sheet = workbook[table.sheet]
        assert sheet["A1"].value == table.title
        assert sheet["A1"].font.b
        assert sheet["A2"].value == (table.definition or None)
        header = [c.value for c in sheet[HEADER_ROW]][: len(table.columns)]
        assert header == [c.label for c in table.columns]
        assert all(c.font.b for c in sheet[HEADER_ROW][: len(table.columns)])
        assert sheet.max_row == HEADER_ROW + len(table.rows)
        assert sheet.freeze_panes == f"A{HEADER_ROW + 1}"


def test_every_cell_holds_its_figure_and_shows_its_text(report: Report, workbook: Any) -> None:
    """A number is stored as a number (a count as an integer) whose format shows it exactly as
    the page does; a figure with no value is its text."""
    checked = {"number": 0, "text": 0}
    for table in report.tables():
        sheet = workbook[table.sheet]
        for r, row in enumerate(table.rows, start=HEADER_ROW + 1):
            for c, figure in enumerate(row, start=1):
                cell = sheet.cell(r, c)
                if figure.is_number:
                    assert cell.data_type == "n"
                    assert cell.value == figure.value
                    if figure.kind is d.Kind.COUNT:
                        assert type(cell.value) is int
                    assert excel_text(cell.value, cell.number_format) == figure.text
                    checked["number"] += 1
                else:
                    assert cell.data_type == "s"
                    assert cell.value == figure.text
                    checked["text"] += 1
    assert checked["number"] > 50
    assert checked["text"] > 50


def test_the_number_formats_follow_the_kind(workbook: Any) -> None:
    kpis, costs, waits = workbook["KPIs"], workbook["Costs"], workbook["Waits"]
    assert (kpis["B4"].value, kpis["B4"].number_format) == (0.9, "0%")
    assert (kpis["B5"].value, kpis["B5"].number_format) == (0.655, "0.0%")
    assert (costs["B4"].value, costs["B4"].number_format) == (-0.25, "+0%;-0%")
    assert (costs["C4"].value, costs["C4"].number_format) == (-12345, "£#,##0;-£#,##0")
    assert (waits["B4"].value, waits["B4"].number_format) == (11.3, "#,##0.0")
    assert (waits["D4"].value, waits["D4"].number_format) == (8, "#,##0")
    assert workbook["Accepted by need"]["B4"].number_format == "#,##0"


def test_suppressed_figures_are_right_aligned_text(workbook: Any) -> None:
    waits = workbook["Waits"]
    for ref in ("B5", "C5", "D5"):
        assert waits[ref].value == "[c]"
        assert waits[ref].data_type == "s"
        assert waits[ref].alignment.horizontal == "right"
    # A row label and a text column stay left-aligned.
    assert workbook["KPIs"]["A6"].alignment.horizontal in (None, "general", "left")
    assert workbook["KPIs"]["D6"].alignment.horizontal in (None, "general", "left")


def test_the_total_row_is_bold_and_no_other(workbook: Any) -> None:
    sheet = workbook["Accepted by need"]
    bold = [all(c.font.b for c in sheet[r][:2]) for r in range(4, 9)]
    assert bold == [False, False, False, False, True]
    assert (sheet["A8"].value, sheet["B8"].value) == ("Total", 40)
    assert not any(c.font.b for r in range(4, 6) for c in workbook["Waits"][r])


def test_columns_are_wide_enough_for_their_texts(report: Report, workbook: Any) -> None:
    for table in report.tables():
        sheet = workbook[table.sheet]
        for n, column in enumerate(table.columns):
            letter = openpyxl.utils.get_column_letter(n + 1)
            longest = max(len(column.label), *(len(row[n].text) for row in table.rows))
            assert sheet.column_dimensions[letter].width >= longest


def test_the_contents_sheet_says_what_and_when(report: Report, workbook: Any) -> None:
    sheet = workbook[CONTENTS]
    assert sheet["A1"].value == report.title
    facts = {row[0].value: row[1].value for row in sheet.iter_rows(min_row=2) if row[0].value}
    assert facts["Service"] == "Demo HIU service"
    assert facts["Period"] == "July to September 2026"
    assert facts["Period key"] == "2026Q3"
    assert facts["Produced on"] == dt.datetime(2026, 10, 15)
    assert facts["Marking"] == report.marking
    values = [c.value for row in sheet.iter_rows() for c in row if c.value is not None]
    assert report.notes[0] in values


def test_the_contents_sheet_lists_and_links_every_table(report: Report, workbook: Any) -> None:
    sheet = workbook[CONTENTS]
    rows = list(sheet.iter_rows(values_only=False))
    start = next(n for n, row in enumerate(rows) if row[0].value == "Sheet") + 1
    listed = rows[start : start + len(report.tables())]
    assert [(r[0].value, r[1].value, r[2].value) for r in listed] == [
        (t.sheet, t.title, t.definition) for t in report.tables()
    ]
    assert [r[0].hyperlink.location for r in listed] == [f"'{t.sheet}'!A1" for t in report.tables()]
    assert sheet.max_row == start + len(report.tables())


def test_it_explains_c_when_the_notes_do_not(report: Report) -> None:
    workbook = openpyxl.load_workbook(
        io.BytesIO(render_xlsx(dataclasses.replace(report, notes=("Figures are provisional.",))))
    )
    notes = [row[1] for row in workbook[CONTENTS].iter_rows(values_only=True) if row[1]]
    assert "Figures are provisional." in notes
    assert any(str(note).startswith("[c]: a number from 1 to 7") for note in notes)


def test_every_sheet_prints_the_marking_landscape_one_page_wide(
    report: Report, workbook: Any
) -> None:
    for sheet in workbook:
        assert report.marking in sheet.oddHeader.center.text
        assert "&P" in sheet.oddFooter.right.text
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.page_setup.paperSize == 9  # A4
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.page_setup.fitToWidth in (None, 1)
        assert sheet.page_setup.fitToHeight == 0
    assert workbook["KPIs"].print_title_rows == "$1:$3"


def test_an_ampersand_in_the_marking_prints_as_one() -> None:
    report = dataclasses.replace(sample_report(), marking="OFFICIAL & SENSITIVE")
    workbook = openpyxl.load_workbook(io.BytesIO(render_xlsx(report)))
    # "&B" (bold) then the marking, its "&" doubled: a single one would start a code.
    assert workbook["KPIs"].oddHeader.center.text == "&BOFFICIAL && SENSITIVE"


def test_the_same_report_gives_the_same_bytes(content: bytes) -> None:
    assert render_xlsx(sample_report()) == content
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        core = archive.read("docProps/core.xml").decode()
    assert "2026-10-15T00:00:00Z" in core


def test_the_workbook_was_created_on_the_report_date(workbook: Any) -> None:
    assert workbook.properties.created == dt.datetime(2026, 10, 15)


def test_text_that_looks_like_a_formula_stays_text() -> None:
    table = Table(
        sheet="Odd",
        title='=HYPERLINK("http://example.org")',
        columns=(Column("Name", numeric=False), Column("Note", numeric=False)),
        rows=((d.text("=1+1"), d.text("@SUM(A1)")), (d.text("+44 1"), d.text("-2"))),
    )
    report = Report(
        title="Odd",
        service="S",
        period=sample_report().period,
        generated_on=dt.date(2026, 10, 1),
        sections=(Section("odd", "Odd", (table,)),),
    )
    sheet = openpyxl.load_workbook(io.BytesIO(render_xlsx(report)))["Odd"]
    cells = [sheet["A1"], sheet["A4"], sheet["B4"], sheet["A5"], sheet["B5"]]
    assert [c.data_type for c in cells] == ["s"] * 5
    assert [c.value for c in cells[1:]] == ["=1+1", "@SUM(A1)", "+44 1", "-2"]


def test_a_table_cannot_take_the_contents_sheets_name() -> None:
    table = Table("contents", "T", (Column("A", numeric=False),), ((d.text("x"),),))
    report = dataclasses.replace(sample_report(), sections=(Section("s", "S", (table,)),))
    with pytest.raises(ValueError, match="Contents"):
        render_xlsx(report)


def test_bars_become_native_charts_beside_their_tables(content: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        charts = sorted(n for n in archive.namelist() if n.startswith("xl/charts/chart"))
        xml = [archive.read(name).decode() for name in charts]
    assert len(charts) == 2
    kpis, accepted = xml
    assert "KPIs and targets" in kpis
    assert "<c:ser>" in kpis
    assert kpis.count("<c:ser>") == 2
    # The total is left out of the accepted chart: its categories stop at the last need.
    assert "'Accepted by need'!$A$4:$A$7" in accepted
    # "[c]" labels the suppressed bar rather than a 0 (custom data label).
    assert "[c]" in accepted


def test_a_chart_of_rows_that_are_not_together_is_left_to_the_page() -> None:
    report = sample_report()
    section = Section(
        "x",
        "X",
        (Bars("Accepted by need", (1,), "Not housing", "People", ("Housing", "Total")),),
    )
    report = dataclasses.replace(report, sections=(*report.sections, section))
    with zipfile.ZipFile(io.BytesIO(render_xlsx(report))) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 2  # the two of the sample, not this one


@pytest.mark.parametrize(
    ("figure", "code"),
    [
        (d.count(1234), "#,##0"),
        (d.total(1234), "#,##0"),
        (d.share(19, 29, target=0.66), "0.0%"),
        (d.share(27, 30), "0%"),
        (d.mean([1.0] * 8, places=2), "#,##0.00"),
        (d.extreme(12, 9), "#,##0"),
        (d.change(0.12, 60), "+0%;-0%"),
        (d.change(-0.12, 60), "+0%;-0%"),
        (d.change(0.001, 60), "+0%;-0%"),
        (d.money(-1234.4, 60), "£#,##0;-£#,##0"),
    ],
)
def test_each_figure_s_format_shows_its_text(figure: d.Shown, code: str) -> None:
    assert number_format(figure) == code
    assert isinstance(figure.value, int | float)
    assert excel_text(figure.value, code) == figure.text
