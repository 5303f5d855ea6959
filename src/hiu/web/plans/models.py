"""Consent, assessment and plans.

Consent follows the RightCare client consent form (001 §10.3): four statements the client
agrees to, given verbally first (by phone, 001 §9) and then in writing at the first face-to-face
meeting, with a review date. Consent can be withdrawn at any time; from then on the service
shares nothing about the client and every page of the record says so
(``sharing_stopped_on``).

``__str__`` names rows by id only.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from hiu.web.clients.models import Client


class ConsentLevel(models.TextChoices):
    VERBAL = "verbal", "Verbal"
    WRITTEN = "written", "Written"


#: The statements of the RightCare consent form (001 §10.3), by the field that records each.
CONSENT_STATEMENTS = {
    "share_information": (
        "I give permission for the service, my GP practice and the local constabulary to share "
        "personal information with other service providers in connection with my care."
    ),
    "access_records": (
        "This includes accessing and sharing my medical, and if applicable mental health and "
        "police records."
    ),
    "referrals": (
        "I agree to referrals being made to the mental health helpline, 111 or other service "
        "providers that may be relevant, in order to support my needs."
    ),
    "obtain_information": (
        "I understand that the service may obtain information about me from the various "
        "partner organisations (which will be explained to me) and as such my rights under the "
        "Data Protection Act will not be affected."
    ),
}


class Consent(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="consents")
    episode = models.ForeignKey(
        "episodes.Episode", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    level = models.CharField(max_length=10, choices=ConsentLevel.choices)
    share_information = models.BooleanField(default=False)
    access_records = models.BooleanField(default=False)
    referrals = models.BooleanField(default=False)
    obtain_information = models.BooleanField(default=False)
    given_on = models.DateField()
    # Who witnessed it (name and role), for written consent.
    witnessed_by = models.CharField(max_length=200, blank=True)
    review_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawal_note = models.TextField(blank=True)
    withdrawal_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["client", "-given_on", "-id"]

    def __str__(self) -> str:
        return f"Consent {self.pk}"


def current_consent(client: Client) -> Consent | None:
    """The latest consent recorded for the client, withdrawn or not."""
    return client.consents.order_by("-given_on", "-id").first()


def sharing_stopped_on(client: Client) -> dt.date | None:
    """The day the client withdrew consent, if their latest consent is withdrawn.

    From that day nothing about the client is shared: letters to GPs and other organisations
    are refused, and every page of the record says so.
    """
    consent = current_consent(client)
    return consent.withdrawn_on if consent is not None else None
