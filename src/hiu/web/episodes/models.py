"""Episodes of support, the record of every move between phases, the service's pathway, and
what follows support: holding checks, activity follow-ups and relapse alerts.

A client has one episode per period of support. A relapse does not rewind an old episode: it
opens a new one (``relapse_of`` points back), so each period's dates, plans and outcomes stay
as they were and the evaluation can count both.

``__str__`` names rows by id only: names and NHS numbers never reach logs.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from hiu.web.accounts.models import Service
from hiu.web.clients.models import Client
from hiu.web.episodes.phases import ACTIVE, Complexity, Phase, WayIn
from hiu.web.episodes.querysets import EpisodeQuerySet, RelapseAlertQuerySet


def default_follow_up_months() -> list[int]:
    return [3, 6, 12]


class Pathway(models.Model):
    """How one service runs its pathway: the numbers its team works to (DESIGN §3, 002 App. C).

    Defaults are Hackney's (000 §2.4.3: three attempts, 12-week holding, follow-up at 3, 6 and
    12 months), Chelsea & Westminster's 24-hour first contact (002), and 003's 12-15 new
    clients per lead a quarter.
    """

    service = models.OneToOneField(Service, on_delete=models.CASCADE, related_name="pathway")
    # 0 switches holding off: support ends in stepping down (time-limited services).
    holding_weeks = models.PositiveSmallIntegerField(default=12)
    # Blank for open-ended support; set for a time-limited service (4-6 weeks at C&W).
    support_weeks = models.PositiveSmallIntegerField(null=True, blank=True)
    follow_up_months = models.JSONField(default=default_follow_up_months)
    contact_attempts_before_letter = models.PositiveSmallIntegerField(default=3)
    first_contact_hours = models.PositiveSmallIntegerField(default=24)
    consent_review_months = models.PositiveSmallIntegerField(default=12)
    plan_review_weeks = models.PositiveSmallIntegerField(default=4)
    # Caseload caps in weighted points: a client counts by their complexity tier's weight.
    caseload_cap = models.PositiveSmallIntegerField(default=50)
    new_per_quarter_cap = models.PositiveSmallIntegerField(default=15)
    weight_high = models.PositiveSmallIntegerField(default=3)
    weight_medium = models.PositiveSmallIntegerField(default=2)
    weight_low = models.PositiveSmallIntegerField(default=1)

    def __str__(self) -> str:
        return f"Pathway of service {self.service_id}"

    @property
    def has_holding(self) -> bool:
        return self.holding_weeks > 0

    def weight(self, complexity: str) -> int:
        """A client's weight in the caseload; a client not yet tiered counts as medium."""
        if complexity == Complexity.HIGH:
            return self.weight_high
        if complexity == Complexity.LOW:
            return self.weight_low
        return self.weight_medium


class Episode(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="episodes")
    # 1 for a client's first period of support, 2 after their first relapse, ...
    number = models.PositiveSmallIntegerField()
    way_in = models.CharField(max_length=20, choices=WayIn.choices)
    phase = models.CharField(max_length=20, choices=Phase.choices, db_index=True)
    phase_since = models.DateField()
    complexity = models.CharField(max_length=10, choices=Complexity.choices, blank=True)
    opened_on = models.DateField()
    # The day they first engaged in this episode: the evaluation's engagement date.
    engaged_on = models.DateField(null=True, blank=True)
    holding_since = models.DateField(null=True, blank=True)
    stepped_down_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    close_reason = models.TextField(blank=True)
    relapse_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="relapses"
    )
    # The identified-list row this episode came from, when it came from a list.
    identified_person = models.ForeignKey(
        "identification.IdentifiedPerson",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="episodes",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EpisodeQuerySet.as_manager()

    class Meta:
        ordering = ["client", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["client", "number"], name="episode_number_per_client"),
            # One open period of support at a time: a relapse closes the old one first.
            models.UniqueConstraint(
                fields=["client"],
                condition=~Q(phase=Phase.CLOSED),
                name="one_open_episode_per_client",
            ),
        ]

    def __str__(self) -> str:
        return f"Episode {self.pk}"

    @property
    def is_active(self) -> bool:
        return self.phase in ACTIVE


class PhaseChange(models.Model):
    """One move between phases: who made it, when, and why. Never edited."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="changes")
    # Blank for the episode's opening.
    from_phase = models.CharField(max_length=20, choices=Phase.choices, blank=True)
    to_phase = models.CharField(max_length=20, choices=Phase.choices)
    # The day the move took effect (it may be recorded later than it happened).
    effective_on = models.DateField()
    recorded_at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    by_username = models.CharField(max_length=150, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["episode", "recorded_at", "id"]

    def __str__(self) -> str:
        return f"Phase change {self.pk}"


class HoldingCheck(models.Model):
    """A monthly look at a holding client's activity (000 §2.4.3)."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="holding_checks")
    checked_on = models.DateField()
    # The activity seen in the month before the check, read from the activity store.
    ed_attendances = models.PositiveIntegerField(default=0)
    ambulance_incidents = models.PositiveIntegerField(default=0)
    nhs111_calls = models.PositiveIntegerField(default=0)
    admissions = models.PositiveIntegerField(default=0)
    note = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["episode", "checked_on", "id"]

    def __str__(self) -> str:
        return f"Holding check {self.pk}"


class FollowUp(models.Model):
    """An activity follow-up 3, 6 or 12 months after stepping down (000 §2.4.4).

    Counts cover the ``months`` before the follow-up date and, for comparison, the same number
    of months before the episode opened.
    """

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="follow_ups")
    months = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["episode", "months"]
        constraints = [
            models.UniqueConstraint(fields=["episode", "months"], name="one_follow_up_per_point")
        ]

    def __str__(self) -> str:
        return f"Follow-up {self.pk}"


class RelapseReason(models.TextChoices):
    THRESHOLD = "threshold", "Met the identification threshold again"
    NEW_ACTIVITY = "new_activity", "New activity since stepping down"
    CONTACTED = "contacted", "Contacted the service"


class RelapseAlert(models.Model):
    """A sign that a client who was stepped down (or is in holding) needs the service again."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="relapse_alerts")
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="relapse_alerts")
    reason = models.CharField(max_length=20, choices=RelapseReason.choices)
    # Written to be safe to show: counts and dates, never another person's data.
    detail = models.TextField(blank=True)
    # The latest activity day the alert is about: a later check raises no second alert for it.
    activity_on = models.DateField(null=True, blank=True)
    raised_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    # "reopened" or "dismissed", with who and why.
    resolution = models.CharField(max_length=20, blank=True)
    resolution_note = models.TextField(blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = RelapseAlertQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at", "-id"]

    def __str__(self) -> str:
        return f"Relapse alert {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None
