"""The contact log: every attempt to reach a client and every contact made.

An attempt that did not reach the client is a ``Contact`` with ``reached=False``: the
three-attempts rule (000 §2.4.3) counts those since the last time the client was reached.

``__str__`` names rows by id only: names, NHS numbers and notes never reach logs.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from hiu.web.clients.models import Client


class Channel(models.TextChoices):
    PHONE = "phone", "Phone call"
    TEXT = "text", "Text message"
    FACE_TO_FACE = "face_to_face", "Face to face"
    HOME_VISIT = "home_visit", "Home visit"
    VIDEO = "video", "Video call"
    LETTER = "letter", "Letter"


class Contact(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="contacts")
    # The episode open at the time; blank only for contacts recorded outside any episode.
    episode = models.ForeignKey(
        "episodes.Episode",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contacts",
    )
    at = models.DateTimeField("when", db_index=True)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    # False for an attempt that did not reach the client (no answer, not at home, ...).
    reached = models.BooleanField()
    duration_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    by_username = models.CharField(max_length=150, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["client", "-at"])]

    def __str__(self) -> str:
        return f"Contact {self.pk}"
