"""Scoped queries for episodes and relapse alerts: every list starts from the clients the
signed-in person may see (``Client.objects.visible_to``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

from hiu.web.accounts.roles import AnyUser
from hiu.web.episodes.phases import ACTIVE, Phase

if TYPE_CHECKING:
    from hiu.web.episodes.models import Episode, RelapseAlert  # noqa: F401


class EpisodeQuerySet(models.QuerySet["Episode"]):
    def visible_to(self, user: AnyUser) -> EpisodeQuerySet:
        from hiu.web.clients.models import Client

        return self.filter(client__in=Client.objects.visible_to(user))

    def active(self) -> EpisodeQuerySet:
        return self.filter(phase__in=ACTIVE)

    def open(self) -> EpisodeQuerySet:
        """Not closed: active, or stepped down with follow-ups to come."""
        return self.exclude(phase=Phase.CLOSED)


class RelapseAlertQuerySet(models.QuerySet["RelapseAlert"]):
    def visible_to(self, user: AnyUser) -> RelapseAlertQuerySet:
        from hiu.web.clients.models import Client

        return self.filter(client__in=Client.objects.visible_to(user))

    def unresolved(self) -> RelapseAlertQuerySet:
        return self.filter(resolved_at__isnull=True)
