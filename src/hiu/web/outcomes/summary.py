"""The client summary's "Outcome measures" section (``clients.summaries.SOURCES``): each
instrument's latest score and the change since the first, and goal progress."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from hiu.outcomes import INSTRUMENTS
from hiu.web.clients.models import Client
from hiu.web.clients.summaries import SummaryRow, SummarySection
from hiu.web.formatting import format_date
from hiu.web.outcomes.goals import goal_histories
from hiu.web.outcomes.history import by_instrument, first_and_latest
from hiu.web.outcomes.presenters import record_score
from hiu.web.outcomes.querysets import goal_ratings_of, records_of


def summary_section(client: Client, today: dt.date) -> SummarySection | None:
    grouped = by_instrument(records_of(client))
    histories = goal_histories(goal_ratings_of(client))
    if not grouped and not histories:
        return None
    rows = []
    for code, records in grouped.items():
        instrument = INSTRUMENTS[code]
        latest = records[-1]
        text = f"{record_score(latest)} on {format_date(latest.completed_on)}"
        pair = first_and_latest(instrument, records)
        if pair is not None:
            text += (
                f" — {pair.change.description.lower()} since {format_date(pair.first.completed_on)}"
            )
        rows.append(SummaryRow(instrument.name, text))
    if histories:
        compared = [h for h in histories if h.progress is not None]
        progressed = sum(1 for h in compared if h.progress is not None and h.progress.progressed)
        goals = "goal" if len(histories) == 1 else "goals"
        text = f"{len(histories)} {goals} rated"
        if compared:
            text += f"; {progressed} of {len(compared)} rated more than once have progressed"
        rows.append(SummaryRow("Goals", text))
    return SummarySection(
        title="Outcome measures",
        rows=rows,
        link_url=reverse("outcomes:client", kwargs={"client_id": client.pk}),
        link_text="All outcome measures",
    )
