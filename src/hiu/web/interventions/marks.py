"""Marks for the client's activity chart: when each intervention started (other apps call
``intervention_marks``)."""

from __future__ import annotations

import datetime as dt

from hiu.web.clients.models import Client
from hiu.web.interventions.models import Intervention


def intervention_marks(client: Client) -> list[tuple[dt.date, str]]:
    """(start date, label) for each of the client's interventions that has started, in date
    order, across all their episodes. The label is the catalogue name, e.g.
    "Psychological therapy started"."""
    started = (
        Intervention.objects.filter(client=client, started_on__isnull=False)
        .select_related("type")
        .order_by("started_on", "id")
    )
    return [(i.started_on, f"{i.type.name} started") for i in started if i.started_on]
