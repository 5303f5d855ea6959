"""Reading tables in pages the tests fetch: the responsive table's phone headings set aside."""

from __future__ import annotations

import re

_PHONE_HEADING = re.compile(
    r'<span class="nhsuk-table__heading" aria-hidden="true">[^<]*</span>'
    r'<div class="hiu-table-value">'
    r"(.*?)</div>(</t[dh]>)",
    re.S,
)


def without_phone_headings(html: str) -> str:
    """The page as a desktop shows its tables: each cell's heading for narrow screens
    (``hiu/tables.jinja``, aria-hidden and hidden on desktop) taken out, and the value
    unwrapped, so a cell reads ``<td class="..." role="cell">value</td>``."""
    return _PHONE_HEADING.sub(r"\1\2", html)
