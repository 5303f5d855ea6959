"""The client summary's line about the diary (``hiu.web.clients.summaries``): the next booking,
and where to book one."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from hiu.web.clients.models import Client
from hiu.web.clients.summaries import SummaryRow, SummarySection
from hiu.web.diary.presenters import next_booking_line


def summary_section(client: Client, today: dt.date) -> SummarySection | None:
    line = next_booking_line(client, timezone.now())
    return SummarySection(
        "Diary",
        rows=[SummaryRow("Next booking", line or "Nothing booked")],
        link_url=reverse("diary:client", args=[client.pk]),
        link_text="Every booking, and book a visit, call or appointment",
    )
