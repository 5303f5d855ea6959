"""Scoped queries: every list of clients starts from what the signed-in person may see.

Views never call ``Client.objects.all()``; they call ``Client.objects.visible_to(user)``.
A test checks that no view module queries clients without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import User
from django.db import models

from hiu.web.accounts.roles import AnyUser, Role, roles_of

if TYPE_CHECKING:
    from hiu.web.clients.models import Client  # noqa: F401 - names the queryset's model

# Roles that work with identifiable client records of their own service.
CASEWORK_ROLES = frozenset({Role.SERVICE_LEAD, Role.CASE_MANAGER, Role.DATA_COORDINATOR})


class ClientQuerySet(models.QuerySet["Client"]):
    def visible_to(self, user: AnyUser) -> ClientQuerySet:
        """Clients of the user's own service, for roles that do casework; nothing otherwise.

        Commissioners, IG leads, volunteer coordinators and administrators see no client
        record through these pages: commissioners get aggregates only, and IG reads the
        audit log, which names records by id.
        """
        if not CASEWORK_ROLES.intersection(roles_of(user)):
            return self.none()
        profile = getattr(user, "staff_profile", None)
        if profile is None or profile.service_id is None:
            return self.none()
        return self.filter(service_id=profile.service_id)

    def allocated_to(self, user: User) -> ClientQuerySet:
        return self.filter(case_manager=user)

    def unallocated(self) -> ClientQuerySet:
        return self.filter(case_manager__isnull=True)
