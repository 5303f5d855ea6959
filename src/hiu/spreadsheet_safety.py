"""Keeping text from being run as a formula when a CSV file we write is opened in a spreadsheet.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is taken as a
formula by Excel and LibreOffice (CSV injection, OWASP). Text we write from imported data is
prefixed with ``'`` in that case, which spreadsheets show as the text itself.
"""

from __future__ import annotations

import re

import polars as pl

FORMULA_START = r"^[=+\-@\t\r]"


def escape_formula(column: pl.Expr) -> pl.Expr:
    text = column.cast(pl.String)
    return pl.when(text.str.contains(FORMULA_START)).then("'" + text).otherwise(text)


def escape_formula_text(text: str) -> str:
    """``text`` as ``escape_formula`` writes it: prefixed with ``'`` if it would start a formula."""
    return f"'{text}" if re.match(FORMULA_START, text) else text
