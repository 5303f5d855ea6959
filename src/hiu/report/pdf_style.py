"""The PDF's fonts and colours, shared by its pages, tables and charts.

Fonts are ReportLab's built-in Helvetica, which every PDF reader has, so the PDF needs no font
files on the machine that draws it. Colours are the NHS identity's: blue for headings, the
dark grey for text, the pale greys for rules and table shading.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.colors import HexColor
from reportlab.lib.styles import ParagraphStyle

FONT, BOLD = "Helvetica", "Helvetica-Bold"

NHS_BLUE = HexColor("#005eb8")
TEXT = HexColor("#212b32")
MUTED = HexColor("#4c6272")
RULE = HexColor("#aeb7bd")
GRID = HexColor("#d8dde0")
PALE = HexColor("#e8edee")
ZEBRA = HexColor("#f4f6f7")


def paragraph_style(name: str, **settings: Any) -> Any:
    """A paragraph style in the report's text colour; one with a ``parent`` takes what it
    does not set from the parent, one without starts from 10 point Helvetica."""
    base: dict[str, Any] = (
        {} if "parent" in settings else {"fontName": FONT, "fontSize": 10, "leading": 14}
    )
    return ParagraphStyle(name, **({"textColor": TEXT} | base | settings))
