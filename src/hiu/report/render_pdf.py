"""The report as a print-ready A4 PDF, drawn with ReportLab (pure Python, no browser, no fonts).

What a commissioner prints and files: a title block and contents with page numbers on the
first page, then each section with its tables (header row repeated across pages, numeric
columns right-aligned, the total row bold under a rule), charts drawn from their tables,
case studies, and the notes. Every page carries the report's marking and "Page N of M"; the
PDF's outline lists the sections.

Page numbers come from more than one pass (``multiBuild``): the contents and the "of M" in the
footer are drawn from the previous pass's figures, and passes repeat until both stop changing.

The same :class:`Report` always gives the same bytes: ReportLab's invariant mode fixes the
file's identifier, and its dates are the day the report was produced, not the time of drawing.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
)
from reportlab.platypus.flowables import Flowable
from reportlab.platypus.tableofcontents import TableOfContents

from hiu.disclosure import SUPPRESSED
from hiu.report.document import Bars, Block, Report, Section, Story, Table
from hiu.report.document import Paragraph as TextBlock
from hiu.report.pdf_chart import chart_drawing
from hiu.report.pdf_style import BOLD, FONT, MUTED, NHS_BLUE, RULE, TEXT, paragraph_style
from hiu.report.pdf_table import pdf_table
from hiu.report.pdf_text import markup, printable

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_SIDE = 20 * mm
MARGIN_TOP = 22 * mm
MARGIN_BOTTOM = 24 * mm
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN_SIDE

SUPPRESSED_NOTE = f"{SUPPRESSED}: a number from 1 to 7, not shown to protect confidentiality."


BODY = paragraph_style("body", spaceAfter=6)
TITLE = paragraph_style(
    "title", fontName=BOLD, fontSize=24, leading=29, textColor=NHS_BLUE, spaceAfter=10
)
SUBTITLE = paragraph_style("subtitle", fontSize=14, leading=19, spaceAfter=2)
PRODUCED = paragraph_style("produced", textColor=MUTED, spaceBefore=4, spaceAfter=18)
MARKING = paragraph_style(
    "marking",
    fontName=BOLD,
    fontSize=9,
    leading=12,
    borderWidth=0.8,
    borderColor=TEXT,
    borderPadding=5,
    # The box's edges, not its text, line up with the margins.
    leftIndent=5,
    rightIndent=5,
    spaceBefore=5,
    spaceAfter=22,
)
HEADING = paragraph_style(
    "heading",
    fontName=BOLD,
    fontSize=16,
    leading=20,
    textColor=NHS_BLUE,
    spaceBefore=14,
    spaceAfter=5,
)
CAPTION = paragraph_style(
    "caption", fontName=BOLD, fontSize=11, leading=14, spaceBefore=10, spaceAfter=3
)
DEFINITION = paragraph_style("definition", fontSize=8.5, leading=11, textColor=MUTED, spaceAfter=5)
CONTENTS_ENTRY = paragraph_style("contents", fontSize=11, leading=20)
NOTE = paragraph_style("note", leftIndent=12, bulletIndent=0, spaceAfter=4)
FURNITURE = paragraph_style("furniture", fontSize=8, leading=10, textColor=MUTED)

_BLANK_LINE = re.compile(r"\n\s*\n")


def _shortened(text: str, room: float) -> str:
    """``text`` cut at a word, with an ellipsis, to fit ``room`` points in 8 point type:
    the running header is one line."""
    words = text.split()
    while len(words) > 1 and stringWidth(" ".join(words), FONT, 8) > room:
        words = words[:-1]
        if not words[-1].endswith("\u2026"):
            words[-1] = words[-1].rstrip(",:;") + "\u2026"
    return " ".join(words)


def _day(report: Report) -> str:
    day = report.generated_on
    return f"{day.day} {day:%B %Y}"


# Page furniture and passes ------------------------------------------------------------------


class _PageTotal(Flowable):  # type: ignore[misc]  # ReportLab has no type information
    """Takes no room; it counts the pages of each pass so that the footer can say "of M",
    and asks for another pass while the count is still changing."""

    def __init__(self) -> None:
        super().__init__()
        self.previous = 0  # the page count of the pass before this one
        self.current = 0

    def isIndexing(self) -> int:
        return 1

    def beforeBuild(self) -> None:
        self.previous, self.current = self.current, 0

    def afterBuild(self) -> None:
        pass

    def isSatisfied(self) -> bool:
        return self.previous == self.current

    def notify(self, kind: str, stuff: Any) -> None:
        if kind == "PageTotal":
            self.current = int(stuff)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0.0, 0.0

    def draw(self) -> None:
        pass


class _Document(BaseDocTemplate):  # type: ignore[misc]  # ReportLab has no type information
    def __init__(self, out: io.BytesIO, report: Report, pages: _PageTotal) -> None:
        self.report = report
        self.pages = pages
        super().__init__(
            out,
            pagesize=A4,
            leftMargin=MARGIN_SIDE,
            rightMargin=MARGIN_SIDE,
            topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM,
            title=f"{report.title}: {report.period.label}",
            author="hiu",
            creator="hiu",
            subject=f"{report.service}, {report.period.label} ({report.period.key})",
            invariant=1,
            lang="en-GB",
            displayDocTitle=1,
        )
        frame = Frame(
            MARGIN_SIDE,
            MARGIN_BOTTOM,
            FRAME_WIDTH,
            PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id="body",
        )
        self.addPageTemplates([PageTemplate("page", [frame], onPage=self._furniture)])

    def afterFlowable(self, flowable: Any) -> None:
        """A section heading has just been drawn: note its page for the contents, and mark
        it for the PDF's outline."""
        outline: tuple[str, str] | None = getattr(flowable, "hiu_outline", None)
        if outline is None:
            return
        key, title = outline
        self.notify("TOCEntry", (0, markup(title), self.page, key))
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(title, key, level=0)

    def afterPage(self) -> None:
        self.notify("PageTotal", self.page)

    def _furniture(self, canvas: Any, document: Any) -> None:
        """The footer on every page, and a running header after the first."""
        report = self.report
        day = report.generated_on
        # The file's dates are the day the report was produced, so that redrawing it later
        # gives the same bytes.
        canvas.setDateFormatter(lambda *_: f"D:{day:%Y%m%d}000000+00'00'")
        canvas.showOutline()
        canvas.saveState()
        number = canvas.getPageNumber()

        footer_y = MARGIN_BOTTOM - 9 * mm
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.6)
        canvas.line(MARGIN_SIDE, footer_y + 11, PAGE_WIDTH - MARGIN_SIDE, footer_y + 11)
        page_text = f"Page {number} of {self.pages.previous or '?'}"
        canvas.setFont(BOLD, 8)
        canvas.setFillColor(TEXT)
        canvas.drawRightString(PAGE_WIDTH - MARGIN_SIDE, footer_y, page_text)
        marking = Paragraph(markup(report.marking), FURNITURE)
        _, height = marking.wrap(FRAME_WIDTH - 80, MARGIN_BOTTOM)
        marking.drawOn(canvas, MARGIN_SIDE, footer_y + 8 - height)

        if number > 1:
            header_y = PAGE_HEIGHT - MARGIN_TOP + 8 * mm
            when = printable(f"{report.period.label} ({report.period.key})")
            canvas.setFont(FONT, 8)
            canvas.setFillColor(MUTED)
            canvas.drawRightString(PAGE_WIDTH - MARGIN_SIDE, header_y, when)
            room = FRAME_WIDTH - stringWidth(when, FONT, 8) - 12
            running = _shortened(printable(f"{report.title}: {report.service}"), room)
            canvas.drawString(MARGIN_SIDE, header_y, running)
            canvas.line(MARGIN_SIDE, header_y - 4, PAGE_WIDTH - MARGIN_SIDE, header_y - 4)
        canvas.restoreState()


# Blocks -------------------------------------------------------------------------------------

# A table starts on a page only if its caption, header and this many rows fit there.
LEAD_ROWS = 3
# A paragraph, likewise, if this much of it fits (three lines).
LEAD_TEXT = 3 * 14.0


@dataclass(frozen=True)
class _Drawn:
    """A block's flowables, and ``lead``: how much of it must fit at the foot of a page for it
    to start there rather than on the next (a table's caption, header and first rows; a chart
    whole). ReportLab's ``keepWithNext`` would move a long table's caption and all to a new
    page even when most of a page is free; a conditional page break before it does not."""

    flowables: list[Any]
    lead: float


def _height(flowables: list[Any]) -> float:
    total = 0.0
    for flowable in flowables:
        _, height = flowable.wrap(FRAME_WIDTH, PAGE_HEIGHT)
        total += height + flowable.getSpaceBefore() + flowable.getSpaceAfter()
    return total


def _led(flowables: list[Any], lead: float) -> _Drawn:
    return _Drawn([CondPageBreak(lead), *flowables], lead)


def _paragraphs(text: str, style: Any = BODY) -> list[Any]:
    """One ``Paragraph`` per block of text between blank lines."""
    return [Paragraph(markup(part.strip()), style) for part in _BLANK_LINE.split(text.strip())]


def _text(text: str) -> _Drawn:
    paragraphs = _paragraphs(text)
    return _led(paragraphs, min(_height(paragraphs[:1]), LEAD_TEXT))


def _table(table: Table) -> _Drawn:
    caption = [Paragraph(markup(table.title), CAPTION)]
    if table.definition:
        caption.append(Paragraph(markup(table.definition), DEFINITION))
    first_rows = pdf_table(table, FRAME_WIDTH, first_rows=LEAD_ROWS)
    drawn = pdf_table(table, FRAME_WIDTH)
    return _led([*caption, drawn, Spacer(1, 6)], _height([*caption, first_rows]))


def _chart(report: Report, bars: Bars) -> _Drawn:
    title = Paragraph(markup(bars.title), CAPTION)
    drawing = chart_drawing(report, bars, FRAME_WIDTH)
    # The title and its chart stay together on one page.
    return _Drawn([KeepTogether([title, drawing, Spacer(1, 8)])], _height([title, drawing]))


def _story(story: Story) -> _Drawn:
    title = Paragraph(markup(story.title), CAPTION)
    paragraphs = _paragraphs(story.text)
    return _led([title, *paragraphs], _height([title]) + min(_height(paragraphs[:1]), LEAD_TEXT))


def _block(report: Report, block: Block) -> _Drawn:
    if isinstance(block, TextBlock):
        return _text(block.text)
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Bars):
        return _chart(report, block)
    return _story(block)


def _headed(title: str, key: str, blocks: list[_Drawn]) -> list[Any]:
    """A heading, with room below it for the start of what follows, so that it is never
    left alone at the foot of a page; the heading is a contents entry and a bookmark."""
    heading = Paragraph(markup(title), HEADING)
    heading.hiu_outline = (key, title)
    lead = _height([heading]) + (blocks[0].lead if blocks else 0.0)
    flowables: list[Any] = [CondPageBreak(lead), heading]
    for block in blocks:
        flowables += block.flowables
    return flowables


def _section(report: Report, section: Section) -> list[Any]:
    return _headed(section.title, section.key, [_block(report, b) for b in section.blocks])


def _notes(report: Report) -> list[Any]:
    notes = list(report.notes)
    if not any(SUPPRESSED in note for note in notes):
        notes.append(SUPPRESSED_NOTE)
    bullets = [Paragraph(markup(note), NOTE, bulletText="\u2022") for note in notes]
    # A section's key is lower case letters and hyphens: this one cannot be a section's.
    return _headed("Notes", "hiu_notes", [_led(bullets, _height(bullets[:1]))])


def _cover(report: Report) -> list[Any]:
    period = report.period
    contents = TableOfContents(levelStyles=[CONTENTS_ENTRY], dotsMinLevel=0)
    return [
        Paragraph(markup(report.marking), MARKING),
        Paragraph(markup(report.title), TITLE),
        Paragraph(markup(report.service), SUBTITLE),
        Paragraph(markup(f"{period.label} ({period.key})"), SUBTITLE),
        Paragraph(markup(f"Produced on {_day(report)}"), PRODUCED),
        Paragraph("Contents", HEADING),
        contents,
        PageBreak(),
    ]


def render_pdf(report: Report) -> bytes:
    """The report as A4 PDF bytes; the same report always gives the same bytes."""
    out = io.BytesIO()
    pages = _PageTotal()
    document = _Document(out, report, pages)
    story: list[Any] = [pages, *_cover(report)]
    for section in report.sections:
        story += _section(report, section)
    story += _notes(report)
    document.multiBuild(story)
    return out.getvalue()
