"""Scoped queries: contacts, letters and visits are reached through the clients the signed-in
person may see (``Client.objects.visible_to``), never on their own."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import QuerySet

from hiu.web.clients.models import Client
from hiu.web.contacts.models import Letter, Visit
from hiu.web.episodes.models import Episode
from hiu.web.episodes.phases import Phase


def open_episode_of(client: Client) -> Episode | None:
    """The client's open episode (any phase but closed), if they have one."""
    return client.episodes.exclude(phase=Phase.CLOSED).first()


def letters_visible_to(user: User) -> QuerySet[Letter]:
    return Letter.objects.filter(client__in=Client.objects.visible_to(user))


def visits_visible_to(user: User) -> QuerySet[Visit]:
    return Visit.objects.filter(client__in=Client.objects.visible_to(user))


def visits_in_progress(visits: QuerySet[Visit]) -> QuerySet[Visit]:
    return visits.filter(checked_in_at__isnull=False, checked_out_at__isnull=True)
