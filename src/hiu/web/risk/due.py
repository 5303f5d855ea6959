"""The review task of each open risk alert (see ``hiu.web.clients.due``): "Review risk and the
crisis plan", due the day the risk answer was recorded, until the review is recorded. One query,
whatever the caseload."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from hiu.web.clients.due import Task, full_name
from hiu.web.clients.querysets import ClientQuerySet
from hiu.web.risk.models import RiskAlert
from hiu.web.risk.services import REVIEW_TASK


def tasks_due(clients: ClientQuerySet, today: dt.date) -> list[Task]:
    rows = RiskAlert.objects.filter(client__in=clients, reviewed_at__isnull=True).values_list(
        "pk", "client_id", "client__given_name", "client__family_name", "raised_on"
    )
    return [
        Task(
            client_id,
            full_name(given, family),
            REVIEW_TASK,
            raised_on,
            reverse("risk:review", kwargs={"client_id": client_id, "alert_id": pk}),
            "risk",
        )
        for pk, client_id, given, family, raised_on in rows
    ]
