"""Screening decisions on identified lists, the service's own decline reasons, and live
referrals with their first-contact clock.

A decision copies the person's NHS number so that a later list can show what was decided
before (the list rows of an older run may be gone; the decision stays). A declined person gets
no client record: the decision, with its reason, is the record (000 §2.3.1: "Where the patient
is not accepted into the service the reason is recorded").

``__str__`` names rows by id only: names, NHS numbers and notes never reach logs.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from hiu.web.accounts.models import Service
from hiu.web.clients.models import Client
from hiu.web.corrections.entries import Correctable, CurrentManager
from hiu.web.episodes.phases import Complexity
from hiu.web.screening.querysets import (
    DeclineReasonQuerySet,
    ReferralQuerySet,
    ScreeningDecisionQuerySet,
)


class Decision(models.TextChoices):
    ACCEPT = "accept", "Accepted"
    DECLINE = "decline", "Declined"


class DeclineReason(models.Model):
    """A reason the service gives for not offering support. Retired reasons stay on the
    decisions that used them but are no longer offered."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="decline_reasons")
    label = models.CharField(max_length=200)
    active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    objects = DeclineReasonQuerySet.as_manager()

    class Meta:
        ordering = ["service", "position", "id"]

    def __str__(self) -> str:
        return f"Decline reason {self.pk}"


class ScreeningDecision(Correctable):
    """Accept or decline for one person on one identified list."""

    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="screening_decisions"
    )
    # Kept when the list row goes (a run deleted): the NHS number still finds the decision.
    identified_person = models.OneToOneField(
        "identification.IdentifiedPerson",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="screening_decision",
    )
    nhs_number = models.CharField("NHS number", max_length=10)
    # The as-of date of the list the decision was made on, for showing it on later lists.
    list_as_of = models.DateField(null=True, blank=True)
    decision = models.CharField(max_length=10, choices=Decision.choices)
    reason = models.ForeignKey(
        DeclineReason, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions"
    )
    complexity = models.CharField(max_length=10, choices=Complexity.choices, blank=True)
    note = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_by_username = models.CharField(max_length=150, blank=True)
    decided_at = models.DateTimeField(default=timezone.now)
    client = models.ForeignKey(
        Client,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="screening_decisions",
    )
    episode = models.ForeignKey(
        "episodes.Episode",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="screening_decisions",
    )

    # Decisions marked entered in error are left out by default (ADR 0019). The stubs see a
    # manager over the screening queryset as a different type from the mixin's.
    objects = CurrentManager.from_queryset(ScreeningDecisionQuerySet)()  # type: ignore[assignment,misc]

    class Meta:
        ordering = ["-decided_at", "-id"]
        indexes = [models.Index(fields=["service", "nhs_number", "-decided_at"])]

    def __str__(self) -> str:
        return f"Screening decision {self.pk}"


class Referral(models.Model):
    """A live referral from another service (002: Chelsea & Westminster's psychiatric liaison
    team; 001 §4: people referred for vulnerability below any activity threshold)."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="referrals")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="referrals")
    episode = models.ForeignKey(
        "episodes.Episode",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
    )
    referring_organisation = models.CharField(max_length=200)
    referrer_name = models.CharField(max_length=200, blank=True)
    referrer_contact = models.CharField(max_length=200, blank=True)
    reason = models.TextField()
    # Referred for vulnerability (self-harm, homelessness, ...) rather than high use.
    vulnerability = models.BooleanField(default=False)
    consent_to_refer = models.BooleanField()
    received_at = models.DateTimeField(default=timezone.now)
    # received_at plus the pathway's first-contact hours, as they were when it was received.
    first_contact_due_at = models.DateTimeField()
    # Whether the client record existed already, and whether this referral opened the episode
    # (or was attached to one already open): said on the confirmation.
    client_existed = models.BooleanField(default=False)
    opened_episode = models.BooleanField(default=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_by_username = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["service", "-received_at"])]

    def __str__(self) -> str:
        return f"Referral {self.pk}"
