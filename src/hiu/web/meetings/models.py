"""Multidisciplinary team meetings and the clients discussed at them (000 §2.3.7 and §4.1:
"Number of wider MDTs held and number of patients discussed").

A meeting recorded by mistake is marked entered in error (ADR 0019): it stays, struck through,
and leaves the list, the client summary's line and the report's counts.

A meeting records who came as organisations, not people, and which clients were discussed;
what was said about a client belongs in their record (a contact or a plan), not here.

``__str__`` names rows by id only: names and NHS numbers never reach logs.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from hiu.web.accounts.models import Service
from hiu.web.clients.models import Client
from hiu.web.corrections.entries import Correctable


class MeetingKind(models.TextChoices):
    WIDER_MDT = "wider_mdt", "Wider MDT"
    REFERRAL = "referral", "Referral meeting"


class Meeting(Correctable):
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField()
    kind = models.CharField(max_length=20, choices=MeetingKind.choices)
    # The organisations represented, one per line ("Homerton A&E", "ELFT psychiatric liaison").
    organisations = models.TextField(blank=True)
    clients = models.ManyToManyField(Client, related_name="meetings", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_by_username = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["service", "-held_on"])]

    def __str__(self) -> str:
        return f"Meeting {self.pk}"

    @property
    def organisation_list(self) -> list[str]:
        return [line.strip() for line in self.organisations.splitlines() if line.strip()]
