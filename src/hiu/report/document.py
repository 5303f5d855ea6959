"""A report's content as plain data, apart from how it is drawn.

The measures (``hiu.report.measures``) build a :class:`Report`; each output format
(``render_html``, ``render_pdf``, ``render_xlsx``) draws the same object, so the figures
cannot differ between them: every cell is a :class:`hiu.disclosure.Shown`, already through
disclosure control, with its published value and its text decided once.

A chart is drawn from a table of the report (:class:`Bars` names the table and the columns),
never from numbers of its own: what a chart shows is always in a table beside it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from hiu.disclosure import Shown
from hiu.report.period import Period


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Column:
    label: str
    # Numeric columns are right-aligned; the first column is usually a row label.
    numeric: bool = True


@dataclass(frozen=True)
class Table:
    """One table; in the workbook, one sheet named by ``sheet`` (at most 31 characters)."""

    sheet: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Shown, ...], ...]
    # What the figures count, in a sentence or two; the full definition is in docs/reporting.md.
    definition: str = ""
    # The last row is a total (drawn bold, kept apart).
    has_total: bool = False

    def __post_init__(self) -> None:
        if not 0 < len(self.sheet) <= 31 or any(c in self.sheet for c in "[]:*?/\\"):
            raise ValueError(f"{self.sheet!r} cannot name a worksheet.")
        for number, row in enumerate(self.rows, start=1):
            if len(row) != len(self.columns):
                raise ValueError(
                    f"Table {self.sheet}: row {number} has {len(row)} cells "
                    f"for {len(self.columns)} columns."
                )


@dataclass(frozen=True)
class Bars:
    """A bar chart of a table in the same report: one group of bars per row (labelled by the
    row's first cell), one bar per column named in ``series``; a suppressed or missing cell
    draws no bar and is labelled with its text."""

    table: str  # the ``sheet`` of the table drawn
    series: tuple[int, ...]  # column indexes
    title: str
    axis_label: str
    # Rows left out of the chart (a total row, say): their first cells' texts.
    leave_out: tuple[str, ...] = ()
    # (first cell's text, a shorter label under its bars) where the row's own would not fit;
    # the chart's text description and the table keep the full text.
    short_labels: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Story:
    """A case study the team marked shareable, with the client's consent to share recorded."""

    title: str
    text: str


Block = Paragraph | Table | Bars | Story


@dataclass(frozen=True)
class Section:
    key: str  # an anchor: lower case letters and hyphens
    title: str
    blocks: tuple[Block, ...]

    def tables(self) -> Iterator[Table]:
        return (block for block in self.blocks if isinstance(block, Table))


@dataclass(frozen=True)
class Report:
    title: str
    service: str
    period: Period
    generated_on: dt.date
    sections: tuple[Section, ...]
    # Printed on every page and at the top: what may be done with the report.
    marking: str = "OFFICIAL: no identifiable data; numbers from 1 to 7 shown as [c]"
    notes: tuple[str, ...] = field(default_factory=tuple)

    def tables(self) -> list[Table]:
        return [table for section in self.sections for table in section.tables()]

    def table(self, sheet: str) -> Table:
        for table in self.tables():
            if table.sheet == sheet:
                return table
        raise KeyError(sheet)

    def __post_init__(self) -> None:
        sheets = [table.sheet for table in self.tables()]
        repeated = {sheet for sheet in sheets if sheets.count(sheet) > 1}
        if repeated:
            raise ValueError(f"Two tables share a sheet name: {', '.join(sorted(repeated))}.")
        known = set(sheets)
        for section in self.sections:
            for block in section.blocks:
                if isinstance(block, Bars) and block.table not in known:
                    raise ValueError(f"A chart draws table {block.table!r}, which is not here.")
