"""Notifications to staff: something happened that a person should know about (issue 18
point 6). Each is one person's: a user sees only their own.

A notification's text is short and holds no clinical free text (no notes, no answers): the kind
and the client's name, since staff read it inside the service. Emails carry less still (see
``services``). ``event`` names the event the notification is about ("referral:12",
"visit:40"): one event notifies a person once, however often the periodic job runs.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from hiu.web.clients.models import Client


class Kind(models.TextChoices):
    ALLOCATED = "allocated", "Allocated a client"
    REFERRAL_NEAR_BREACH = "referral_near_breach", "Referral clock near breach"
    RELAPSE = "relapse", "Relapse alert"
    VISIT_NOT_CHECKED_OUT = "visit_not_checked_out", "Visit not checked out"
    RISK_ANSWER = "risk_answer", "Risk answer recorded"
    UNUSUAL_ACCESS = "unusual_access", "Unusual access to client records"


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    text = models.CharField(max_length=200)
    link = models.CharField(max_length=300, blank=True)
    event = models.CharField(max_length=80)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "event"], name="one_notification_per_event"
            )
        ]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return f"Notification {self.pk}"


class Preference(models.Model):
    """Whether a person also wants an email for a kind of notification (in the app always)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    email = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")
        ]

    def __str__(self) -> str:
        return f"Notification preference {self.pk}"
