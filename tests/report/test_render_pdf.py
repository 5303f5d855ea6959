"""The report as a PDF, read back with PDFium (pypdfium2): every page rendered to an image, its
text and fonts read, its contents, outline and metadata checked against the report."""

from __future__ import annotations

import ctypes
import dataclasses
import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from reportlab.lib.colors import white
from sample import sample_report

from hiu import disclosure as d
from hiu.report.charts import bar_geometry
from hiu.report.document import Bars, Column, Paragraph, Report, Section, Story, Table
from hiu.report.pdf_chart import chart_drawing, hatch_segments
from hiu.report.pdf_text import markup, printable
from hiu.report.render_pdf import FRAME_WIDTH, render_pdf

A4_RATIO = 210 / 297
HEADING_SIZE = 16.0


def normalised(text: str) -> str:
    return " ".join(text.split())


@dataclasses.dataclass
class Rendered:
    data: bytes
    document: Any  # pypdfium2.PdfDocument
    pages: list[str]  # each page's text, whitespace normalised

    @property
    def text(self) -> str:
        return " ".join(self.pages)


def rendered(report: Report) -> Rendered:
    data = render_pdf(report)
    document = pdfium.PdfDocument(data)
    pages = [normalised(page.get_textpage().get_text_range()) for page in document]
    return Rendered(data, document, pages)


@pytest.fixture(scope="module")
def report() -> Report:
    return sample_report()


@pytest.fixture(scope="module")
def pdf(report: Report) -> Rendered:
    return rendered(report)


def occurrences(page: Any, text: str) -> Iterator[tuple[int, int]]:
    """Where ``text`` is on a page, as PDFium's (first character index, length)."""
    searcher = page.get_textpage().search(text, match_case=True, match_whole_word=True)
    while (hit := searcher.get_next()) is not None:
        yield hit


def font_of(page: Any, index: int) -> tuple[str, float]:
    textpage = page.get_textpage()
    name = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    pdfium_c.FPDFText_GetFontInfo(textpage.raw, index, name, 128, flags)
    return name.value.decode(), round(pdfium_c.FPDFText_GetFontSize(textpage.raw, index), 1)


def contents_entries(pdf: Rendered) -> dict[str, int]:
    """The contents on page 1: each entry's title and page number."""
    titles = [*(section.title for section in sample_report().sections), "Notes"]
    entries = {}
    for title in titles:
        match = re.search(re.escape(title) + r"(?: \.)+ (\d+)", pdf.pages[0])
        assert match, f"{title!r} is not in the contents: {pdf.pages[0]}"
        entries[title] = int(match[1])
    return entries


# Pages ----------------------------------------------------------------------------------


def test_every_page_is_a4_portrait_and_has_something_on_it(pdf: Rendered, tmp_path: Path) -> None:
    assert len(pdf.document) >= 3
    for number, page in enumerate(pdf.document, start=1):
        width, height = page.get_size()
        assert (round(width), round(height)) == (595, 842)
        image = page.render(scale=75 / 72).to_pil().convert("L")
        assert image.width / image.height == pytest.approx(A4_RATIO, abs=0.005)
        dark = sum(image.histogram()[:128])
        assert dark > 500, f"page {number} is (nearly) blank"
        if number == 1:
            image.save(tmp_path / "page-1.png")
    assert (tmp_path / "page-1.png").stat().st_size > 0


def test_every_page_says_which_page_of_how_many_and_carries_the_marking(
    pdf: Rendered, report: Report
) -> None:
    total = len(pdf.pages)
    for number, text in enumerate(pdf.pages, start=1):
        assert f"Page {number} of {total}" in text
        assert normalised(report.marking) in text


def test_the_first_page_has_the_title_block(pdf: Rendered) -> None:
    first = pdf.pages[0]
    for line in (
        "High Intensity Use service report",
        "Demo HIU service",
        "July to September 2026 (2026Q3)",
        "Produced on 15 October 2026",
        "Contents",
    ):
        assert line in first


def test_the_contents_give_the_page_each_section_heading_is_on(pdf: Rendered) -> None:
    entries = contents_entries(pdf)
    assert list(entries.values()) == sorted(entries.values())
    assert len(set(entries.values())) > 1
    for title, number in entries.items():
        page = pdf.document[number - 1]
        sizes = [font_of(page, index)[1] for index, _ in occurrences(page, title)]
        assert HEADING_SIZE in sizes, f"no heading {title!r} on page {number}"
        # ... and on no other page.
        for other in range(len(pdf.document)):
            if other != number - 1:
                page = pdf.document[other]
                sizes = [font_of(page, index)[1] for index, _ in occurrences(page, title)]
                assert HEADING_SIZE not in sizes


def test_the_outline_lists_the_sections_at_their_pages(pdf: Rendered) -> None:
    outline = [
        (mark.get_title(), mark.get_dest().get_index() + 1) for mark in pdf.document.get_toc()
    ]
    assert outline == list(contents_entries(pdf).items())


def test_metadata(pdf: Rendered) -> None:
    metadata = pdf.document.get_metadata_dict()
    assert metadata["Title"] == "High Intensity Use service report: July to September 2026"
    assert metadata["Author"] == "hiu"
    assert metadata["CreationDate"].startswith("D:20261015")
    assert metadata["ModDate"].startswith("D:20261015")


def test_the_same_report_gives_the_same_bytes(pdf: Rendered, report: Report) -> None:
    assert render_pdf(report) == pdf.data
    assert render_pdf(sample_report()) == pdf.data


# Tables ---------------------------------------------------------------------------------


def test_every_table_cell_is_in_the_text_as_the_table_writes_it(
    pdf: Rendered, report: Report
) -> None:
    for table in report.tables():
        assert normalised(table.title) in pdf.text
        if table.definition:
            assert normalised(table.definition) in pdf.text
        header = " ".join(normalised(column.label) for column in table.columns)
        assert header in pdf.text
        for row in table.rows:
            # Cells are drawn one after another, so a row reads in order even when one wraps.
            assert " ".join(normalised(cell.text) for cell in row) in pdf.text, row


def test_a_long_table_runs_over_pages_with_its_header_on_each(pdf: Rendered) -> None:
    months = {
        number
        for number, text in enumerate(pdf.pages)
        if re.search(r"\bMonth \d+ (?:\d+|\[c\]) (?:\d+|\[c\])", text)
    }
    assert len(months) > 1
    for number in months:
        assert "Month Accepted Discharged" in pdf.pages[number]
    found = [int(n) for text in pdf.pages for n in re.findall(r"\bMonth (\d+) ", text)]
    assert sorted(set(found)) == list(range(1, 61))


def test_numbers_are_right_aligned_and_the_total_is_bold(pdf: Rendered) -> None:
    page_number = next(i for i, text in enumerate(pdf.pages) if "Main need People" in text)
    page = pdf.document[page_number]
    textpage = page.get_textpage()

    def right_edges(text: str) -> set[float]:
        return {
            round(textpage.get_charbox(index + count - 1)[2])
            for index, count in occurrences(page, text)
        }

    shared = right_edges("People") & right_edges("23") & right_edges("12") & right_edges("40")
    assert shared, "the numbers and their header do not share a right edge"
    (total, _), *_ = occurrences(page, "Total")
    (twelve, _), *_ = occurrences(page, "12")
    assert font_of(page, total)[0] == "Helvetica-Bold"
    assert font_of(page, twelve)[0] == "Helvetica"


def test_a_definition_is_set_smaller_than_its_caption(pdf: Rendered) -> None:
    page_number = next(i for i, text in enumerate(pdf.pages) if "Main need People" in text)
    page = pdf.document[page_number]
    (caption, _), *_ = occurrences(page, "People accepted, by main need")
    (definition, _), *_ = occurrences(page, "Episodes of support opened in the period")
    assert font_of(page, definition)[1] < font_of(page, caption)[1]


# Charts, stories, notes -----------------------------------------------------------------


def without_charts(report: Report) -> Report:
    return dataclasses.replace(
        report,
        sections=tuple(
            dataclasses.replace(
                section, blocks=tuple(b for b in section.blocks if not isinstance(b, Bars))
            )
            for section in report.sections
        ),
    )


def test_each_bar_is_labelled_with_its_cells_text(pdf: Rendered, report: Report) -> None:
    charts = [b for s in report.sections for b in s.blocks if isinstance(b, Bars)]
    expected = Counter(bar.text for bars in charts for bar in bar_geometry(report, bars).bars)
    assert expected["[c]"] == 2
    assert expected["65.5%"] == 1
    with_charts = Counter(pdf.text.split())
    without = Counter(rendered(without_charts(report)).text.split())
    for text, count in expected.items():
        assert with_charts[text] - without[text] >= count, text
    for bars in charts:
        assert normalised(bars.title) in pdf.text
        assert bars.axis_label in pdf.text
    assert "Result Target (hatched)" in pdf.text
    assert "People progressing a goal Better wellbeing Less lonely" in pdf.text


def test_a_crowded_chart_still_labels_every_group_and_bar() -> None:
    table = Table(
        sheet="Days",
        title="Days",
        columns=(Column("Day", numeric=False), Column("Calls")),
        rows=tuple((d.text(f"Day{i}"), d.count(1000 + 37 * i)) for i in range(30)),
    )
    report = Report(
        title="Crowded",
        service="Demo HIU service",
        period=sample_report().period,
        generated_on=dt.date(2026, 10, 15),
        sections=(Section("days", "Days", (table, Bars("Days", (1,), "Calls by day", "Calls"))),),
    )
    tokens = Counter(rendered(report).text.split())
    for row in table.rows:
        # Once in the table, once under (or on) the chart (and perhaps as an axis tick).
        assert tokens[row[0].text] == 2, row[0].text
        assert tokens[row[1].text] >= 2, row[1].text


def test_a_chart_fills_the_frame_and_a_hatched_series_is_striped(report: Report) -> None:
    kpis = Bars("KPIs", (1, 2), "KPIs and targets", "Per cent")
    accepted = Bars("Accepted by need", (1,), "Accepted", "People", ("Total",))

    def white_lines(drawing: Any) -> int:
        return sum(1 for shape in drawing.contents if getattr(shape, "strokeColor", None) == white)

    drawing = chart_drawing(report, kpis, FRAME_WIDTH)
    assert drawing.width == pytest.approx(FRAME_WIDTH)
    assert white_lines(drawing) > 10  # the target bars and their key swatch
    assert white_lines(chart_drawing(report, accepted, FRAME_WIDTH)) == 0


def test_hatching_stays_inside_its_box() -> None:
    segments = list(hatch_segments(10, 20, 30, 100))
    assert len(segments) > 10
    for x1, y1, x2, y2 in segments:
        for x, y in ((x1, y1), (x2, y2)):
            assert 10 - 1e-9 <= x <= 40 + 1e-9
            assert 20 - 1e-9 <= y <= 120 + 1e-9
        assert y2 - y1 == pytest.approx(x2 - x1)


def test_stories_keep_their_paragraphs_and_the_notes_come_last(pdf: Rendered) -> None:
    stories = next(text for text in pdf.pages if "Finding a way back to the allotment" in text)
    assert "now volunteers twice a week. He says the calls stopped" in stories
    assert pdf.pages[-1].index("Notes") > pdf.pages[-1].index("Case studies")
    assert "[c]: a number from 1 to 7, not shown to protect confidentiality." in pdf.pages[-1]


def test_the_notes_explain_c_even_when_the_report_does_not(report: Report) -> None:
    text = rendered(dataclasses.replace(report, notes=())).text
    assert "Notes \u2022 [c]: a number from 1 to 7" in text


# Text the markup or the font could get wrong --------------------------------------------


def awkward_report() -> Report:
    table = Table(
        sheet="Awkward",
        title="A&E <attendances> & admissions",
        columns=(Column("Group <all>", numeric=False), Column("Change"), Column("Share")),
        rows=(
            (
                d.text("Under 18 & over 65"),
                d.Shown(-0.12, "\u221212%", d.Kind.PERCENT),
                d.share(0, 0),
            ),
            (d.text("\u2265 8 visits \u2192 listed"), d.count(9), d.share(9, 10)),
        ),
        definition="People with \u2265 8 attendances; a change below 0 is a fall (\u22121 < 0).",
    )
    return Report(
        title="Costs & savings <draft>",
        service="City & Hackney HIU",
        period=sample_report().period,
        generated_on=dt.date(2026, 10, 15),
        sections=(
            Section(
                "awkward",
                "A&E <b>and</b> more",
                (
                    Paragraph("x < y & z > w, and <i>not italic</i>."),
                    table,
                    Bars("Awkward", (2,), "Shares <by> group & more", "Per cent"),
                    Story("Q&A <one>", "First & only.\n\nSecond <para>."),
                ),
            ),
        ),
    )


@pytest.fixture(scope="module")
def awkward() -> Rendered:
    return rendered(awkward_report())


def test_markup_characters_print_as_written(awkward: Rendered) -> None:
    for text in (
        "Costs & savings <draft>",
        "City & Hackney HIU",
        "A&E <b>and</b> more",
        "x < y & z > w, and <i>not italic</i>.",
        "A&E <attendances> & admissions",
        "Group <all> Change Share",
        "Under 18 & over 65 -12% n/a",
        "Shares <by> group & more",
        "Q&A <one> First & only. Second <para>.",
    ):
        assert text in awkward.text, text
    assert [mark.get_title() for mark in awkward.document.get_toc()] == [
        "A&E <b>and</b> more",
        "Notes",
    ]
    assert awkward.document.get_metadata_dict()["Title"].startswith("Costs & savings <draft>")


def test_characters_the_font_lacks_print_as_plain_equivalents(awkward: Rendered) -> None:
    assert ">= 8 visits -> listed 9 90%" in awkward.text
    assert "People with >= 8 attendances; a change below 0 is a fall (-1 < 0)." in awkward.text
    # ReportLab draws what Helvetica lacks from Symbol, or ZapfDingbats' black box.
    assert b"/Symbol" not in awkward.data
    assert b"ZapfDingbats" not in awkward.data


def test_printable_keeps_what_helvetica_has_and_replaces_the_rest() -> None:
    # In Windows-1252: en dash, curly quotes, ellipsis, euro, multiplication sign.
    kept = "£1,204 \u2013 “quoted” \u2018single\u2019 café naïve … €5 \u00d7 2 ½ 25°"
    assert printable(kept) == kept
    assert printable("\u221212% \u2265 8 \u2264 9 \u2192 \u2009x") == "-12% >= 8 <= 9 ->  x"
    assert printable("Łódź Ελλάδα") == "?ódz ??????"
    assert printable("Dvořák Ševčík") == "Dvorák Ševcík"
    assert printable("a\x00b\x07c") == "a?b?c"
    assert markup("A&E <draft> \u2265 8") == "A&amp;E &lt;draft&gt; &gt;= 8"
