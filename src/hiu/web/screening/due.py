"""Tasks this app puts on workers' lists (see ``hiu.web.clients.due``): the first contact for
each live referral not yet contacted, due when its first-contact clock runs out."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef
from django.utils import timezone

from hiu.web.clients.due import Task, full_name, link_to
from hiu.web.clients.querysets import ClientQuerySet
from hiu.web.contacts.models import Contact
from hiu.web.episodes.phases import Phase
from hiu.web.screening.models import Referral

#: Phases of the referral's episode in which its first contact is still a task.
WORKED = (Phase.CONTACTING, Phase.ENGAGED)


def tasks_due(clients: ClientQuerySet, today: dt.date) -> list[Task]:
    # Only while the episode is being worked: once it is in holding (no answer after the
    # attempts and the letters), stepped down or closed, the first contact is no longer a task.
    # A referral's first contact is the earliest contact that reached the client at or after it
    # was received (``services.first_contacts``); attempts that did not reach them do not count.
    contacted = Contact.objects.filter(
        client_id=OuterRef("client_id"), reached=True, at__gte=OuterRef("received_at")
    )
    referrals = (
        Referral.objects.filter(client__in=clients, episode__phase__in=WORKED)
        .exclude(Exists(contacted))
        .values_list(
            "client_id", "client__given_name", "client__family_name", "first_contact_due_at"
        )
    )
    # The client's contacts page, where the first contact is recorded.
    link = link_to("contacts:client", "client_id")
    return [
        Task(
            client_id=client_id,
            client_name=full_name(given, family),
            what="First contact for referral",
            due_on=timezone.localdate(due_at),
            url=link(client_id),
            kind="referral",
        )
        for client_id, given, family, due_at in referrals
    ]
