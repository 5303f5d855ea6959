"""The book/change and cancel forms. Messages follow the NHS.UK error message guidance: they
say what to do and name the field."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.utils import timezone

from hiu.web.clients.caseload import person_name
from hiu.web.contacts.forms import parse_time
from hiu.web.diary.models import Booking, Kind, Status
from hiu.web.diary.services import Details
from hiu.web.forms import DateField

NO_ESCORT = ""


def _choice(required: str, **kwargs: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        error_messages={"required": required, "invalid_choice": required}, **kwargs
    )


class BookingForm(forms.Form):
    kind = _choice("Select what kind of booking it is", choices=Kind.choices)
    worker = _choice("Select who the booking is for")
    starts_on = DateField("the date of the booking", not_future=False)
    starts_time = forms.CharField(required=False, max_length=10)
    ends_time = forms.CharField(required=False, max_length=10)
    location = forms.CharField(
        required=False,
        max_length=200,
        error_messages={"max_length": "Where must be 200 characters or fewer"},
    )
    with_whom = forms.CharField(
        required=False,
        max_length=200,
        error_messages={"max_length": "With whom must be 200 characters or fewer"},
    )
    escort = forms.ChoiceField(
        required=False,
        error_messages={"invalid_choice": "Select a second worker from the list, or no one"},
    )
    notes = forms.CharField(
        required=False,
        max_length=2000,
        error_messages={"max_length": "The notes must be 2,000 characters or fewer"},
    )

    def __init__(self, *args: Any, workers: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.workers = {str(worker.pk): worker for worker in workers}
        names = [(key, person_name(worker)) for key, worker in self.workers.items()]
        worker = self.fields["worker"]
        escort = self.fields["escort"]
        assert isinstance(worker, forms.ChoiceField)
        assert isinstance(escort, forms.ChoiceField)
        worker.choices = names
        escort.choices = [(NO_ESCORT, "No one"), *names]

    @staticmethod
    def initial_for(worker: User, booking: Booking | None = None) -> dict[str, Any]:
        if booking is None:
            tomorrow = timezone.localdate() + dt.timedelta(days=1)
            return {
                "worker": str(worker.pk),
                "starts_on": tomorrow,
                "starts_time": "10:00",
                "ends_time": "11:00",
                "escort": NO_ESCORT,
            }
        starts, ends = timezone.localtime(booking.starts_at), timezone.localtime(booking.ends_at)
        return {
            "kind": booking.kind,
            "worker": str(booking.worker_id),
            "starts_on": starts.date(),
            "starts_time": f"{starts:%H:%M}",
            "ends_time": f"{ends:%H:%M}",
            "location": booking.location,
            "with_whom": booking.with_whom,
            "escort": str(booking.escort_id or NO_ESCORT),
            "notes": booking.notes,
        }

    def _time(self, name: str, what: str) -> dt.time | None:
        text = str(self.cleaned_data.get(name) or "").strip()
        if not text:
            self.add_error(name, f"Enter the time it {what}")
            return None
        time = parse_time(text)
        if time is None:
            self.add_error(name, f"Enter the time it {what} like 14:30 or 2:30pm")
        return time

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        day: dt.date | None = cleaned.get("starts_on")
        starts, ends = self._time("starts_time", "starts"), self._time("ends_time", "ends")
        if day is not None and starts is not None and ends is not None:
            cleaned["starts_at"] = timezone.make_aware(dt.datetime.combine(day, starts))
            cleaned["ends_at"] = timezone.make_aware(dt.datetime.combine(day, ends))
        return cleaned

    def details(self) -> Details:
        data = self.cleaned_data
        escort = data.get("escort") or NO_ESCORT
        return Details(
            worker=self.workers[data["worker"]],
            kind=data["kind"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            location=data.get("location") or "",
            with_whom=data.get("with_whom") or "",
            escort=self.workers[escort] if escort != NO_ESCORT else None,
            notes=data.get("notes") or "",
        )


class CancelForm(forms.Form):
    status = _choice(
        "Select whether it was cancelled or the client did not attend",
        choices=[
            (Status.CANCELLED, "Cancelled"),
            (Status.DID_NOT_ATTEND, "Did not attend"),
        ],
    )
    reason = forms.CharField(
        required=False,
        max_length=1000,
        error_messages={"max_length": "The reason must be 1,000 characters or fewer"},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("status") == Status.CANCELLED and not str(cleaned.get("reason")).strip():
            self.add_error("reason", "Enter why the booking is cancelled")
        return cleaned
