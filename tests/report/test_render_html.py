"""The report as HTML: every table cell is its figure's text, in order; the contents links land;
chart labels are the table's texts; text is escaped; the standalone page fetches nothing."""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections import Counter
from html.parser import HTMLParser

import pytest
from sample import sample_report

from hiu import disclosure as d
from hiu.report.charts import bar_geometry, chart_id
from hiu.report.document import Bars, Column, Paragraph, Report, Section, Story, Table
from hiu.report.render_html import css_string, paragraphs, render_body, render_html, table_id

VOID = {"meta", "br", "img", "input", "link", "hr", "col", "source", "wbr"}
# SVG elements the templates write self-closed.
SELF_CLOSED = {"rect", "path", "line", "circle"}


@dataclasses.dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = dataclasses.field(default_factory=list)
    parent: Node | None = None

    @property
    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text for c in self.children)

    def find_all(self, tag: str) -> list[Node]:
        found = []
        for child in self.children:
            if isinstance(child, Node):
                if child.tag == tag:
                    found.append(child)
                found.extend(child.find_all(tag))
        return found

    def elements(self) -> list[Node]:
        found = []
        for child in self.children:
            if isinstance(child, Node):
                found.append(child)
                found.extend(child.elements())
        return found

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())


class TreeBuilder(HTMLParser):
    """A document tree; fails on a closing tag that does not match the open element, so a
    template that leaves a ``<div>`` open or closes one twice is caught."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.open = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs}, parent=self.open)
        self.open.children.append(node)
        if tag not in VOID:
            self.open = node

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.open.children.append(Node(tag, {k: v or "" for k, v in attrs}, parent=self.open))

    def handle_endtag(self, tag: str) -> None:
        assert self.open.tag == tag, f"</{tag}> closes <{self.open.tag}>"
        assert self.open.parent is not None
        self.open = self.open.parent

    def handle_data(self, data: str) -> None:
        self.open.children.append(data)


def parse(html: str) -> Node:
    builder = TreeBuilder()
    builder.feed(html)
    builder.close()
    assert builder.open is builder.root, f"<{builder.open.tag}> is never closed"
    return builder.root


def squash(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def report() -> Report:
    return sample_report()


@pytest.fixture(scope="module")
def page(report: Report) -> Node:
    return parse(render_html(report))


@pytest.fixture(scope="module")
def body(report: Report) -> Node:
    return parse(render_body(report))


def test_it_writes_every_table_cell_as_its_text_in_order(report: Report, body: Node) -> None:
    tables = body.find_all("table")
    assert [t.attrs["id"] for t in tables] == [table_id(t) for t in report.tables()]
    for table, drawn in zip(report.tables(), tables, strict=True):
        (caption,) = drawn.find_all("caption")
        assert squash(caption.text) == table.title
        (head,) = drawn.find_all("thead")
        headers = head.find_all("th")
        assert [squash(th.text) for th in headers] == [c.label for c in table.columns]
        assert {th.attrs["scope"] for th in headers} == {"col"}
        (tbody,) = drawn.find_all("tbody")
        rows = tbody.find_all("tr")
        assert len(rows) == len(table.rows)
        for row, tr in zip(table.rows, rows, strict=True):
            cells = [c for c in tr.children if isinstance(c, Node)]
            assert [squash(c.text) for c in cells] == [cell.text for cell in row]
            assert cells[0].tag == "th"
            assert cells[0].attrs["scope"] == "row"
            assert {c.tag for c in cells[1:]} == {"td"}


def test_it_right_aligns_numeric_columns_only(report: Report, body: Node) -> None:
    kpis = next(t for t in body.find_all("table") if t.attrs["id"] == "table-kpis")
    header = [("nhsuk-table__header--numeric" in th.classes) for th in kpis.find_all("th")[:4]]
    assert header == [False, True, True, False]
    (first, *_) = kpis.find_all("tbody")[0].find_all("tr")
    numeric = ["nhsuk-table__cell--numeric" in td.classes for td in first.find_all("td")]
    assert numeric == [True, True, False]


def test_it_draws_the_total_row_bold_and_no_other(body: Node) -> None:
    by_id = {t.attrs["id"]: t for t in body.find_all("table")}
    rows = by_id["table-accepted-by-need"].find_all("tbody")[0].find_all("tr")
    bold = [
        all("nhsuk-u-font-weight-bold" in c.classes for c in r.children if isinstance(c, Node))
        for r in rows
    ]
    assert bold == [False, False, False, False, True]
    waits = by_id["table-waits"].find_all("tbody")[0].find_all("tr")
    assert not any("nhsuk-u-font-weight-bold" in c.classes for r in waits for c in r.elements())


def test_it_puts_each_definition_under_its_table(report: Report, body: Node) -> None:
    containers = [div for div in body.find_all("div") if "hiu-report-table" in div.classes]
    assert len(containers) == len(report.tables())
    for table, container in zip(report.tables(), containers, strict=True):
        children = [c for c in container.children if isinstance(c, Node)]
        assert children[0].attrs["id"] == table_id(table)
        if table.definition:
            assert [c.tag for c in children] == ["table", "p"]
            assert squash(children[1].text) == table.definition
        else:
            assert [c.tag for c in children] == ["table"]


def test_the_contents_list_links_to_every_section(report: Report, page: Node) -> None:
    (nav,) = page.find_all("nav")
    links = [a.attrs["href"] for a in nav.find_all("a")]
    ids = [e.attrs["id"] for e in page.elements() if "id" in e.attrs]
    assert links == [f"#{s.key}" for s in report.sections] + ["#report-notes"]
    assert all(link[1:] in ids for link in links)
    sections = [e for e in page.find_all("section")]
    assert [s.attrs["id"] for s in sections] == [s.key for s in report.sections] + ["report-notes"]


def test_every_id_is_used_once(page: Node) -> None:
    ids = Counter(e.attrs["id"] for e in page.elements() if "id" in e.attrs)
    assert [i for i, n in ids.items() if n > 1] == []


def test_each_chart_labels_its_bars_with_the_table_texts(report: Report, body: Node) -> None:
    charts = [b for s in report.sections for b in s.blocks if isinstance(b, Bars)]
    svgs = body.find_all("svg")
    assert len(svgs) == len(charts) == 2
    for bars, svg in zip(charts, svgs, strict=True):
        table = report.table(bars.table)
        drawn = [row for row in table.rows if row[0].text not in bars.leave_out]
        expected = [row[i].text for row in drawn for i in bars.series]
        texts = [squash(t.text) for t in svg.find_all("text")]
        start = next(
            n for n in range(len(texts)) if texts[n : n + len(expected)] == expected
        )  # the bar labels come together, in table order
        groups = texts[start + len(expected) : start + len(expected) + len(drawn)]
        short = dict(bars.short_labels)
        assert groups == [short.get(row[0].text, row[0].text) for row in drawn]
        # A suppressed cell draws no bar: one rectangle per figure with a value.
        bars_drawn = [r for r in svg.find_all("rect") if "hiu-bar" in r.classes]
        assert len(bars_drawn) == sum(1 for row in drawn for i in bars.series if row[i].is_number)


def test_the_accepted_chart_leaves_out_the_total_and_shows_c(body: Node) -> None:
    (svg,) = [
        s for s in body.find_all("svg") if s.attrs["aria-labelledby"].startswith("chart-accepted")
    ]
    texts = [squash(t.text) for t in svg.find_all("text")]
    assert "Total" not in texts
    assert "[c]" in texts
    assert "40" not in texts


def test_bar_heights_follow_the_table(report: Report, body: Node) -> None:
    bars = Bars("Accepted by need", (1,), "Accepted by main need", "People", ("Total",))
    geometry = bar_geometry(report, bars)
    (svg,) = [s for s in body.find_all("svg") if s.attrs["aria-labelledby"].startswith(geometry.id)]
    heights = [float(r.attrs["height"]) for r in svg.find_all("rect") if "hiu-bar" in r.classes]
    # 23 and 12 people, then 0 (Not recorded) draws a bar of no height; Housing is [c].
    assert heights[0] / heights[1] == pytest.approx(23 / 12, rel=0.01)
    assert heights[2] == 0


def test_charts_are_images_with_a_title_and_description(body: Node) -> None:
    ids = {e.attrs["id"]: e for e in body.elements() if "id" in e.attrs}
    for svg in body.find_all("svg"):
        assert svg.attrs["role"] == "img"
        title, desc = svg.attrs["aria-labelledby"].split()
        assert ids[title].tag == "title"
        assert ids[desc].tag == "desc"
        assert "The table gives the same figures" in ids[desc].text


def test_stories_are_titled_with_a_paragraph_per_blank_line(body: Node) -> None:
    (story,) = [div for div in body.find_all("div") if "hiu-report-story" in div.classes]
    (heading,) = story.find_all("h3")
    assert heading.text == "Finding a way back to the allotment"
    texts = [squash(p.text) for p in story.find_all("p")]
    assert len(texts) == 2
    assert texts[1] == "He says the calls stopped because the loneliness did."


def test_paragraphs_split_on_blank_lines_only() -> None:
    assert paragraphs("One\nline.\n\n  \nTwo.\n \t\nThree.\n") == ["One\nline.", "Two.", "Three."]
    assert paragraphs("   ") == []


def test_headings_go_down_one_level_at_a_time(page: Node, body: Node) -> None:
    def levels(tree: Node) -> list[int]:
        return [int(e.tag[1]) for e in tree.elements() if re.fullmatch(r"h[1-6]", e.tag)]

    page_levels, body_levels = levels(page), levels(body)
    assert page_levels.count(1) == 1
    assert page_levels[0] == 1
    assert body_levels[0] == 2
    assert 1 not in body_levels
    for tree in (page_levels, body_levels):
        assert all(b - a <= 1 for a, b in itertools.pairwise(tree))


def test_the_page_names_the_report_and_shows_the_marking_first(report: Report, page: Node) -> None:
    (h1,) = page.find_all("h1")
    assert h1.text == report.title
    markings = [p for p in page.find_all("p") if "hiu-report-marking" in p.classes]
    assert [m.text for m in markings] == [report.marking, report.marking]
    elements = page.elements()
    assert elements.index(markings[0]) < elements.index(h1)
    facts = squash(page.find_all("dl")[0].text)
    assert "Demo HIU service" in facts
    assert "July to September 2026 (2026Q3)" in facts
    assert "15 October 2026" in facts
    (title,) = page.find_all("title")[:1]
    assert report.period.label in title.text


def test_the_notes_come_last(report: Report, body: Node) -> None:
    sections = body.find_all("section")
    assert sections[-1].attrs["id"] == "report-notes"
    assert [squash(li.text) for li in sections[-1].find_all("li")] == list(report.notes)


def test_the_page_prints_the_marking_and_page_numbers(report: Report) -> None:
    html = render_html(report)
    (style,) = re.findall(r"<style>(.*?)</style>", html, re.S)
    assert "size: A4" in style
    assert "counter(page)" in style
    assert f"@top-center {{ content: {css_string(report.marking)};" in style


def test_css_strings_cannot_end_the_string_or_the_style_sheet() -> None:
    written = str(css_string('A "quoted" </style> \\ mark: done'))
    assert written.startswith('"')
    assert written.endswith('"')
    inner = written[1:-1]
    assert '"' not in inner
    assert "<" not in inner
    assert "\\00003a  done" in inner  # the escape's own space, then the real one
    unescaped = re.sub(r"\\([0-9a-f]{6}) ", lambda m: chr(int(m[1], 16)), inner)
    assert unescaped == 'A "quoted" </style> \\ mark: done'


def _tricky() -> Report:
    table = Table(
        sheet="Odd",
        title="Fish & chips <b>bold</b>",
        columns=(Column("Name <i>", numeric=False), Column("People")),
        rows=((d.text("<script>alert(1)</script>"), d.count(9)),),
        definition="Quotes \" and ' and & stay text.",
    )
    return Report(
        title="Report <one> & two",
        service="Service & <sons>",
        period=sample_report().period,
        generated_on=sample_report().generated_on,
        sections=(
            Section(
                "odd",
                "Odd & <ends>",
                (Paragraph("A < B & C > D"), table, Story("<h1>Not a heading</h1>", "x & y")),
            ),
        ),
        marking='OFFICIAL </style><script>alert("x")</script>',
        notes=("Note <u>one</u> & more",),
    )


def test_it_escapes_text_everywhere() -> None:
    report = _tricky()
    html = render_html(report)
    assert "<script" not in html
    assert "<b>" not in html
    assert "<i>" not in html
    assert "<sons>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    tree = parse(html)
    assert [h.text for h in tree.find_all("h1")] == ["Report <one> & two"]
    cells = [squash(c.text) for c in tree.find_all("tbody")[0].elements()][1:]
    assert cells == ["<script>alert(1)</script>", "9"]
    assert squash(tree.find_all("caption")[0].text) == "Fish & chips <b>bold</b>"
    assert "A < B & C > D" in [p.text for p in tree.find_all("p")]
    # The style sheet ends once, where the template ends it.
    assert html.count("</style>") == 1


def test_the_standalone_page_fetches_nothing(report: Report, page: Node) -> None:
    html = render_html(report)
    assert page.find_all("script") == []
    assert page.find_all("link") == []
    assert page.find_all("img") == []
    assert page.find_all("iframe") == []
    for element in page.elements():
        for name in ("src", "href", "srcset", "action", "data", "xlink:href", "poster"):
            value = element.attrs.get(name, "")
            assert value == "" or value.startswith("#"), f"<{element.tag} {name}={value!r}>"
    (style,) = re.findall(r"<style>(.*?)</style>", html, re.S)
    assert "@import" not in style
    urls = re.findall(r"url\(([^)]*)\)", html)
    assert urls  # the hatched bars use one: a pattern in the page itself
    assert [u for u in urls if not u.startswith("#")] == []


def test_the_body_has_no_page_around_it(body: Node, report: Report) -> None:
    html = render_body(report)
    assert "<html" not in html
    assert "<style" not in html
    assert "<h1" not in html
    assert body.find_all("nav") == []


def test_the_same_report_gives_the_same_page() -> None:
    assert render_html(sample_report()) == render_html(sample_report())


def test_a_report_without_notes_lists_no_notes() -> None:
    report = dataclasses.replace(sample_report(), notes=())
    tree = parse(render_html(report))
    assert "report-notes" not in {e.attrs.get("id") for e in tree.elements()}
    assert "#report-notes" not in [a.attrs["href"] for a in tree.find_all("nav")[0].find_all("a")]


def test_chart_ids_match_the_geometry(report: Report, body: Node) -> None:
    ids = {e.attrs["id"] for e in body.elements() if "id" in e.attrs}
    for section in report.sections:
        for block in section.blocks:
            if isinstance(block, Bars):
                assert f"{chart_id(block)}-title" in ids
                assert f"{chart_id(block)}-figure" in ids
