"""The client record: who the person is and which service and case manager support them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models

from hiu.identify.listing import age_on
from hiu.phonetic import name_key, phone_key
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


class _SearchKeys:
    """Which key fields follow which fields, for a ``save(update_fields=...)``."""

    FOLLOW = {
        "given_name": "given_name_key",
        "family_name": "family_name_key",
        "phone": "phone_key",
    }

    def get_for(self, fields: Any) -> list[str]:
        return [key for field, key in self.FOLLOW.items() if field in set(fields)]


SEARCH_KEYS = _SearchKeys()


class Client(models.Model):
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="clients")
    nhs_number = models.CharField("NHS number", max_length=10)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.NOT_KNOWN)
    postcode = models.CharField(max_length=8, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    # Every current phone number's digits in national form, space separated (``07700900982
    # 02079460123``): what a search by phone looks in. Kept by ``details.save_details``.
    phone_digits = models.CharField(max_length=200, blank=True, db_index=True)
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
    # Search keys (hiu.phonetic), kept by ``save`` whenever the names or phone change, however
    # they change (a form, a referral, a person taken from an identified list, an import).
    given_name_key = models.CharField(max_length=100, blank=True, db_index=True)
    family_name_key = models.CharField(max_length=100, blank=True, db_index=True)
    phone_key = models.CharField(max_length=20, blank=True, db_index=True)

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

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.given_name_key = name_key(self.given_name)
        self.family_name_key = name_key(self.family_name)
        self.phone_key = phone_key(self.phone)
        fields = kwargs.get("update_fields")
        if fields is not None:
            kwargs["update_fields"] = {*fields, *SEARCH_KEYS.get_for(fields)}
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    def age_on(self, day: dt.date) -> int:
        return age_on(self.date_of_birth, day)


class TaskOrigin(models.TextChoices):
    DERIVED = "derived", "Due from the record"
    OWN = "own", "Added by a worker"


#: Why an own task stopped without being done; shown with the task.
CANCELLED_EPISODE_CLOSED = "cancelled: episode closed"


class WorkerTask(models.Model):
    """What a worker did to a task, or a task a worker added.

    Derived tasks (``hiu.web.clients.due``) are worked out afresh on every visit from the
    record: they have no row until someone completes, snoozes or reassigns one. That row is
    keyed by ``(client, kind, what, due_on)``, the task's identity: the same reason on the same
    day gives the same four values on every visit, while a reason that comes round again (the
    next holding check, the plan's next review date) comes with a new due date and is a new
    task, so completing this month's check never hides next month's. The link (``url``) is
    not part of the key: it names where the work is done, not which work it is.

    Own tasks (``origin=own``, ``kind="own"``) are whatever a worker adds ("Chase the housing
    officer"); their ``what`` and ``due_on`` can be edited, so they are known by their id.

    Completed, snoozed and reassigned are states of the row, never deletions: who completed a
    task, when and why is kept. An own task whose client's episode closes is cancelled (kept,
    with ``cancelled_reason``).
    """

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="worker_tasks")
    origin = models.CharField(max_length=10, choices=TaskOrigin.choices)
    kind = models.CharField(max_length=40)
    what = models.CharField(max_length=200)
    due_on = models.DateField()
    # Someone other than the client's case manager does this one (None: the case manager).
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    snoozed_until = models.DateField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    completed_note = models.TextField(blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_reason = models.CharField(max_length=60, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "kind", "what", "due_on"],
                condition=models.Q(origin="derived"),
                name="one_row_per_derived_task",
            )
        ]

    def __str__(self) -> str:
        return f"Task {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.completed_at is None and self.cancelled_at is None


class Allocation(models.Model):
    """One change of a client's case manager: to whom, from whom, who made it, when and why.
    Written by ``hiu.web.clients.services.allocate`` (the one way a client is allocated), never
    edited; the record shows them as its allocation history."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="allocations")
    case_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    previous = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"Allocation {self.pk}"


class MessagesOk(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_ASKED = "", "Not asked"


class ContactMethod(models.TextChoices):
    NOT_ASKED = "", "No preference recorded"
    PHONE = "phone", "Phone call"
    TEXT = "text", "Text message"
    LETTER = "letter", "Letter"
    EMAIL = "email", "Email"
    VISIT = "visit", "Visit in person"


class PhoneLabel(models.TextChoices):
    MOBILE = "mobile", "Mobile"
    HOME = "home", "Home"
    WORK = "work", "Work"
    OTHER = "other", "Other"


class DetailsSource(models.TextChoices):
    SERVICE = "service", "Recorded by the service"
    EXTRACT = "extract", "Taken from the extract"


class ClientDetails(models.Model):
    """One version of how to reach and support a client. A change is a new version (never an
    edit), so the history shows who changed what, and when; the latest is the current one."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="details_versions")
    number = models.PositiveIntegerField()
    preferred_name = models.CharField(max_length=100, blank=True)
    pronouns = models.CharField(max_length=40, blank=True)
    address_line_1 = models.CharField(max_length=100, blank=True)
    address_line_2 = models.CharField(max_length=100, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    best_times = models.CharField(max_length=200, blank=True)
    messages_ok = models.CharField(
        "safe to leave a message", max_length=3, choices=MessagesOk.choices, blank=True
    )
    preferred_method = models.CharField(max_length=10, choices=ContactMethod.choices, blank=True)
    gp_practice_code = models.CharField("GP practice code", max_length=10, blank=True)
    gp_practice_name = models.CharField("GP practice", max_length=200, blank=True)
    carer_name = models.CharField("next of kin or carer", max_length=200, blank=True)
    carer_relationship = models.CharField(max_length=100, blank=True)
    carer_phone = models.CharField(max_length=30, blank=True)
    interpreter_needed = models.BooleanField(default=False)
    interpreter_language = models.CharField(max_length=100, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    source = models.CharField(
        max_length=10, choices=DetailsSource.choices, default=DetailsSource.SERVICE
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["client", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["client", "number"], name="one_details_version_number")
        ]

    def __str__(self) -> str:
        return f"Details {self.number} of client {self.client_id}"


class PhoneNumber(models.Model):
    """A phone number of one version of a client's details."""

    details = models.ForeignKey(ClientDetails, on_delete=models.CASCADE, related_name="phones")
    position = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=10, choices=PhoneLabel.choices, default=PhoneLabel.MOBILE)
    number = models.CharField(max_length=30)
    phone_digits = models.CharField(max_length=15)
    messages_ok = models.BooleanField("safe to leave a message", default=False)

    class Meta:
        ordering = ["details", "position"]

    def __str__(self) -> str:
        return f"Phone {self.position} of {self.details}"


class ExtractChoice(models.Model):
    """A worker's choice between the extract's value of a detail and the service's: kept so the
    same difference is not asked about again (a new extract value is)."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="extract_choices")
    field = models.CharField(max_length=30)
    extract_value = models.CharField(max_length=200)
    kept = models.CharField(max_length=10, choices=DetailsSource.choices)
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    chosen_at = models.DateTimeField()

    class Meta:
        ordering = ["client", "-chosen_at", "-id"]

    def __str__(self) -> str:
        return f"Extract choice {self.pk}"
