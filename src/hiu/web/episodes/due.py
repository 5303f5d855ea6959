"""Episode tasks: monthly holding checks, the end of holding, activity follow-ups, the end of a
time-limited support period, and relapse alerts waiting for someone to act."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from hiu.web.clients.due import Task
from hiu.web.clients.querysets import ClientQuerySet
from hiu.web.episodes.models import Episode, FollowUp, Pathway, RelapseAlert
from hiu.web.episodes.phases import Phase
from hiu.web.episodes.services import add_months, pathway_for

#: Tasks further ahead than this are not shown: a list of next year's follow-ups is noise.
HORIZON = dt.timedelta(days=14)


def tasks_due(clients: ClientQuerySet, today: dt.date) -> list[Task]:
    tasks: list[Task] = []
    horizon = today + HORIZON
    episodes = (
        Episode.objects.filter(client__in=clients, phase__in=[Phase.HOLDING, Phase.ENGAGED])
        .select_related("client__service")
        .prefetch_related("holding_checks")
    )
    pathways: dict[int, Pathway] = {}
    for episode in episodes:
        client = episode.client
        url = reverse("episodes:client", kwargs={"client_id": client.pk})
        # One pathway per service, not one query per episode.
        if client.service_id not in pathways:
            pathways[client.service_id] = pathway_for(client.service)
        pathway = pathways[client.service_id]
        if episode.phase == Phase.HOLDING and episode.holding_since is not None:
            checks = sorted(c.checked_on for c in episode.holding_checks.all())
            last = checks[-1] if checks else episode.holding_since
            ends = episode.holding_since + dt.timedelta(weeks=pathway.holding_weeks)
            next_check = add_months(last, 1)
            if next_check < ends and next_check <= horizon:
                tasks.append(
                    Task(
                        client.pk,
                        client.full_name,
                        "Monthly holding check",
                        next_check,
                        url,
                        "holding",
                    )
                )
            if ends <= horizon:
                tasks.append(
                    Task(
                        client.pk,
                        client.full_name,
                        "Holding ends: step down or re-engage",
                        ends,
                        url,
                        "holding",
                    )
                )
        if episode.phase == Phase.ENGAGED and pathway.support_weeks and episode.engaged_on:
            ends = episode.engaged_on + dt.timedelta(weeks=pathway.support_weeks)
            if ends <= horizon:
                tasks.append(
                    Task(client.pk, client.full_name, "Support period ends", ends, url, "episode")
                )
    follow_ups = FollowUp.objects.filter(
        episode__client__in=clients, done_on__isnull=True, due_on__lte=horizon
    ).select_related("episode__client")
    for follow_up in follow_ups:
        client = follow_up.episode.client
        url = reverse("episodes:client", kwargs={"client_id": client.pk})
        what = f"{follow_up.months}-month activity follow-up"
        tasks.append(Task(client.pk, client.full_name, what, follow_up.due_on, url, "follow_up"))
    alerts = RelapseAlert.objects.filter(client__in=clients, resolved_at__isnull=True)
    for alert in alerts.select_related("client"):
        url = reverse("episodes:client", kwargs={"client_id": alert.client_id})
        what = f"Relapse alert: {alert.get_reason_display().lower()}"
        tasks.append(
            Task(
                alert.client_id,
                alert.client.full_name,
                what,
                alert.raised_at.date(),
                url,
                "relapse",
            )
        )
    return tasks
