"""A report's table as a ReportLab table for the PDF.

Cells show exactly their text (``[c]``, ``n/a``, ``-£12,345``); numeric columns are
right-aligned so that digits line up; the header row repeats on every page a table spans; a
total row is bold under a rule and never starts a page alone.

Column widths: a figure is never broken across lines, so a numeric column is at least as wide
as its widest figure, while headers and text cells may wrap at spaces. A table too wide for
the page at 9 point is set smaller, down to 6 point, before anything else gives way.
"""

from __future__ import annotations

import functools
from typing import Any

from reportlab.lib.colors import white
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph
from reportlab.platypus import Table as RLTable
from reportlab.platypus import TableStyle as RLTableStyle

from hiu.report.document import Table
from hiu.report.pdf_style import BOLD, FONT, PALE, RULE, TEXT, ZEBRA, paragraph_style
from hiu.report.pdf_text import markup, printable

SIZES = (9.0, 8.0, 7.0, 6.0)
PADDING = 4.0
# At 9 point, a numeric column's header wraps rather than widen the column past this.
HEADER_WRAP_AT = 70.0
# A text column is not squeezed narrower than this (or its longest word) to make room.
NARROWEST_TEXT = 60.0


@functools.cache
def cell_style(numeric: bool, bold: bool, size: float) -> Any:
    return paragraph_style(
        f"cell-{'number' if numeric else 'text'}-{'bold' if bold else 'plain'}-{size:g}",
        fontName=BOLD if bold else FONT,
        fontSize=size,
        leading=size + 2.5,
        alignment=TA_RIGHT if numeric else TA_LEFT,
    )


def _width(text: str, size: float) -> float:
    # Measured in bold, the wider face, so that a total row fits the same widths.
    return float(stringWidth(printable(text), BOLD, size))


def _longest_word(texts: list[str], size: float) -> float:
    return max((_width(word, size) for text in texts for word in text.split()), default=0.0)


def _bounds(table: Table, size: float) -> tuple[list[float], list[float]]:
    """Each column's narrowest acceptable width and the width it would like, at ``size``."""
    narrowest, preferred = [], []
    for index, column in enumerate(table.columns):
        texts = [row[index].text for row in table.rows]
        widest = max((_width(text, size) for text in texts), default=0.0)
        header_word = _longest_word([column.label], size)
        header_line = _width(column.label, size)
        if column.numeric:
            low = max(widest, header_word)
            wrap_at = HEADER_WRAP_AT * size / SIZES[0]
            high = max(widest, min(header_line, max(header_word, wrap_at)))
        else:
            low = max(header_word, _longest_word(texts, size), min(widest, NARROWEST_TEXT))
            high = max(low, widest, header_line)
        narrowest.append(low + 2 * PADDING + 1)
        preferred.append(high + 2 * PADDING + 1)
    return narrowest, preferred


def _fill(table: Table, narrowest: list[float], preferred: list[float], room: float) -> list[float]:
    spare = room - sum(narrowest)
    if spare < 0:
        # Even the smallest type does not fit: everything gives way in proportion.
        return [width * room / sum(narrowest) for width in narrowest]
    gaps = [high - low for low, high in zip(narrowest, preferred, strict=True)]
    if sum(gaps) >= spare:
        return [low + gap * spare / sum(gaps) for low, gap in zip(narrowest, gaps, strict=True)]
    # Every column as it would like; then the text columns widen, each up to half the page,
    # so that tables look alike without a figure being stranded far from its label.
    spare -= sum(gaps)
    growth = [
        max(0.0, room / 2 - width) if not column.numeric else 0.0
        for column, width in zip(table.columns, preferred, strict=True)
    ]
    share = min(1.0, spare / sum(growth)) if sum(growth) else 0.0
    return [width + grow * share for width, grow in zip(preferred, growth, strict=True)]


def layout(table: Table, room: float) -> tuple[float, list[float]]:
    """The type size for ``table`` and its column widths, to fit ``room`` points."""
    for size in SIZES:
        narrowest, preferred = _bounds(table, size)
        if sum(narrowest) <= room:
            break
    return size, _fill(table, narrowest, preferred, room)


def _style(table: Table) -> Any:
    commands: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("BACKGROUND", (0, 0), (-1, 0), PALE),
        ("LINEBELOW", (0, 0), (-1, 0), 1, TEXT),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [white, ZEBRA]),
        ("LINEBELOW", (0, -1), (-1, -1), 0.6, RULE),
    ]
    if table.has_total and table.rows:
        commands += [
            ("LINEABOVE", (0, -1), (-1, -1), 1, TEXT),
            # A total is never alone at the top of a page, away from what it adds up.
            ("NOSPLIT", (0, -2), (-1, -1)),
        ]
    return RLTableStyle(commands)


def pdf_table(table: Table, room: float, *, first_rows: int | None = None) -> Any:
    """``table`` as a ReportLab ``Table`` fitting ``room`` points across; with ``first_rows``,
    only its header and that many rows (to measure how much must fit for it to start on a
    page)."""
    size, widths = layout(table, room)
    header = [
        Paragraph(markup(column.label), cell_style(column.numeric, True, size))
        for column in table.columns
    ]
    rows = [header]
    shown = table.rows if first_rows is None else table.rows[:first_rows]
    for number, row in enumerate(shown, start=1):
        bold = table.has_total and number == len(table.rows)
        rows.append(
            [
                Paragraph(markup(cell.text), cell_style(column.numeric, bold, size))
                for cell, column in zip(row, table.columns, strict=True)
            ]
        )
    return RLTable(rows, colWidths=widths, repeatRows=1, hAlign="LEFT", style=_style(table))
