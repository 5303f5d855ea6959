"""The service's KPI targets, as versions: a report says which targets it was judged against.

Defaults come from ``hiu.report.kpis`` (000 §4.2, 001 §7, 002 EK-F); a lead sets the service's
own. Each change adds a row; the latest row per KPI is the target in force.

And the reports the service has issued (``IssuedReport``), kept exactly as they were issued.

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


class IssuedReport(models.Model):
    """A report as it was issued to commissioners: its files kept exactly as they went out.

    A draft changes as casework is recorded; an issued report never does. Issuing the same
    period again adds the next version (1, 2, …) and keeps the earlier ones, so a figure quoted
    from version 1 can always be found. ``figures`` holds every table's cell texts, to compare
    versions without opening the files.
    """

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="issued_reports")
    # ``hiu.report.period.Period.key``: "2026Q3" or "2026".
    period_key = models.CharField(max_length=6)
    version = models.PositiveIntegerField()
    issued_at = models.DateTimeField(auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    issued_by_username = models.CharField(max_length=150, blank=True)
    # The "produced on" day printed in the report.
    generated_on = models.DateField()
    title = models.CharField(max_length=200)
    # The report's sections as shown inside a page of this app (hiu.report.render_html).
    body_html = models.TextField()
    pdf = models.BinaryField()
    xlsx = models.BinaryField()
    html = models.BinaryField()
    # [{"sheet", "title", "columns": [...], "rows": [[cell text, ...], ...]}, ...] in report
    # order: a list, because PostgreSQL's jsonb does not keep the order of an object's keys.
    figures = models.JSONField(default=list)

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "period_key", "version"], name="one_report_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"Issued report {self.pk}"
