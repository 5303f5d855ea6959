"""Scoped queries: every list of clients starts from what the signed-in person may see.

Views never call ``Client.objects.all()``; they call ``Client.objects.visible_to(user)``.
A test checks that no view module queries clients without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import User
from django.db import models
from django.db.models import F, FilteredRelation, OuterRef, Q, Subquery

from hiu.web.accounts.roles import AnyUser, Role, roles_of
from hiu.web.episodes.phases import ACTIVE, Phase

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

    def named_in_audit_log_for(self, user: AnyUser) -> ClientQuerySet:
        """Clients whose names the audit log shows ``user``: the IG lead's own service's (they
        answer its subject access requests and its questions about who read what); nobody's
        for anyone else, the administrator included, who sees record numbers."""
        profile = getattr(user, "staff_profile", None)
        if Role.IG_LEAD not in roles_of(user) or profile is None or profile.service_id is None:
            return self.none()
        return self.filter(service_id=profile.service_id)

    def allocated_to(self, user: User) -> ClientQuerySet:
        return self.filter(case_manager=user)

    def unallocated(self) -> ClientQuerySet:
        return self.filter(case_manager__isnull=True)

    def with_open_episode(self) -> ClientQuerySet:
        """Each client with their open (not closed) episode, if any, as ``episode_id``,
        ``episode_phase``, ``episode_phase_since``, ``episode_complexity``,
        ``episode_opened_on`` and ``episode_engaged_on``: one join, because a client has at most
        one open episode (a database constraint)."""
        return self.annotate(
            open_episode=FilteredRelation("episodes", condition=~Q(episodes__phase=Phase.CLOSED))
        ).annotate(
            episode_id=F("open_episode__id"),
            episode_phase=F("open_episode__phase"),
            episode_phase_since=F("open_episode__phase_since"),
            episode_complexity=F("open_episode__complexity"),
            episode_opened_on=F("open_episode__opened_on"),
            episode_engaged_on=F("open_episode__engaged_on"),
        )

    def active(self) -> ClientQuerySet:
        """Clients on someone's active caseload: their open episode is screening, contacting,
        engaged or holding (``hiu.web.episodes.phases.ACTIVE``)."""
        # The stubs cannot see annotations made by another queryset method.
        return self.with_open_episode().filter(episode_phase__in=sorted(ACTIVE))  # type: ignore[misc]

    def with_open_case(self) -> ClientQuerySet:
        """Clients with an open episode in any phase but closed (stepped-down clients too)."""
        return self.with_open_episode().filter(episode_id__isnull=False)  # type: ignore[misc]

    def with_last_reached_contact(self) -> ClientQuerySet:
        """Each client with ``last_reached_at``: when a contact last reached them, or None."""
        from hiu.web.contacts.models import Contact

        last = (
            Contact.objects.filter(client=OuterRef("pk"), reached=True)
            .order_by("-at")
            .values("at")[:1]
        )
        return self.annotate(last_reached_at=Subquery(last))
