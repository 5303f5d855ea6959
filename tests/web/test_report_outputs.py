"""The demo service's report for July to September 2026 in its three formats: the figures agree
across the web page, the workbook and the PDF; the PDF's pages are A4 and drawn; no client's
name, NHS number, date of birth, phone or postcode is in any of them; and the same facts give
the same bytes.

The demo is built once for the module (a synthetic population whose activity runs to 30
September 2026, the demo command, then the report), inside a transaction that is rolled back
when the module's tests are done. The tests read only what the fixture made.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from collections.abc import Iterator
from html import unescape
from html.parser import HTMLParser
from typing import Any

import openpyxl
import pypdfium2 as pdfium
import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client as HttpClient
from django.test import override_settings
from django.urls import reverse

from hiu.disclosure import Kind
from hiu.report.document import Report
from hiu.report.facts import ServiceFacts
from hiu.report.identifiers import PersonIdentifiers, anyone_in
from hiu.report.measures import build_report
from hiu.report.pdf_text import printable
from hiu.report.period import parse_period
from hiu.report.render_html import render_body, render_html
from hiu.report.render_pdf import render_pdf
from hiu.report.render_xlsx import render_xlsx
from hiu.synth.simulate import SynthSpec, synthesise
from hiu.web.accounts.models import Service
from hiu.web.clients.models import Client
from hiu.web.demo.service import DEMO_SERVICE
from hiu.web.reports import services
from hiu.web.reports.gather import service_facts

# Marked so that pytest-django sets the test database up (it sets up only the databases that
# marked tests use); the demo itself is made once, by the module's fixture.
pytestmark = [pytest.mark.django_db, pytest.mark.db_engine]

PERIOD = "2026Q3"
TODAY = dt.date(2026, 10, 15)
A4_RATIO = 297 / 210


@dataclasses.dataclass(frozen=True)
class Outputs:
    facts: ServiceFacts
    report: Report
    pdf: bytes
    xlsx: bytes
    html: str  # the standalone page
    body: str  # the sections, as the web app shows them
    page: str  # the draft's page in the web app, around the body
    people: list[PersonIdentifiers]


@pytest.fixture(scope="module")
def demo(
    django_db_setup: Any,
    django_db_blocker: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Outputs]:
    folder = tmp_path_factory.mktemp("report-demo")
    synthetic = folder / "synthetic"
    # A year of activity ending on 30 September 2026, as the demo's data does.
    synthesise(SynthSpec(adults=6000, years=1, start=dt.date(2025, 10, 1), seed=5), synthetic)
    data = folder / "data"
    data.mkdir()
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(DATA_DIR=data, PASSWORD_HASHERS=hashers),
        pytest.MonkeyPatch.context() as patch,
        transaction.atomic(),
    ):
        patch.setattr(services, "today", lambda: TODAY)
        call_command("demo", synthetic=synthetic, stdout=io.StringIO())
        service = Service.objects.get(name=DEMO_SERVICE)
        period = parse_period(PERIOD)
        facts = service_facts(service, period, today=TODAY)
        report = build_report(facts, period, TODAY)
        browser = HttpClient()
        browser.force_login(service.staff.get(user__username="lead").user)
        page = browser.get(reverse("reports:draft"), {"period": PERIOD})
        assert page.status_code == 200
        people = [
            PersonIdentifiers(
                given_name=client.given_name,
                family_name=client.family_name,
                nhs_number=client.nhs_number,
                date_of_birth=client.date_of_birth,
                phone=client.phone,
                postcode=client.postcode,
            )
            for client in Client.objects.filter(service=service)
        ]
        yield Outputs(
            facts=facts,
            report=report,
            pdf=render_pdf(report),
            xlsx=render_xlsx(report),
            html=render_html(report),
            body=render_body(report),
            page=page.content.decode(),
            people=people,
        )
        transaction.set_rollback(True)


# Reading the outputs back ---------------------------------------------------------------------


class _Tables(HTMLParser):
    """Every table's caption and rows of cell texts (header row first), in document order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[tuple[str, list[list[str]]]] = []
        self._caption: list[str] | None = None
        self._cell: list[str] | None = None
        self._rows: list[list[str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append(("", []))
        elif tag == "caption":
            self._caption = []
        elif tag == "tr" and self.tables:
            self.tables[-1][1].append([])
        elif tag in {"td", "th"}:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption" and self._caption is not None:
            rows = self.tables[-1][1]
            self.tables[-1] = (_words("".join(self._caption)), rows)
            self._caption = None
        elif tag in {"td", "th"} and self._cell is not None:
            self.tables[-1][1][-1].append(_words("".join(self._cell)))
            self._cell = None

    def handle_data(self, data: str) -> None:
        for collecting in (self._caption, self._cell):
            if collecting is not None:
                collecting.append(data)


def _words(text: str) -> str:
    return " ".join(unescape(text).split())


def _html_tables(html: str) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed(html)
    return dict(parser.tables)


def _expected_rows(report: Report, sheet: str) -> list[list[str]]:
    table = report.table(sheet)
    return [[_words(column.label) for column in table.columns]] + [
        [_words(cell.text) for cell in row] for row in table.rows
    ]


def _pdf_text(pdf: bytes) -> str:
    document = pdfium.PdfDocument(pdf)
    try:
        return " ".join(_words(page.get_textpage().get_text_range()) for page in document)
    finally:
        document.close()


def _xlsx_texts(xlsx: bytes) -> list[str]:
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx))
    texts = []
    for sheet in workbook.worksheets:
        texts.append(sheet.title)
        texts.extend(
            str(value) for row in sheet.iter_rows(values_only=True) for value in row if value
        )
        texts.extend(
            str(part) for part in (sheet.oddHeader.center.text, sheet.oddFooter.center.text) if part
        )
    return texts


# The figures agree ----------------------------------------------------------------------------


def test_the_report_has_tables_to_compare(demo: Outputs) -> None:
    assert len(demo.report.tables()) >= 10
    assert sum(len(table.rows) for table in demo.report.tables()) >= 50


@pytest.mark.parametrize("which", ["body", "html", "page"])
def test_every_table_is_in_the_web_page_with_the_same_cells_in_order(
    demo: Outputs, which: str
) -> None:
    tables = _html_tables(getattr(demo, which))
    for table in demo.report.tables():
        caption = _words(table.title)
        assert caption in tables, caption
        assert tables[caption] == _expected_rows(demo.report, table.sheet), table.sheet


def test_every_table_is_a_sheet_of_the_workbook_with_the_same_values(demo: Outputs) -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(demo.xlsx))
    for table in demo.report.tables():
        sheet = workbook[table.sheet]
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        labels = [column.label for column in table.columns]
        header = next(n for n, row in enumerate(rows) if row[: len(labels)] == labels)
        for number, cells in enumerate(table.rows, start=header + 1):
            for column, cell in enumerate(cells):
                stored = rows[number][column]
                where = (table.sheet, number + 1, column + 1)
                if cell.is_number:
                    assert isinstance(stored, int | float), where
                    assert stored == pytest.approx(cell.value), where
                    if cell.kind is Kind.COUNT:
                        assert stored == int(stored), where
                else:
                    assert stored == cell.text, where


def test_every_cell_s_text_is_in_the_pdf(demo: Outputs) -> None:
    text = _pdf_text(demo.pdf)
    missing = [
        (table.sheet, cell.text)
        for table in demo.report.tables()
        for row in table.rows
        for cell in row
        if _words(printable(cell.text)) not in text
    ]
    assert missing == []
    for table in demo.report.tables():
        assert _words(printable(table.title)) in text


def test_the_pdf_pages_are_a4_and_drawn(demo: Outputs) -> None:
    document = pdfium.PdfDocument(demo.pdf)
    try:
        assert len(document) > 1
        for number, page in enumerate(document, start=1):
            width, height = page.get_size()
            assert height / width == pytest.approx(A4_RATIO, rel=0.01), number
            image = page.render(scale=50 / 72).to_pil().convert("L")
            dark = sum(image.histogram()[:128])  # pixels darker than mid grey
            assert dark > 200, f"page {number} is blank"
    finally:
        document.close()


# No one can be identified --------------------------------------------------------------------


def _every_output(demo: Outputs) -> dict[str, str]:
    return {
        "pdf": _pdf_text(demo.pdf),
        "xlsx": "\n".join(_xlsx_texts(demo.xlsx)),
        "html": demo.html,
        "body": demo.body,
        # The page around the body names the signed-in member of staff, not a client.
        "page": demo.page,
    }


def test_there_are_clients_to_look_for(demo: Outputs) -> None:
    assert len(demo.people) >= 20
    assert all(person.nhs_number and person.date_of_birth for person in demo.people)


@pytest.mark.parametrize("output", ["pdf", "xlsx", "html", "body", "page"])
def test_no_client_s_identifiers_are_in_any_output(demo: Outputs, output: str) -> None:
    found = anyone_in(_every_output(demo)[output], demo.people)
    # Positions in the list and kinds only: a failure must not print the identifier itself.
    assert found == []


def test_the_scan_would_find_a_client_named_in_an_output(demo: Outputs) -> None:
    person = demo.people[len(demo.people) // 2]
    for output, text in _every_output(demo).items():
        planted = text.replace("</main>", f"<p>{person.family_name}</p></main>", 1)
        planted = planted if planted != text else f"{text}\n{person.family_name}"
        assert any(kinds == ["name"] for _, kinds in anyone_in(planted, [person])), output
    nhs_number = f"{person.nhs_number[:3]} {person.nhs_number[3:6]} {person.nhs_number[6:]}"
    assert anyone_in(f"{demo.html} {nhs_number}", [person]) == [(0, ["NHS number"])]


# The same facts, the same bytes ---------------------------------------------------------------


def test_the_same_facts_give_the_same_pdf_and_workbook(demo: Outputs) -> None:
    again = build_report(demo.facts, parse_period(PERIOD), TODAY)
    assert again == demo.report
    assert render_pdf(again) == demo.pdf
    assert render_xlsx(again) == demo.xlsx
    assert render_html(again) == demo.html


def test_figures_kept_at_issue_are_the_cells_texts(demo: Outputs) -> None:
    figures = services.figures_of(demo.report)
    assert [[_words(text) for text in figures[0]["columns"]]] + [
        [_words(text) for text in row] for row in figures[0]["rows"]
    ] == _expected_rows(demo.report, demo.report.tables()[0].sheet)
