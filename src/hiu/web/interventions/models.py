"""Interventions: the service's catalogue, the interventions a client is referred to, their
sessions, and signposting and referrals out (000 §2.3.5).

A service keeps its own catalogue (``InterventionType``), first filled with Hackney's table
(000 §2.3.5). An intervention copies its type's provider and session numbers when it is made,
so a later change to the catalogue (or a retired type) leaves old interventions as they were.

``__str__`` names rows by id only: names, NHS numbers and notes never reach logs.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from hiu.web.accounts.models import Service
from hiu.web.clients.models import Client
from hiu.web.corrections.entries import Correctable
from hiu.web.interventions.querysets import (
    InterventionQuerySet,
    InterventionTypeQuerySet,
    OnwardReferralQuerySet,
)


class Kind(models.TextChoices):
    PSYCHOLOGICAL_THERAPY = "psychological_therapy", "Psychological therapy"
    BEFRIENDING = "befriending", "Befriending"
    ENGAGEMENT_PLAN = "engagement_plan", "Engagement plan"
    PRACTICAL_SUPPORT = "practical_support", "Practical support"
    OTHER = "other", "Other"


class InterventionType(models.Model):
    """One line of a service's catalogue of interventions."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    provider = models.CharField("provider organisation", max_length=200, blank=True)
    # The sessions usually offered, and the most the service gives; blank when not counted.
    planned_sessions = models.PositiveSmallIntegerField(null=True, blank=True)
    max_sessions = models.PositiveSmallIntegerField(null=True, blank=True)
    # A retired type is not offered for new interventions; old ones keep it.
    active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    objects = InterventionTypeQuerySet.as_manager()

    class Meta:
        ordering = ["service", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["service", "name"], name="intervention_type_name"),
            models.CheckConstraint(
                condition=Q(max_sessions__isnull=True)
                | Q(planned_sessions__isnull=True)
                | Q(max_sessions__gte=models.F("planned_sessions")),
                name="intervention_type_max_at_least_planned",
            ),
        ]

    def __str__(self) -> str:
        return f"Intervention type {self.pk}"

    @property
    def has_sessions(self) -> bool:
        return self.kind != Kind.ENGAGEMENT_PLAN


class EndReason(models.TextChoices):
    COMPLETED = "completed", "Completed"
    DISENGAGED = "disengaged", "Disengaged"
    DECLINED = "declined", "Declined"
    MOVED_ON = "moved_on", "Moved on"
    OTHER = "other", "Other"


class Intervention(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="interventions")
    episode = models.ForeignKey(
        "episodes.Episode", on_delete=models.CASCADE, related_name="interventions"
    )
    type = models.ForeignKey(InterventionType, on_delete=models.PROTECT, related_name="+")
    provider = models.CharField(max_length=200, blank=True)
    referred_on = models.DateField()
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)
    end_note = models.TextField(blank=True)
    planned_sessions = models.PositiveSmallIntegerField(null=True, blank=True)
    max_sessions = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.TextField(blank=True)
    # Befriending only (000 §2.3.5): what the person would like from a volunteer, written by
    # the case manager for the volunteers, and the risk assessment the referral needs.
    befriending_note = models.TextField(blank=True)
    risk_note = models.TextField(blank=True)
    # The volunteer the befriending coordinator matched the person with.
    volunteer_name = models.CharField(max_length=200, blank=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InterventionQuerySet.as_manager()

    class Meta:
        ordering = ["client", "referred_on", "id"]

    def __str__(self) -> str:
        return f"Intervention {self.pk}"

    @property
    def is_ended(self) -> bool:
        return self.ended_on is not None


class SessionStatus(models.TextChoices):
    ATTENDED = "attended", "Attended"
    MISSED = "missed", "Missed"
    CANCELLED = "cancelled", "Cancelled"


class InterventionSession(Correctable):
    """One session of an intervention, or one befriending visit."""

    intervention = models.ForeignKey(
        Intervention, on_delete=models.CASCADE, related_name="sessions"
    )
    on = models.DateField()
    status = models.CharField(max_length=20, choices=SessionStatus.choices)
    note = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["intervention", "on", "id"]

    def __str__(self) -> str:
        return f"Intervention session {self.pk}"


class OnwardKind(models.TextChoices):
    SIGNPOSTED = "signposted", "Signposted"
    REFERRED = "referred", "Referred"


class OnwardReferral(models.Model):
    """Signposting or a referral to an organisation outside the service (000 §2.3.5)."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="onward_referrals")
    episode = models.ForeignKey(
        "episodes.Episode", on_delete=models.CASCADE, related_name="onward_referrals"
    )
    kind = models.CharField(max_length=20, choices=OnwardKind.choices)
    organisation = models.CharField(max_length=200)
    reason = models.TextField()
    on = models.DateField()
    outcome = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OnwardReferralQuerySet.as_manager()

    class Meta:
        ordering = ["client", "-on", "-id"]

    def __str__(self) -> str:
        return f"Onward referral {self.pk}"
