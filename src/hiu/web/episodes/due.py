"""Episode tasks: monthly holding checks, the end of holding, activity follow-ups, the end of a
time-limited support period, and relapse alerts waiting for someone to act.

Closing the episode ends them all: follow-ups and relapse alerts of a closed episode are not
tasks (a relapse after closing raises a new alert on the new episode's terms)."""

from __future__ import annotations

import datetime as dt

from django.db.models import OuterRef, Subquery

from hiu.web.clients.due import Task, full_name, link_to, pathways_by_service
from hiu.web.clients.querysets import ClientQuerySet
from hiu.web.episodes.models import Episode, FollowUp, HoldingCheck, RelapseAlert
from hiu.web.episodes.phases import Phase
from hiu.web.episodes.services import add_months

#: Tasks further ahead than this are not shown: a list of next year's follow-ups is noise.
HORIZON = dt.timedelta(days=14)


def tasks_due(clients: ClientQuerySet, today: dt.date) -> list[Task]:
    tasks: list[Task] = []
    horizon = today + HORIZON
    link = link_to("episodes:client", "client_id")
    last_check = (
        HoldingCheck.objects.filter(episode_id=OuterRef("pk"))
        .order_by("-checked_on")
        .values("checked_on")[:1]
    )
    episodes = list(
        Episode.objects.filter(client__in=clients, phase__in=[Phase.HOLDING, Phase.ENGAGED])
        .annotate(last_check=Subquery(last_check))
        .values_list(
            "client_id",
            "client__given_name",
            "client__family_name",
            "client__service_id",
            "client__service__pathway__holding_weeks",
            "client__service__pathway__support_weeks",
            "phase",
            "holding_since",
            "engaged_on",
            "last_check",
        )
    )
    # The service's pathway came with the rows; one is made only if the service has none yet.
    missing = {row[3] for row in episodes if row[4] is None}
    made = pathways_by_service(missing) if missing else {}
    for row in episodes:
        client_id, given, family, service_id, holding_weeks, support_weeks = row[:6]
        phase, holding_since, engaged_on, checked = row[6:]
        if holding_weeks is None:
            holding_weeks = made[service_id].holding_weeks
            support_weeks = made[service_id].support_weeks
        name = full_name(given, family)
        url = link(client_id)
        if phase == Phase.HOLDING and holding_since is not None:
            last = checked if checked is not None else holding_since
            ends = holding_since + dt.timedelta(weeks=holding_weeks)
            next_check = add_months(last, 1)
            if next_check < ends and next_check <= horizon:
                tasks.append(
                    Task(client_id, name, "Monthly holding check", next_check, url, "holding")
                )
            if ends <= horizon:
                tasks.append(
                    Task(
                        client_id,
                        name,
                        "Holding ends: step down or re-engage",
                        ends,
                        url,
                        "holding",
                    )
                )
        if phase == Phase.ENGAGED and support_weeks and engaged_on:
            ends = engaged_on + dt.timedelta(weeks=support_weeks)
            if ends <= horizon:
                tasks.append(Task(client_id, name, "Support period ends", ends, url, "episode"))
    follow_ups = (
        FollowUp.objects.filter(
            episode__client__in=clients, done_on__isnull=True, due_on__lte=horizon
        )
        .exclude(episode__phase=Phase.CLOSED)
        .values_list(
            "episode__client_id",
            "episode__client__given_name",
            "episode__client__family_name",
            "months",
            "due_on",
        )
    )
    for client_id, given, family, months, due_on in follow_ups:
        what = f"{months}-month activity follow-up"
        tasks.append(
            Task(client_id, full_name(given, family), what, due_on, link(client_id), "follow_up")
        )
    reasons = dict(RelapseAlert._meta.get_field("reason").flatchoices)
    alerts = (
        RelapseAlert.objects.filter(client__in=clients, resolved_at__isnull=True)
        .exclude(episode__phase=Phase.CLOSED)
        .values_list(
            "client_id", "client__given_name", "client__family_name", "reason", "raised_at"
        )
    )
    for client_id, given, family, reason, raised_at in alerts:
        what = f"Relapse alert: {str(reasons.get(reason, reason)).lower()}"
        tasks.append(
            Task(
                client_id,
                full_name(given, family),
                what,
                raised_at.date(),
                link(client_id),
                "relapse",
            )
        )
    return tasks
