"""Evaluation runs and the service's unit-cost tables.

An ``EvaluationRun`` keeps the engine's whole ``hiu-evaluation/1`` (or ``/2``) result as JSON,
so a run reads the same later whatever happens to the casework or the store. Its error text is
written to be safe to show: never a row value or an NHS number.

A ``UnitCostTable`` is one version of a service's unit costs and annual running costs: every
save makes a new version with who saved it and when, and a run records the version it used.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from hiu.web.accounts.models import Service


class EvaluationStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Running"
    DONE = "done", "Finished"
    FAILED = "failed", "Failed"


UNFINISHED = frozenset({EvaluationStatus.QUEUED, EvaluationStatus.RUNNING})


class UnitCostTable(models.Model):
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="unit_cost_tables")
    version = models.PositiveIntegerField()
    # hiu.evaluate.unit_costs.UnitCosts.to_dict(): name, version, valid_from, items.
    table = models.JSONField()
    # The service's running costs for a year, in pounds; blank when not given.
    running_costs = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    saved_by_username = models.CharField(max_length=150, blank=True)
    saved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["service", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["service", "version"], name="one_unit_cost_version")
        ]

    def __str__(self) -> str:
        return f"Unit-cost table {self.pk}"


class EvaluationRun(models.Model):
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="evaluation_runs")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_by_username = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=20,
        choices=EvaluationStatus.choices,
        default=EvaluationStatus.QUEUED,
        db_index=True,
    )
    rule_set = models.CharField(max_length=100)
    unit_costs = models.ForeignKey(
        UnitCostTable, on_delete=models.SET_NULL, null=True, blank=True, related_name="runs"
    )
    replicates = models.PositiveIntegerField()
    # The hiu-evaluation/1 or /2 dictionary; null until the run has finished.
    result = models.JSONField(null=True, blank=True)
    # Safe to show as it is: written by hiu, never a row value.
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Evaluation run {self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status not in UNFINISHED
