"""Tasks this app puts on workers' lists (see ``hiu.web.clients.due``): the first contact for
each live referral not yet contacted, due when its first-contact clock runs out."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from hiu.web.clients.due import Task
from hiu.web.clients.querysets import ClientQuerySet
from hiu.web.episodes.phases import Phase
from hiu.web.screening.models import Referral
from hiu.web.screening.services import first_contacts

#: Phases of the referral's episode in which its first contact is still a task.
WORKED = (Phase.CONTACTING, Phase.ENGAGED)


def _contacts_url(client_id: int) -> str:
    """The client's contacts page, where the first contact is recorded."""
    return reverse("contacts:client", kwargs={"client_id": client_id})


def tasks_due(clients: ClientQuerySet, today: dt.date) -> list[Task]:
    # Only while the episode is being worked: once it is in holding (no answer after the
    # attempts and the letters), stepped down or closed, the first contact is no longer a task.
    referrals = list(
        Referral.objects.filter(client__in=clients, episode__phase__in=WORKED).select_related(
            "client"
        )
    )
    contacted = first_contacts(referrals)
    return [
        Task(
            client_id=referral.client_id,
            client_name=referral.client.full_name,
            what="First contact for referral",
            due_on=timezone.localdate(referral.first_contact_due_at),
            url=_contacts_url(referral.client_id),
            kind="referral",
        )
        for referral in referrals
        if contacted[referral.pk] is None
    ]
