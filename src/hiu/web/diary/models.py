"""The diary: visits, calls and appointments booked ahead (issue 18, point 5), and each
worker's private calendar feed.

A booking belongs to a client and a worker. A booked home visit leads into the lone-working
check-in (``hiu.web.contacts``): the visit it started is kept here, and the booking is done
when the visit is checked out having seen the client.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from hiu.web.clients.models import Client


class Kind(models.TextChoices):
    HOME_VISIT = "home_visit", "Home visit"
    PHONE_CALL = "phone_call", "Phone call"
    APPOINTMENT = "appointment", "Appointment elsewhere"
    MEETING = "meeting", "Meeting"


class Status(models.TextChoices):
    BOOKED = "booked", "Booked"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"
    DID_NOT_ATTEND = "did_not_attend", "Did not attend"


class Booking(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="bookings")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    # Free text: the client's address for a home visit, a clinic, a café.
    location = models.CharField(max_length=200, blank=True)
    # Who else will be there: "with her support worker", "at the GP's with Dr ...".
    with_whom = models.CharField(max_length=200, blank=True)
    # A second worker going too (lone-working risk): their own week shows the booking.
    escort = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="escorted_bookings",
    )
    notes = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.BOOKED)
    cancel_reason = models.TextField(blank=True)
    # The lone-working visit a booked home visit started (its check-in).
    visit = models.OneToOneField(
        "contacts.Visit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="booking",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["worker", "starts_at"])]

    def __str__(self) -> str:
        return f"Booking {self.pk}"

    @property
    def is_booked(self) -> bool:
        return self.status == Status.BOOKED


class CalendarFeed(models.Model):
    """A worker's private calendar feed: the token in its URL is the only key, so it can be
    regenerated (the old URL stops working) or revoked (deleted)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Calendar feed of user {self.user_id}"
