"""Risk alerts: a questionnaire answer that says a client may be at risk of harming themselves
(PHQ-9 item 9 above 0, CORE-10 item 6 above 0; ``hiu.outcomes.risk``). Raised in the same
transaction as the questionnaire is saved, it stays open, on the record, the caseload and the
team page and as a same-day task, until a worker records the review.

``__str__`` names rows by id only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from hiu.web.clients.models import Client


class RiskAlert(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="risk_alerts")
    outcome_record = models.ForeignKey(
        "outcomes.OutcomeRecord",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="risk_alerts",
    )
    instrument = models.CharField(max_length=20)  # hiu.outcomes.INSTRUMENTS key
    item = models.PositiveSmallIntegerField()
    answer = models.PositiveSmallIntegerField()
    answer_label = models.CharField(max_length=80)  # the option's words
    staff_text = models.CharField(max_length=200)
    raised_at = models.DateTimeField(auto_now_add=True)
    raised_on = models.DateField()  # the day it was raised: the review task is due then
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_on = models.DateField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # "Risk reviewed: what was done", in the worker's words.
    review_outcome = models.TextField(blank=True)
    crisis_plan_updated = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        indexes = [models.Index(fields=["client", "reviewed_at"])]

    def __str__(self) -> str:
        return f"Risk alert {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.reviewed_at is None
