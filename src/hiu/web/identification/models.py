"""Identification runs and the people on their lists.

A run is one making of a service's list: its rule set, as-of date and what became of it. The
list itself is copied from the analytics core's result (``hiu.identify.listing``) into
``IdentifiedPerson`` rows, so that a list stays as it was made even when the activity store
changes, and screening can refer to it. People who met a threshold but were excluded (by age,
care home, code list, ...) are kept too, with the reasons, as ``ExcludedPerson`` rows.

``__str__`` and error messages name rows by id only: NHS numbers and names never reach logs.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from hiu.web.accounts.models import Service
from hiu.web.identification.querysets import (
    ExcludedPersonQuerySet,
    IdentificationRunQuerySet,
    IdentifiedPersonQuerySet,
)
from hiu.web.identification.status import UNFINISHED, Mark, RunStatus, Trigger


class IdentificationRun(models.Model):
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="identification_runs"
    )
    # The rule set as it was when the run was made: its name, title and each threshold's name
    # and description ({"ed_month": "5+ A&E attendances within 30 days", ...}).
    rule_set = models.CharField(max_length=100)
    rule_set_title = models.CharField(max_length=200, blank=True)
    thresholds = models.JSONField(default=dict, blank=True)
    as_of = models.DateField("as-of date")
    # The first day of the list's period (the rule set's period_days ending on the as-of date).
    period_start = models.DateField(null=True, blank=True)
    trigger = models.CharField(max_length=20, choices=Trigger.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="identification_runs",
    )
    # The username as it was when the run was asked for; empty for a scheduled run.
    requested_by_username = models.CharField(max_length=150, blank=True)
    status = models.CharField(
        max_length=20, choices=RunStatus.choices, default=RunStatus.QUEUED, db_index=True
    )
    # Shown as it is: only messages written to be safe (naming rule set files and keys, never
    # a row value or an NHS number) are stored here.
    error = models.TextField(blank=True)
    listed_count = models.IntegerField(default=0)
    excluded_count = models.IntegerField(default=0)
    # People who met a threshold and passed the criteria but fell below the rule set's top N.
    below_cut = models.IntegerField(default=0)
    # The service's list this one's marks (new, continuing, dropped) were worked out against.
    previous_run = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = IdentificationRunQuerySet.as_manager()

    class Meta:
        ordering = ["-as_of", "-created_at", "-id"]
        constraints = [
            # One scheduled list per service per as-of date: `manage identify_due` can run as
            # often as it likes, and two copies of it at once still queue one run.
            models.UniqueConstraint(
                fields=["service", "as_of"],
                condition=Q(trigger=Trigger.SCHEDULED),
                name="one_scheduled_run_per_service_and_date",
            )
        ]

    def __str__(self) -> str:
        return f"Identification run {self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status not in UNFINISHED


class IdentifiedPerson(models.Model):
    """One person on a run's list (new or continuing), or dropped since the previous list.

    A dropped person has no rank and no counts: they are not on this list. Their name and
    date of birth are the previous list's.
    """

    run = models.ForeignKey(IdentificationRun, on_delete=models.CASCADE, related_name="people")
    mark = models.CharField(max_length=20, choices=Mark.choices)
    rank = models.IntegerField("priority rank", null=True, blank=True)
    nhs_number = models.CharField("NHS number", max_length=10)
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    age = models.IntegerField(null=True, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    eligibility_date = models.DateField(null=True, blank=True)
    thresholds_met = models.TextField(blank=True)
    spread = models.IntegerField(null=True, blank=True)
    intensity = models.FloatField(null=True, blank=True)
    ed_30d = models.IntegerField(null=True, blank=True)
    ed_90d = models.IntegerField(null=True, blank=True)
    ed_365d = models.IntegerField(null=True, blank=True)
    ambulance_90d = models.IntegerField(null=True, blank=True)
    nhs111_90d = models.IntegerField(null=True, blank=True)
    admissions_365d = models.IntegerField(null=True, blank=True)
    bed_days_365d = models.IntegerField(null=True, blank=True)

    objects = IdentifiedPersonQuerySet.as_manager()

    class Meta:
        ordering = ["run", "rank", "id"]
        constraints = [models.UniqueConstraint(fields=["run", "nhs_number"], name="once_per_run")]
        indexes = [models.Index(fields=["run", "mark"]), models.Index(fields=["run", "rank"])]

    def __str__(self) -> str:
        return f"Identified person {self.pk}"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()


class ExcludedPerson(models.Model):
    """Someone who met a threshold but whom the rule set's people criteria exclude."""

    run = models.ForeignKey(IdentificationRun, on_delete=models.CASCADE, related_name="excluded")
    nhs_number = models.CharField("NHS number", max_length=10)
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    age = models.IntegerField(null=True, blank=True)
    eligibility_date = models.DateField(null=True, blank=True)
    thresholds_met = models.TextField(blank=True)
    reasons = models.TextField()

    objects = ExcludedPersonQuerySet.as_manager()

    class Meta:
        ordering = ["run", "eligibility_date", "id"]

    def __str__(self) -> str:
        return f"Excluded person {self.pk}"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()
