"""Searching the audit log: by NHS number, person, action, record and dates (issue 19, point 5).

The log names records by type and id, never by NHS number (models.py). A search by NHS number
is answered by finding the records that belong to the number, each service's client record
and each identified-list row, and then their events: the number itself is never stored, and
no record is opened to find it. The number is sent in the body of a POST, never in a URL (which
servers and proxies write to their access logs, and browsers to their history): the page then
carries the records it matched, by id, in a signed ``person`` token.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core import signing
from django.db.models import Q, QuerySet
from django.utils import timezone

from hiu.web.audit.models import Action, AuditEvent
from hiu.web.clients.models import Client
from hiu.web.forms import DateField, NhsNumberField
from hiu.web.identification.models import IdentifiedPerson


class AuditSearchForm(forms.Form):
    """The log's filters, all optional; read from the query string."""

    nhs_number = NhsNumberField(required=False)  # in a POST only (the view drops it from GETs)
    person = forms.CharField(required=False, max_length=2000)
    username = forms.CharField(required=False, max_length=150, strip=True)
    action = forms.ChoiceField(required=False, choices=[("", "Any action"), *Action.choices])
    client = forms.IntegerField(
        required=False,
        min_value=1,
        error_messages={
            "invalid": "Enter the client record number as a whole number, like 1042",
            "min_value": "Enter the client record number as a whole number, like 1042",
        },
    )
    date_from = DateField("the first day", required=False)
    date_to = DateField("the last day", required=False)

    def clean_person(self) -> Records | None:
        token = self.cleaned_data.get("person") or ""
        if not token:
            return None
        try:
            return Records.from_token(token)
        except signing.BadSignature:
            raise forms.ValidationError(
                "This search was changed or is too old: search by the NHS number again"
            ) from None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The last day must be the same as or after the first day")
        return cleaned

    def search(self) -> AuditSearch:
        """The search the form describes (once ``is_valid`` has said it is)."""
        data = self.cleaned_data
        number = data.get("nhs_number") or ""
        return AuditSearch(
            person=records_of(number) if number else data.get("person"),
            username=data.get("username") or "",
            action=data.get("action") or "",
            client=data.get("client"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )


#: Keeps the person token apart from every other signed value of the app.
PERSON_SALT = "hiu.audit.person"
#: A person search's links work for a day; then the IG lead searches by the number again.
PERSON_MAX_AGE = 24 * 60 * 60


@dataclass(frozen=True)
class Records:
    """The records an NHS number has in the casework database."""

    clients: list[int] = field(default_factory=list)
    identified_people: list[int] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.clients or self.identified_people)

    def token(self) -> str:
        """The records as a signed token for the page's links: ids only, never the number."""
        return signing.dumps(
            {"c": self.clients, "p": self.identified_people}, salt=PERSON_SALT, compress=True
        )

    @classmethod
    def from_token(cls, token: str) -> Records:
        """The records of ``token``; BadSignature if it was changed or is too old."""
        data = signing.loads(token, salt=PERSON_SALT, max_age=PERSON_MAX_AGE)
        return cls(
            clients=[int(pk) for pk in data["c"]],
            identified_people=[int(pk) for pk in data["p"]],
        )


def records_of(nhs_number: str) -> Records:
    """Every service's client record and every identified-list row with ``nhs_number``.

    Every service's, not the searcher's own: the log covers the whole deployment, and a person's
    events may be in any service's records. Only ids are read."""
    return Records(
        clients=list(Client.objects.filter(nhs_number=nhs_number).values_list("pk", flat=True)),
        identified_people=list(
            IdentifiedPerson.objects.filter(nhs_number=nhs_number).values_list("pk", flat=True)
        ),
    )


@dataclass(frozen=True)
class AuditSearch:
    #: The records of the NHS number searched for (the number itself is not kept).
    person: Records | None = None
    username: str = ""
    action: str = ""
    client: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    @property
    def any(self) -> bool:
        return any(
            (self.person, self.username, self.action, self.client, self.date_from, self.date_to)
        )

    def events(self) -> QuerySet[AuditEvent]:
        """The events the search finds, newest first."""
        events = AuditEvent.objects.select_related("actor")
        if self.person is not None:
            found = self.person
            events = events.filter(
                Q(object_type="client", object_id__in=[str(pk) for pk in found.clients])
                | Q(
                    object_type="identified_person",
                    object_id__in=[str(pk) for pk in found.identified_people],
                )
            )
        if self.username:
            events = events.filter(actor_username__iexact=self.username)
        if self.action:
            events = events.filter(action=self.action)
        if self.client is not None:
            events = events.filter(object_type="client", object_id=str(self.client))
        # Whole local days, as bounds on the indexed time rather than a date function of it.
        if self.date_from:
            events = events.filter(at__gte=_start_of(self.date_from))
        if self.date_to:
            events = events.filter(at__lt=_start_of(self.date_to + dt.timedelta(days=1)))
        return events

    def as_query(self) -> dict[str, str]:
        """The search as the page's query string (for pagination and the export link)."""
        query = {
            "person": self.person.token() if self.person is not None else "",
            "username": self.username,
            "action": self.action,
            "client": str(self.client or ""),
        }
        for name, day in (("date_from", self.date_from), ("date_to", self.date_to)):
            if day:
                query |= {f"{name}_day": str(day.day), f"{name}_month": str(day.month)}
                query[f"{name}_year"] = str(day.year)
        return {key: value for key, value in query.items() if value}

    def as_detail(self) -> dict[str, Any]:
        """The search for the audit log itself: never the NHS number, only that one was given
        and how many records it matched."""
        detail: dict[str, Any] = {
            "username": self.username,
            "action": self.action,
            "client": self.client,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
        }
        if self.person is not None:
            detail["by_nhs_number"] = {
                "client_records": self.person.clients,
                "identified_list_rows": len(self.person.identified_people),
            }
        return {key: value for key, value in detail.items() if value}


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
