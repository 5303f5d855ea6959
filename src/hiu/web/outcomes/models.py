"""Outcome measures recorded for clients: questionnaire scores, goal ratings and experience
questionnaires (PREMs), and each service's versions of its experience questionnaire.

DESIGN §8; 000 §4.2 (PROMs and PREMs in the quarterly report); 002 EK-F (the BRC KPIs). The
scoring itself is ``hiu.outcomes``: a record keeps the answers as given and the score worked out
when it was saved, so a later change to a scorer never rewrites what the page showed then.

``__str__`` names rows by id only.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models

from hiu.web.accounts.models import Service
from hiu.web.clients.models import Client
from hiu.web.corrections.entries import Correctable


class PointInCare(models.TextChoices):
    """When in the client's care the questionnaire was completed."""

    BASELINE = "baseline", "At assessment (baseline)"
    REVIEW = "review", "At a review"
    STEP_DOWN = "step_down", "At step down"
    FOLLOW_UP = "follow_up", "At follow-up"


class OutcomeRecord(Correctable):
    """One completed outcome measure (CORE-10, GAD-7, ...): the answers and their score."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="outcome_records")
    episode = models.ForeignKey(
        "episodes.Episode", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # ``hiu.outcomes.INSTRUMENTS`` key: "core10", "gad7", ...
    instrument = models.CharField(max_length=20)
    completed_on = models.DateField()
    point = models.CharField(max_length=20, choices=PointInCare.choices)
    # Item number (as text: JSON keys) -> the answer's value, or null for an unanswered item.
    answers = models.JSONField(default=dict)
    # The score as ``Instrument.score`` gave it when saved (``hiu.outcomes.Score``).
    total = models.FloatField(null=True, blank=True)
    raw_total = models.FloatField(null=True, blank=True)
    band = models.CharField(max_length=80, blank=True)
    answered = models.PositiveSmallIntegerField(default=0)
    missing = models.PositiveSmallIntegerField(default=0)
    prorated = models.BooleanField(default=False)
    parts = models.JSONField(default=dict, blank=True)
    part_bands = models.JSONField(default=dict, blank=True)
    # Why the answers could not be scored, in plain English; "" when scored.
    reason = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["client", "instrument", "completed_on", "id"]
        indexes = [models.Index(fields=["client", "instrument", "completed_on"])]

    def __str__(self) -> str:
        return f"Outcome record {self.pk}"

    @property
    def scored(self) -> bool:
        return self.total is not None or any(v is not None for v in self.parts.values())


class GoalRating(Correctable):
    """How far the client feels they have moved towards one goal of their action plan, 0 to 10
    (goal-based outcomes, Law and Jacob). Action plans are saved as versions with new goal
    rows, so the goal's wording when rated is kept: it is what joins a goal's ratings across
    versions of the plan."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="goal_ratings")
    goal = models.ForeignKey(
        "plans.Goal", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    goal_text = models.TextField()
    rating = models.PositiveSmallIntegerField(validators=[MaxValueValidator(10)])
    rated_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["client", "rated_on", "id"]

    def __str__(self) -> str:
        return f"Goal rating {self.pk}"


class PremQuestionnaire(models.Model):
    """One version of a service's experience questionnaire. The service lead's changes make a
    new version; responses point at the version the client answered, which never changes.
    Version 0 is never stored: it is ``hiu.outcomes.prem.DEFAULT_PREM``, used until the lead
    saves a version of their own."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveSmallIntegerField()
    # [{"key", "text", "options": [[value, label], ...], "positive_values": [...], "headline"}]
    questions = models.JSONField()
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    made_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["service", "-version"]
        constraints = [models.UniqueConstraint(fields=["service", "version"], name="prem_version")]

    def __str__(self) -> str:
        return f"Experience questionnaire {self.pk}"


class PremResponse(Correctable):
    """A client's answers to the service's experience questionnaire (typically at step down).
    Correctable (ADR 0019): the date and point in care amended; wrong answers marked entered
    in error and recorded again."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="prem_responses")
    # The questionnaire version answered; 0 is the standard questionnaire (DEFAULT_PREM).
    version = models.PositiveSmallIntegerField()
    completed_on = models.DateField()
    point = models.CharField(max_length=20, choices=PointInCare.choices)
    # Question key -> the answer's value, or null.
    answers = models.JSONField(default=dict)
    # ``score_prem``: the headline answered positively (None: not answered, or "Don't know").
    positive = models.BooleanField(null=True, blank=True)
    positive_share = models.FloatField(null=True, blank=True)
    answered = models.PositiveSmallIntegerField(default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["client", "completed_on", "id"]

    def __str__(self) -> str:
        return f"Experience questionnaire response {self.pk}"
