"""Tasks this app puts on workers' lists (see ``hiu.web.clients.due``).

- "Planned sessions reached: review": an intervention not ended whose attended sessions reached
  its planned number (or, with no planned number, its most), due the day of that session.
- "Referred 28 days ago and not started": a referral 28 days old or more with no start, due
  on its 28th day. The words do not count the days since: a task's words are part of its
  identity (``hiu.web.clients.models.WorkerTask``), so they must not change from day to day.

Only while the client's episode is active (screening, contacting, engaged, holding): stepping
down or closing ends every intervention review.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Q

from hiu.web.clients.due import Task, full_name, link_to
from hiu.web.clients.querysets import ClientQuerySet
from hiu.web.episodes.phases import ACTIVE
from hiu.web.interventions.models import Intervention, InterventionSession, SessionStatus

#: A referral this old with no start needs chasing.
NOT_STARTED_AFTER = dt.timedelta(days=28)


def tasks_due(clients: ClientQuerySet, today: dt.date) -> list[Task]:
    tasks: list[Task] = []
    interventions = (
        Intervention.objects.filter(client__in=clients, ended_on__isnull=True)
        # A client has at most one episode that is not closed, so this join adds no rows.
        .filter(client__episodes__phase__in=sorted(ACTIVE))
        .filter(
            Q(planned_sessions__isnull=False)
            | Q(max_sessions__isnull=False)
            | Q(started_on__isnull=True, referred_on__lte=today - NOT_STARTED_AFTER)
        )
        .values_list(
            "id",
            "client_id",
            "client__given_name",
            "client__family_name",
            "type__name",
            "planned_sessions",
            "max_sessions",
            "started_on",
            "referred_on",
        )
    )
    rows = list(interventions)
    # The attended sessions' days of the interventions that have a number to review at.
    reviewed = [row[0] for row in rows if row[5] or row[6]]
    attended: dict[int, list[dt.date]] = defaultdict(list)
    for intervention_id, on in (
        InterventionSession.objects.filter(
            intervention_id__in=reviewed, status=SessionStatus.ATTENDED
        )
        .order_by("intervention_id", "on")
        .values_list("intervention_id", "on")
    ):
        attended[intervention_id].append(on)
    link = link_to("interventions:detail", "intervention_id")
    for row in rows:
        intervention_id, client_id, given, family, name = row[:5]
        planned_sessions, max_sessions, started_on, referred_on = row[5:]
        url = link(intervention_id)
        review_at = planned_sessions or max_sessions
        if review_at:
            days = attended[intervention_id]
            if len(days) >= review_at:
                tasks.append(
                    Task(
                        client_id,
                        full_name(given, family),
                        f"Planned sessions reached: review ({name})",
                        days[review_at - 1],
                        url,
                        "intervention",
                    )
                )
        if started_on is None and referred_on + NOT_STARTED_AFTER <= today:
            tasks.append(
                Task(
                    client_id,
                    full_name(given, family),
                    f"Referred {NOT_STARTED_AFTER.days} days ago and not started ({name})",
                    referred_on + NOT_STARTED_AFTER,
                    url,
                    "intervention",
                )
            )
    return tasks
