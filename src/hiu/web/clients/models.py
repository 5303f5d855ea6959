"""The client record: who the person is and which service and case manager support them."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from hiu.identify.listing import age_on
from hiu.web.accounts.models import Service
from hiu.web.clients.querysets import ClientQuerySet


class Sex(models.TextChoices):
    """NHS Data Dictionary stated-gender codes, as in the canonical people extract."""

    MALE = "1", "Male"
    FEMALE = "2", "Female"
    NOT_SPECIFIED = "9", "Not specified"
    NOT_KNOWN = "X", "Not known"


class WayIn(models.TextChoices):
    IDENTIFIED = "identified", "Identified from activity data"
    REFERRED = "referred", "Referred"


class Client(models.Model):
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="clients")
    nhs_number = models.CharField("NHS number", max_length=10)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.NOT_KNOWN)
    postcode = models.CharField(max_length=8, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    gp_practice_code = models.CharField("GP practice", max_length=10, blank=True)
    way_in = models.CharField(max_length=20, choices=WayIn.choices, default=WayIn.IDENTIFIED)
    case_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="clients",
    )
    # The HIU alert (000 §2.3.6): a flag that urgent care should contact the service when this
    # client attends. Set and cleared on the plans pages (hiu.web.plans); shown on every page
    # of the record.
    alert_active = models.BooleanField("HIU alert", default=False)
    alert_note = models.TextField(blank=True)
    alert_changed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClientQuerySet.as_manager()

    class Meta:
        ordering = ["family_name", "given_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "nhs_number"], name="one_record_per_person_per_service"
            )
        ]

    def __str__(self) -> str:
        # Used in admin lists and logs: the record id, never the name or NHS number.
        return f"Client {self.pk}"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    def age_on(self, day: dt.date) -> int:
        return age_on(self.date_of_birth, day)
