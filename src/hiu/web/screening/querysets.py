"""Scoped queries for screening: staff see their own service's decisions, reasons and
referrals only. Views start from ``visible_to(user)`` (or, for reasons, from the user's own
service)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import models

from hiu.web.accounts.models import Service
from hiu.web.accounts.roles import AnyUser, roles_of
from hiu.web.clients.querysets import CASEWORK_ROLES
from hiu.web.corrections.entries import CorrectableQuerySet

if TYPE_CHECKING:
    from hiu.web.screening.models import (  # noqa: F401 - names the querysets' models
        DeclineReason,
        Referral,
        ScreeningDecision,
    )


def casework_service_id(user: AnyUser) -> int | None:
    """The user's service, when they hold a casework role; None otherwise."""
    if not CASEWORK_ROLES.intersection(roles_of(user)):
        return None
    profile = getattr(user, "staff_profile", None)
    return profile.service_id if profile is not None else None


class DeclineReasonQuerySet(models.QuerySet["DeclineReason"]):
    def of(self, service: Service) -> DeclineReasonQuerySet:
        return self.filter(service=service)

    def active(self) -> DeclineReasonQuerySet:
        return self.filter(active=True)


class ScreeningDecisionQuerySet(CorrectableQuerySet["ScreeningDecision"]):
    def visible_to(self, user: AnyUser) -> ScreeningDecisionQuerySet:
        service_id = casework_service_id(user)
        return self.none() if service_id is None else self.filter(service_id=service_id)

    def of_service(self, service_id: int) -> ScreeningDecisionQuerySet:
        return self.filter(service_id=service_id)

    def for_numbers(self, nhs_numbers: list[str]) -> ScreeningDecisionQuerySet:
        return self.filter(nhs_number__in=nhs_numbers)


class ReferralQuerySet(models.QuerySet["Referral"]):
    def visible_to(self, user: AnyUser) -> ReferralQuerySet:
        service_id = casework_service_id(user)
        return self.none() if service_id is None else self.filter(service_id=service_id)

    def received_between(self, start: dt.datetime, end: dt.datetime) -> ReferralQuerySet:
        """Received at or after ``start`` and before ``end``."""
        return self.filter(received_at__gte=start, received_at__lt=end)
