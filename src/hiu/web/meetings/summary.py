"""The client summary's line about team meetings (``hiu.web.clients.summaries``): how often the
team discussed the client, and when last. Nothing when they never were."""

from __future__ import annotations

import datetime as dt

from hiu.web.clients.models import Client
from hiu.web.clients.summaries import SummaryRow, SummarySection
from hiu.web.meetings.presenters import discussed_line


def summary_section(client: Client, today: dt.date) -> SummarySection | None:
    line = discussed_line(client)
    if not line:
        return None
    return SummarySection("Team meetings", rows=[SummaryRow("Discussed", line)])
