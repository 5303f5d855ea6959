"""The client summary's sections from other apps: where plans, interventions, consent and the
rest put a short summary of their part of the record on the summary page.

Each app that has one adds its module to ``SOURCES``; the module has
``summary_section(client, today) -> SummarySection | None`` (None: nothing to show). The
summary page shows them in this order, after the open episode and before "Who viewed this
record". Like ``due.py``, the summary page never asks the apps one by one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hiu.web.clients.models import Client


@dataclass(frozen=True)
class SummaryRow:
    key: str
    value: str


@dataclass(frozen=True)
class SummarySection:
    title: str
    rows: list[SummaryRow] = field(default_factory=list)
    # Where the whole of this part of the record is: a URL and the link's text.
    link_url: str = ""
    link_text: str = ""


SectionSource = Callable[["Client", dt.date], SummarySection | None]

#: Dotted module paths, in the order the summary shows them, e.g. "hiu.web.plans.summary".
SOURCES: tuple[str, ...] = (
    "hiu.web.diary.summary",
    "hiu.web.outcomes.summary",
    "hiu.web.meetings.summary",
)


def sections_for(client: Client, today: dt.date) -> list[SummarySection]:
    sections = []
    for module in SOURCES:
        source: SectionSource = import_module(module).summary_section
        section = source(client, today)
        if section is not None:
            sections.append(section)
    return sections
