"""Scoped queries for identification: staff see their own service's runs and lists only.

Views never call ``IdentificationRun.objects.all()``; they start from ``visible_to(user)``,
which a test checks (tests/web/test_scoped_queries.py).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Count, F, Q

from hiu.web.accounts.roles import AnyUser, Role, roles_of
from hiu.web.identification.status import Mark, RunStatus

if TYPE_CHECKING:
    from hiu.web.identification.models import (  # noqa: F401 - names the querysets' models
        ExcludedPerson,
        IdentificationRun,
        IdentifiedPerson,
    )

#: Roles that see their service's identified lists: they screen them and reach out.
IDENTIFICATION_ROLES = frozenset({Role.SERVICE_LEAD, Role.CASE_MANAGER, Role.DATA_COORDINATOR})
#: Roles that start runs and choose the service's rule set and schedule.
RUNNING_ROLES = (Role.SERVICE_LEAD, Role.DATA_COORDINATOR)


def _service_id(user: AnyUser) -> int | None:
    """The user's service, when they hold a role that sees identified lists."""
    if not IDENTIFICATION_ROLES.intersection(roles_of(user)):
        return None
    profile = getattr(user, "staff_profile", None)
    return profile.service_id if profile is not None else None


class IdentificationRunQuerySet(models.QuerySet["IdentificationRun"]):
    def visible_to(self, user: AnyUser) -> IdentificationRunQuerySet:
        """Runs of the user's own service, for the roles that work the lists; nothing otherwise.

        Commissioners, IG leads, volunteer coordinators and administrators see no list: lists
        name people.
        """
        service_id = _service_id(user)
        return self.none() if service_id is None else self.filter(service_id=service_id)

    def done(self) -> IdentificationRunQuerySet:
        return self.filter(status=RunStatus.DONE)

    def with_mark_counts(self) -> IdentificationRunQuerySet:
        """Each run with how many people are new and how many dropped, the latest list
        first (a query that counts does not take the model's ordering)."""
        return self.annotate(
            new_count=Count("people", filter=Q(people__mark=Mark.NEW)),
            dropped_count=Count("people", filter=Q(people__mark=Mark.DROPPED)),
        ).order_by("-as_of", "-created_at", "-id")

    def before(self, as_of: dt.date, finished_before: dt.datetime) -> IdentificationRunQuerySet:
        """Runs that come before a list as of ``as_of``, the latest first: an earlier as-of
        date, or the same date made earlier (a list made again after corrected data)."""
        return self.filter(
            Q(as_of__lt=as_of) | Q(as_of=as_of, finished_at__lt=finished_before)
        ).order_by("-as_of", "-finished_at", "-id")


class IdentifiedPersonQuerySet(models.QuerySet["IdentifiedPerson"]):
    def visible_to(self, user: AnyUser) -> IdentifiedPersonQuerySet:
        service_id = _service_id(user)
        return self.none() if service_id is None else self.filter(run__service_id=service_id)

    def named_in_audit_log_for(self, user: AnyUser) -> IdentifiedPersonQuerySet:
        """List rows whose names the audit log shows ``user``: as
        ``ClientQuerySet.named_in_audit_log_for``, the IG lead's own service's only."""
        profile = getattr(user, "staff_profile", None)
        if Role.IG_LEAD not in roles_of(user) or profile is None or profile.service_id is None:
            return self.none()
        return self.filter(run__service_id=profile.service_id)

    def listed(self) -> IdentifiedPersonQuerySet:
        """People on the list itself (new or continuing), not those dropped from the last one."""
        return self.filter(rank__isnull=False)

    def in_list_order(self) -> IdentifiedPersonQuerySet:
        """By priority on the list; dropped people after, by name."""
        return self.order_by(F("rank").asc(nulls_last=True), "family_name", "given_name", "id")

    def mark_counts(self) -> dict[str, int]:
        """How many people have each mark."""
        rows = self.order_by().values_list("mark").annotate(n=Count("id"))
        return {mark: n for mark, n in rows}

    def filtered(
        self,
        *,
        mark: str | None = None,
        threshold: str | None = None,
        min_ed_90d: int | None = None,
        q: str | None = None,
    ) -> IdentifiedPersonQuerySet:
        """The list's filters, each applied when given."""
        found = self
        if mark:
            found = found.with_mark(mark)
        if threshold:
            found = found.meeting(threshold)
        if min_ed_90d is not None:
            found = found.with_ed_90d_at_least(min_ed_90d)
        if q:
            found = found.matching(q)
        return found

    def with_mark(self, mark: str) -> IdentifiedPersonQuerySet:
        return self.filter(mark=mark)

    def meeting(self, threshold: str) -> IdentifiedPersonQuerySet:
        """People who met the named threshold (``thresholds_met`` is ``"a; b"``)."""
        return self.filter(
            Q(thresholds_met=threshold)
            | Q(thresholds_met__startswith=f"{threshold}; ")
            | Q(thresholds_met__endswith=f"; {threshold}")
            | Q(thresholds_met__contains=f"; {threshold}; ")
        )

    def with_ed_90d_at_least(self, attendances: int) -> IdentifiedPersonQuerySet:
        return self.filter(ed_90d__gte=attendances)

    def matching(self, text: str) -> IdentifiedPersonQuerySet:
        """A search by NHS number (its digits, with or without spaces; the start is enough) or
        by name (every word in the given or the family name)."""
        digits = "".join(text.split())
        if digits.isdigit():
            return self.filter(nhs_number__startswith=digits)
        found = self
        for word in text.split():
            found = found.filter(Q(given_name__icontains=word) | Q(family_name__icontains=word))
        return found


class ExcludedPersonQuerySet(models.QuerySet["ExcludedPerson"]):
    def visible_to(self, user: AnyUser) -> ExcludedPersonQuerySet:
        service_id = _service_id(user)
        return self.none() if service_id is None else self.filter(run__service_id=service_id)
