"""The history of corrections to a client's record (ADR 0019).

One row per correction of one entry: amended (with each field's old and new value as shown),
marked entered in error, or moved to or from another client's record. The entry itself holds
its current values; the rows hold what it was, so the original is never lost.

A move writes two rows, one on each record. The row on the record the entry left names no
other client (``client`` is that record's own client), so the wrong client's record never
reveals who the entry really belonged to.

``__str__`` names rows by id only: values and reasons never reach logs.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from hiu.web.clients.models import Client


class CorrectionAction(models.TextChoices):
    AMENDED = "amended", "Amended"
    ENTERED_IN_ERROR = "entered_in_error", "Marked entered in error"
    MOVED_OUT = "moved_out", "Moved to another record"
    MOVED_IN = "moved_in", "Moved from another record"


class Correction(models.Model):
    # Null only for an entry with no client record: a declined screening decision.
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, null=True, blank=True, related_name="corrections"
    )
    # The entry: its kind in the registry (``hiu.web.corrections.kinds``) and its id.
    kind = models.CharField(max_length=40)
    entry_id = models.PositiveBigIntegerField()
    action = models.CharField(max_length=20, choices=CorrectionAction.choices)
    # For an amendment: [{"field": label, "old": text, "new": text}, ...] in form order.
    changes = models.JSONField(default=list, blank=True)
    reason = models.TextField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The name shown, as it was then: users are renamed and leave.
    by_name = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["kind", "entry_id", "-at"])]

    def __str__(self) -> str:
        return f"Correction {self.pk}"
