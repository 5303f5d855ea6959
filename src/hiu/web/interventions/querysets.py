"""Scoped queries for interventions.

Client pages start from ``Client.objects.visible_to`` (casework roles of the client's service).
The befriending pages are the one way into interventions for the volunteer coordinator, who
sees no client record: ``befriending_for`` gives the open befriending interventions of their
own service and nothing else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

from hiu.web.accounts.roles import AnyUser, Role, roles_of

if TYPE_CHECKING:
    from hiu.web.interventions.models import (  # noqa: F401
        Intervention,
        InterventionType,
        OnwardReferral,
    )

#: Who may open the befriending pages: the coordinator, and the service lead who oversees them.
BEFRIENDING_ROLES = frozenset({Role.VOLUNTEER_COORDINATOR, Role.SERVICE_LEAD})


def _service_id(user: AnyUser) -> int | None:
    profile = getattr(user, "staff_profile", None)
    return profile.service_id if profile is not None else None


class InterventionTypeQuerySet(models.QuerySet["InterventionType"]):
    def active(self) -> InterventionTypeQuerySet:
        return self.filter(active=True)


class InterventionQuerySet(models.QuerySet["Intervention"]):
    def visible_to(self, user: AnyUser) -> InterventionQuerySet:
        from hiu.web.clients.models import Client

        return self.filter(client__in=Client.objects.visible_to(user))

    def befriending_for(self, user: AnyUser) -> InterventionQuerySet:
        """Befriending interventions not yet ended, in the user's own service, for the roles
        that match volunteers; nothing for anyone else."""
        from hiu.web.interventions.models import Kind

        service_id = _service_id(user)
        if service_id is None or not BEFRIENDING_ROLES.intersection(roles_of(user)):
            return self.none()
        return self.filter(
            client__service_id=service_id,
            type__kind=Kind.BEFRIENDING,
            ended_on__isnull=True,
        )

    def not_ended(self) -> InterventionQuerySet:
        return self.filter(ended_on__isnull=True)


class OnwardReferralQuerySet(models.QuerySet["OnwardReferral"]):
    def visible_to(self, user: AnyUser) -> OnwardReferralQuerySet:
        from hiu.web.clients.models import Client

        return self.filter(client__in=Client.objects.visible_to(user))
