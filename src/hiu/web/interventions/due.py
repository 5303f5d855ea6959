"""Tasks this app puts on workers' lists (see ``hiu.web.clients.due``).

- "Planned sessions reached: review": an intervention not ended whose attended sessions reached
  its planned number (or, with no planned number, its most), due the day of that session.
- "Referred N days ago and not started": a referral 28 days old or more with no start, due on
  its 28th day.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.urls import reverse

from hiu.web.clients.due import Task
from hiu.web.clients.querysets import ClientQuerySet
from hiu.web.interventions.models import Intervention, SessionStatus

#: A referral this old with no start needs chasing.
NOT_STARTED_AFTER = dt.timedelta(days=28)


def tasks_due(clients: ClientQuerySet, today: dt.date) -> list[Task]:
    tasks: list[Task] = []
    interventions = (
        Intervention.objects.filter(client__in=clients, ended_on__isnull=True)
        .filter(
            Q(planned_sessions__isnull=False)
            | Q(max_sessions__isnull=False)
            | Q(started_on__isnull=True, referred_on__lte=today - NOT_STARTED_AFTER)
        )
        .select_related("client", "type")
        .prefetch_related("sessions")
    )
    for intervention in interventions:
        client = intervention.client
        url = reverse("interventions:detail", kwargs={"intervention_id": intervention.pk})
        name = intervention.type.name
        review_at = intervention.planned_sessions or intervention.max_sessions
        if review_at:
            attended = sorted(
                s.on for s in intervention.sessions.all() if s.status == SessionStatus.ATTENDED
            )
            if len(attended) >= review_at:
                tasks.append(
                    Task(
                        client.pk,
                        client.full_name,
                        f"Planned sessions reached: review ({name})",
                        attended[review_at - 1],
                        url,
                        "intervention",
                    )
                )
        if intervention.started_on is None:
            days = (today - intervention.referred_on).days
            if intervention.referred_on + NOT_STARTED_AFTER <= today:
                tasks.append(
                    Task(
                        client.pk,
                        client.full_name,
                        f"Referred {days} days ago and not started ({name})",
                        intervention.referred_on + NOT_STARTED_AFTER,
                        url,
                        "intervention",
                    )
                )
    return tasks
