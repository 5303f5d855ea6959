"""Tasks this app puts on workers' lists (see ``hiu.web.clients.due``).

- "Renew consent" on the current consent's review date, unless it was withdrawn.
- "Take written consent" 14 days after verbal consent, while the current consent is verbal:
  written consent is taken at the first face-to-face meeting (001 §9).
- "Review the action plan" on the current plan's review date (000 §2.3.3: a live document).

Only for clients whose episode is not closed; tasks show from 14 days before they are due, and
stay until done.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from hiu.web.clients.due import Task
from hiu.web.clients.querysets import ClientQuerySet
from hiu.web.plans.models import ActionPlan, Consent, ConsentLevel
from hiu.web.plans.querysets import with_open_episode

#: How far ahead tasks show.
SHOW_DAYS_AHEAD = 14
#: Written consent is expected this many days after verbal consent.
WRITTEN_CONSENT_DAYS = 14


def tasks_due(clients: ClientQuerySet, today: dt.date) -> list[Task]:
    horizon = today + dt.timedelta(days=SHOW_DAYS_AHEAD)
    open_clients = with_open_episode(clients)
    names = {client.pk: client.full_name for client in open_clients}
    if not names:
        return []
    tasks: list[Task] = []

    # The current consent of each client: the first of theirs in the model's order.
    seen: set[int] = set()
    for consent in Consent.objects.filter(client_id__in=names).order_by(
        "client_id", "-given_on", "-id"
    ):
        if consent.client_id in seen:
            continue
        seen.add(consent.client_id)
        if consent.withdrawn_on is not None:
            continue
        url = reverse("plans:record_consent", kwargs={"client_id": consent.client_id})
        if consent.review_on <= horizon:
            tasks.append(_task(consent.client_id, names, "Renew consent", consent.review_on, url))
        written_due = consent.given_on + dt.timedelta(days=WRITTEN_CONSENT_DAYS)
        if consent.level == ConsentLevel.VERBAL and written_due <= horizon:
            tasks.append(_task(consent.client_id, names, "Take written consent", written_due, url))

    seen = set()
    for plan in ActionPlan.objects.filter(client_id__in=names).order_by("client_id", "-version"):
        if plan.client_id in seen:
            continue
        seen.add(plan.client_id)
        if plan.review_on <= horizon:
            url = reverse("plans:edit_plan", kwargs={"client_id": plan.client_id})
            tasks.append(
                _task(plan.client_id, names, "Review the action plan", plan.review_on, url, "plan")
            )
    return tasks


def _task(
    client_id: int,
    names: dict[int, str],
    what: str,
    due_on: dt.date,
    url: str,
    kind: str = "consent",
) -> Task:
    return Task(
        client_id=client_id,
        client_name=names[client_id],
        what=what,
        due_on=due_on,
        url=url,
        kind=kind,
    )
