"""Consent, assessment and plans.

Consent follows the RightCare client consent form (001 §10.3): four statements the client
agrees to, given verbally first (by phone, 001 §9) and then in writing at the first face-to-face
meeting, with a review date. Consent can be withdrawn at any time; from then on the service
shares nothing about the client and every page of the record says so
(``sharing_stopped_on``).

``__str__`` names rows by id only.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from hiu.web.clients.models import Client
from hiu.web.corrections.entries import Correctable


class ConsentLevel(models.TextChoices):
    VERBAL = "verbal", "Verbal"
    WRITTEN = "written", "Written"


#: The statements of the RightCare consent form (001 §10.3), by the field that records each.
CONSENT_STATEMENTS = {
    "share_information": (
        "I give permission for the service, my GP practice and the local constabulary to share "
        "personal information with other service providers in connection with my care."
    ),
    "access_records": (
        "This includes accessing and sharing my medical, and if applicable mental health and "
        "police records."
    ),
    "referrals": (
        "I agree to referrals being made to the mental health helpline, 111 or other service "
        "providers that may be relevant, in order to support my needs."
    ),
    "obtain_information": (
        "I understand that the service may obtain information about me from the various "
        "partner organisations (which will be explained to me) and as such my rights under the "
        "Data Protection Act will not be affected."
    ),
}


class Consent(Correctable):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="consents")
    episode = models.ForeignKey(
        "episodes.Episode", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    level = models.CharField(max_length=10, choices=ConsentLevel.choices)
    share_information = models.BooleanField(default=False)
    access_records = models.BooleanField(default=False)
    referrals = models.BooleanField(default=False)
    obtain_information = models.BooleanField(default=False)
    given_on = models.DateField()
    # Who witnessed it (name and role), for written consent.
    witnessed_by = models.CharField(max_length=200, blank=True)
    review_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawal_note = models.TextField(blank=True)
    withdrawal_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["client", "-given_on", "-id"]

    def __str__(self) -> str:
        return f"Consent {self.pk}"


def current_consent(client: Client) -> Consent | None:
    """The latest consent recorded for the client, withdrawn or not."""
    return client.consents.order_by("-given_on", "-id").first()


def sharing_stopped_on(client: Client) -> dt.date | None:
    """The day the client withdrew consent, if their latest consent is withdrawn.

    From that day nothing about the client is shared: letters to GPs and other organisations
    are refused, and every page of the record says so.
    """
    consent = current_consent(client)
    return consent.withdrawn_on if consent is not None else None


# -- Assessment (000 §2.3.2) ------------------------------------------------------------------


class Need(models.TextChoices):
    """The unmet needs behind the attendances that the assessment looks for (000 §2.3.4)."""

    HOUSING = "housing", "Housing"
    LONELINESS = "loneliness", "Loneliness and isolation"
    MENTAL_HEALTH = "mental_health", "Mental health"
    SUBSTANCE_USE = "substance_use", "Substance use"
    MONEY = "money", "Money and debt"
    UNEXPLAINED_SYMPTOMS = "unexplained_symptoms", "Medically unexplained symptoms"
    SELF_HARM = "self_harm", "Self-harm"
    SOCIAL_FAMILY = "social_family", "Social and family"


class Readiness(models.TextChoices):
    """The client's readiness to engage (000 §2.3.2)."""

    NOT_READY = "not_ready", "Not ready"
    THINKING = "thinking", "Thinking about it"
    READY = "ready", "Ready to engage"


class RiskLevel(models.TextChoices):
    NONE = "none", "None"
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class Assessment(Correctable):
    """One assessment of the client; an episode may have several, the latest is shown."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="assessments")
    episode = models.ForeignKey(
        "episodes.Episode", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assessed_on = models.DateField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The client's own account of their difficulties and why they attend (000 §2.3.2).
    own_account = models.TextField()
    # Codes from ``Need``.
    needs = models.JSONField(default=list, blank=True)
    # The need most behind the attendances: the "primary presentation" the quarterly report
    # counts new clients by (000 §4.1). A code from ``Need``; blank when not decided.
    primary_need = models.CharField(max_length=30, choices=Need.choices, blank=True)
    needs_note = models.TextField(blank=True)
    readiness = models.CharField(max_length=20, choices=Readiness.choices)
    risk_to_self = models.CharField(max_length=10, choices=RiskLevel.choices)
    risk_to_others = models.CharField(max_length=10, choices=RiskLevel.choices)
    risk_to_staff = models.CharField(max_length=10, choices=RiskLevel.choices)
    risk_note = models.TextField(blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["client", "-assessed_on", "-id"]

    def __str__(self) -> str:
        return f"Assessment {self.pk}"

    @property
    def need_labels(self) -> list[str]:
        labels = dict(Need.choices)
        return [str(labels[code]) for code in self.needs if code in labels]


# -- The action plan (000 §2.3.3): a live document, kept as versions ----------------------------


class Progress(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    ACHIEVED = "achieved", "Achieved"
    NO_LONGER_RELEVANT = "no_longer_relevant", "No longer relevant"


class ActionPlan(Correctable):
    """One version of a client's action plan. Saving the plan always makes a new version; old
    versions and their goals are never changed."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="action_plans")
    episode = models.ForeignKey(
        "episodes.Episode", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveSmallIntegerField()
    summary = models.TextField()
    review_on = models.DateField()
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    made_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["client", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["client", "version"], name="action_plan_version")
        ]

    def __str__(self) -> str:
        return f"Action plan {self.pk}"


class Goal(models.Model):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="goals")
    position = models.PositiveSmallIntegerField()
    description = models.TextField()
    progress = models.CharField(
        max_length=20, choices=Progress.choices, default=Progress.NOT_STARTED
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["plan", "position"]

    def __str__(self) -> str:
        return f"Goal {self.pk}"


# -- Crisis and relapse plan, ED engagement plan (000 §2.3.4, §2.3.5) --------------------------


class CrisisPlan(Correctable):
    """One version of the client's crisis and relapse plan; the latest is current."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="crisis_plans")
    episode = models.ForeignKey(
        "episodes.Episode", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveSmallIntegerField()
    triggers = models.TextField(blank=True)
    early_warning_signs = models.TextField(blank=True)
    what_helps = models.TextField(blank=True)
    who_to_contact = models.TextField(blank=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    made_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["client", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["client", "version"], name="crisis_plan_version")
        ]

    def __str__(self) -> str:
        return f"Crisis plan {self.pk}"


class EDPlan(Correctable):
    """One version of the engagement plan / ED protocol: how the emergency department and
    urgent care (111, 999) should respond when the client arrives or calls (000 §2.3.5)."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="ed_plans")
    episode = models.ForeignKey(
        "episodes.Episode", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveSmallIntegerField()
    response = models.TextField()
    # Name and role of who in ED or urgent care agreed the plan.
    agreed_with = models.CharField(max_length=200, blank=True)
    # The day it was shared with ED; never after the client withdrew consent.
    shared_on = models.DateField(null=True, blank=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    made_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["client", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["client", "version"], name="ed_plan_version")
        ]

    def __str__(self) -> str:
        return f"ED plan {self.pk}"
