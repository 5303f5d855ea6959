"""The service report as HTML: the sections for the web app's page, or one self-contained page.

Both draw the same :class:`~hiu.report.document.Report`, and every table cell and chart label
is its figure's ``Shown.text``, so the page, the PDF and the workbook cannot disagree. The
standalone page has inline CSS and inline SVG and nothing else: no scripts, fonts or images are
fetched, so it opens anywhere, can be emailed and prints on A4 with the marking and page
numbers on every page.

Charts reuse the evaluation report's ``bar_chart`` macro (``hiu/evaluate/templates``, reached
here under the ``evaluate/`` prefix) with geometry from :func:`hiu.report.charts.bar_geometry`,
so a report chart looks like an evaluation chart and is drawn by one piece of markup.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader, StrictUndefined
from markupsafe import Markup

from hiu.report.charts import bar_geometry, chart_id
from hiu.report.document import Bars, Paragraph, Report, Story, Table

_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def paragraphs(text: str) -> list[str]:
    """A story's paragraphs: the text split on blank lines, empty ones dropped."""
    return [part.strip() for part in _BLANK_LINE.split(text.strip()) if part.strip()]


def css_string(text: str) -> Markup:
    """``text`` as a quoted CSS string. Every character but a letter, digit or space is
    written as a hex escape, so nothing in it (a quote, ``</style>``) can end the string or
    the style sheet, whatever the marking says."""
    # The space after each escape ends it (CSS takes one whitespace there as part of the
    # escape), so the next character, a real space included, is read as itself.
    escaped = "".join(
        char if char.isascii() and (char.isalnum() or char == " ") else f"\\{ord(char):06x} "
        for char in text
    )
    return Markup(f'"{escaped}"')  # noqa: S704 - every character outside [A-Za-z0-9 ] is escaped


def long_date(day: dt.date) -> str:
    """15 October 2026: the day without a leading zero, as people write it."""
    return f"{day.day} {day:%B %Y}"


def table_id(table: Table) -> str:
    return "table-" + re.sub(r"[^a-z0-9]+", "-", table.sheet.lower()).strip("-")


def _environment() -> Environment:
    env = Environment(
        loader=ChoiceLoader(
            [
                PackageLoader("hiu.report", "templates"),
                PrefixLoader({"evaluate": PackageLoader("hiu.evaluate", "templates")}),
            ]
        ),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(paragraphs=paragraphs, css_string=css_string, long_date=long_date)
    env.globals.update(table_id=table_id, chart_id=chart_id)
    env.tests.update(
        paragraph=lambda block: isinstance(block, Paragraph),
        table=lambda block: isinstance(block, Table),
        bars=lambda block: isinstance(block, Bars),
        story=lambda block: isinstance(block, Story),
    )
    return env


_ENV = _environment()


def _context(report: Report) -> dict[str, Any]:
    return {
        "report": report,
        # Worked out when the template asks, once per chart: the geometry needs the report.
        "chart": lambda bars: bar_geometry(report, bars),
    }


def render_body(report: Report) -> str:
    """The report's sections (each under an ``<h2>``) and its notes, without the page around
    them: the web app puts them inside its NHS.UK page, whose classes they use."""
    return _ENV.get_template("body.jinja").render(**_context(report))


def render_html(report: Report) -> str:
    """The whole report as one self-contained HTML document."""
    return _ENV.get_template("report.html.jinja").render(**_context(report))


__all__ = ["css_string", "paragraphs", "render_body", "render_html", "table_id"]
