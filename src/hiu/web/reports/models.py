"""The service's KPI targets, as versions: a report says which targets it was judged against.

Defaults come from ``hiu.report.kpis`` (000 §4.2, 001 §7, 002 EK-F); a lead sets the service's
own. Each change adds a row; the latest row per KPI is the target in force.

``__str__`` names rows by id only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from hiu.web.accounts.models import Service


class ServiceTarget(models.Model):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="targets")
    # A key of hiu.report.kpis.KPIS.
    kpi = models.CharField(max_length=40)
    # A proportion (0.4 for 40%) or a number (30 referrals a quarter), as the KPI says.
    value = models.FloatField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_by_username = models.CharField(max_length=150, blank=True)
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["service", "kpi", "-changed_at", "-id"]

    def __str__(self) -> str:
        return f"Service target {self.pk}"
