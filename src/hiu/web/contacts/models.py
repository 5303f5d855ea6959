"""The contact log: every attempt to reach a client and every contact made.

An attempt that did not reach the client is a ``Contact`` with ``reached=False``: the
three-attempts rule (000 §2.4.3) counts those since the last time the client was reached.

``__str__`` names rows by id only: names, NHS numbers and notes never reach logs.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from hiu.web.clients.models import Client
from hiu.web.corrections.entries import Correctable


class Channel(models.TextChoices):
    PHONE = "phone", "Phone call"
    TEXT = "text", "Text message"
    FACE_TO_FACE = "face_to_face", "Face to face"
    HOME_VISIT = "home_visit", "Home visit"
    VIDEO = "video", "Video call"
    LETTER = "letter", "Letter"


class Contact(Correctable):
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


class LetterKind(models.TextChoices):
    CLIENT_NO_CONTACT = "client_no_contact", "To the client after the contact attempts"
    GP_NO_CONTACT = "gp_no_contact", "To the GP after the contact attempts"
    GP_ACCEPTED = "gp_accepted", "To the GP: the client is under the service"
    GP_STEP_DOWN = "gp_step_down", "To the GP: the plan at step-down"
    CLIENT_STEP_DOWN = "client_step_down", "To the client at step-down"


class Recipient(models.TextChoices):
    CLIENT = "client", "The client"
    GP = "gp", "The GP"


#: Who each kind of letter goes to.
RECIPIENT_OF: dict[str, Recipient] = {
    LetterKind.CLIENT_NO_CONTACT: Recipient.CLIENT,
    LetterKind.GP_NO_CONTACT: Recipient.GP,
    LetterKind.GP_ACCEPTED: Recipient.GP,
    LetterKind.GP_STEP_DOWN: Recipient.GP,
    LetterKind.CLIENT_STEP_DOWN: Recipient.CLIENT,
}

#: The two letters sent after the contact attempts (000 §2.4.3).
NO_CONTACT_KINDS = (LetterKind.CLIENT_NO_CONTACT, LetterKind.GP_NO_CONTACT)


class LetterTemplate(models.Model):
    """A service's own wording of one kind of letter, with ``{placeholders}``."""

    service = models.ForeignKey(
        "accounts.Service", on_delete=models.CASCADE, related_name="letter_templates"
    )
    kind = models.CharField(max_length=30, choices=LetterKind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["service", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["service", "kind"], name="one_letter_template_per_kind")
        ]

    def __str__(self) -> str:
        return f"Letter template {self.pk}"


class Letter(Correctable):
    """A letter as it was made: its wording is kept as rendered then, not re-rendered later."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="letters")
    episode = models.ForeignKey(
        "episodes.Episode",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="letters",
    )
    kind = models.CharField(max_length=30, choices=LetterKind.choices)
    recipient = models.CharField(max_length=10, choices=Recipient.choices)
    title = models.CharField(max_length=200)
    body = models.TextField()
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    made_by_username = models.CharField(max_length=150, blank=True)
    made_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-made_at", "-id"]

    def __str__(self) -> str:
        return f"Letter {self.pk}"


class Visit(Correctable):
    """A lone-working visit (001 §9): the worker checks in with the office when they set out and
    out when they are safely back; a visit not checked out by its expected time is overdue."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="visits")
    episode = models.ForeignKey(
        "episodes.Episode",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="visits",
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    worker_username = models.CharField(max_length=150, blank=True)
    planned_at = models.DateTimeField()
    # "Client's home" or "Neutral place: <where>".
    place = models.CharField(max_length=200)
    escort = models.BooleanField(default=False)
    # Whether the worker called the client on the way (001 §9).
    called_ahead = models.BooleanField(default=False)
    risk_note = models.TextField(blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True, db_index=True)
    expected_back_at = models.DateTimeField(null=True, blank=True)
    checked_out_at = models.DateTimeField(null=True, blank=True)
    checked_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outcome_note = models.TextField(blank=True)
    # The contact the check-out recorded in the log, if it recorded one.
    contact = models.OneToOneField(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="visit"
    )

    class Meta:
        ordering = ["-planned_at", "-id"]

    def __str__(self) -> str:
        return f"Visit {self.pk}"

    @property
    def in_progress(self) -> bool:
        return self.checked_in_at is not None and self.checked_out_at is None

    @property
    def at_home(self) -> bool:
        return self.place == HOME


#: How a visit at the client's home is recorded in ``Visit.place``.
HOME = "Client's home"
NEUTRAL_PREFIX = "Neutral place: "
