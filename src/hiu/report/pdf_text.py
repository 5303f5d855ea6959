"""Text for the PDF: what the built-in fonts can draw, and escaped for ReportLab's markup.

The PDF uses ReportLab's built-in Helvetica so that it renders the same on a machine with no
fonts installed. Helvetica is drawn through the Windows-1252 encoding: a character outside it
(the minus sign U+2212, "≥", "→") is drawn by ReportLab from a substitute font, and where
that has no glyph either, as a black box. Every piece of text on its way into the PDF passes through
:func:`printable`, the one place the substitutions are decided.
"""

from __future__ import annotations

import unicodedata
from xml.sax.saxutils import escape

ENCODING = "cp1252"

# Characters a report is likely to carry that Windows-1252 lacks, and what to print instead.
_SUBSTITUTES = {
    "\u2212": "-",  # minus sign
    "\u2010": "-",  # hyphen
    "\u2011": "-",  # non-breaking hyphen
    "\u2012": "-",  # figure dash
    "\u2015": "\u2014",  # horizontal bar
    "\u2264": "<=",
    "\u2265": ">=",
    "\u2260": "!=",
    "\u2248": "~",
    "\u2192": "->",
    "\u2190": "<-",
    "\u2009": " ",  # thin space
    "\u200a": " ",  # hair space
    "\u2002": " ",  # en space
    "\u2003": " ",  # em space
    "\u202f": "\u00a0",  # narrow no-break space (as in "15 %" in some locales)
    "\u2007": "\u00a0",  # figure space
    "\u200b": "",  # zero-width space
    "\u2032": "'",  # prime
    "\u2033": '"',  # double prime
    "\u2713": "Yes",  # check mark
    "\u2717": "No",  # ballot x
}


def _drawable(char: str) -> bool:
    if char in "\n\t":
        return True
    if unicodedata.category(char) == "Cc":
        return False
    try:
        char.encode(ENCODING)
    except UnicodeEncodeError:
        return False
    return True


def _substitute(char: str) -> str:
    if char in _SUBSTITUTES:
        return _SUBSTITUTES[char]
    # An accented letter outside Windows-1252 (Polish "ł" aside) loses its accent rather
    # than the whole letter: "ő" prints as "o".
    decomposed = "".join(
        part
        for part in unicodedata.normalize("NFKD", char)
        if not unicodedata.combining(part) and _drawable(part)
    )
    return decomposed or "?"


def printable(text: str) -> str:
    """``text`` with every character Helvetica cannot draw replaced by a near equivalent."""
    if all(_drawable(char) for char in text):
        return text
    return "".join(char if _drawable(char) else _substitute(char) for char in text)


def markup(text: str) -> str:
    """``text`` ready for a ReportLab ``Paragraph``: printable, and "&", "<", ">" escaped so
    that a title such as "A&E <draft>" is printed as written, not read as markup."""
    return escape(printable(text))
