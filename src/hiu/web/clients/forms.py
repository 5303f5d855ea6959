"""Client forms. Messages follow the NHS.UK error message guidance: say what to do."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, ClassVar

from django import forms
from django.contrib.auth.models import User

from hiu import contact_formats
from hiu.web.clients.caseload import Load, person_name
from hiu.web.clients.details import EXTRACT_FIELDS, Details, Phone
from hiu.web.clients.models import ContactMethod, DetailsSource, MessagesOk, PhoneLabel
from hiu.web.clients.search import Search, SearchNotUnderstood, parse_search
from hiu.web.formatting import format_date
from hiu.web.forms import DateField

#: An ODS code of a GP practice: a letter and five digits (E85001), or the few longer forms.
GP_PRACTICE_CODE = re.compile(r"[A-Z][A-Z0-9]{2,7}")


class SearchForm(forms.Form):
    q = forms.CharField(
        max_length=100,
        error_messages={
            "required": "Enter a name, NHS number, date of birth, phone or postcode",
            "max_length": "Enter no more than 100 characters",
        },
    )

    def clean_q(self) -> str:
        text: str = self.cleaned_data["q"]
        try:
            self.search: Search = parse_search(text)
        except SearchNotUnderstood as problem:
            raise forms.ValidationError(str(problem), code="not_understood") from None
        return text


REASON_MAX = 500


class AllocateForm(forms.Form):
    case_manager = forms.ChoiceField(
        error_messages={
            "required": "Select who will be the case manager",
            "invalid_choice": "Select who will be the case manager",
        }
    )
    # Needed when the client has a case manager already (the service says so).
    reason = forms.CharField(
        required=False,
        max_length=REASON_MAX,
        error_messages={"max_length": f"The reason must be {REASON_MAX} characters or fewer"},
    )

    def __init__(
        self, *args: Any, workers: list[User], loads: dict[int, Load], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.workers = {str(worker.pk): worker for worker in workers}
        self.loads = loads
        field = self.fields["case_manager"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(key, person_name(worker)) for key, worker in self.workers.items()]

    def chosen(self) -> User:
        return self.workers[self.cleaned_data["case_manager"]]


class TaskFilterForm(forms.Form):
    """Filters on the service's task list: blank means every kind, every worker."""

    kind = forms.ChoiceField(required=False)
    worker = forms.ChoiceField(required=False)

    def __init__(
        self,
        *args: Any,
        kinds: list[tuple[str, str]],
        workers: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        worker = self.fields["worker"]
        assert isinstance(kind, forms.ChoiceField)
        assert isinstance(worker, forms.ChoiceField)
        kind.choices = [("", "Every kind"), *kinds]
        worker.choices = [("", "Everyone"), ("none", "Not allocated"), *workers]


NOTE_MAX = 1000
WHAT_MAX = 200


class CompleteTaskForm(forms.Form):
    note = forms.CharField(
        required=False,
        max_length=NOTE_MAX,
        error_messages={"max_length": f"The note must be {NOTE_MAX:,} characters or fewer"},
    )


class SnoozeTaskForm(forms.Form):
    """Snooze to tomorrow, next week, or a date typed in."""

    when = forms.ChoiceField(
        choices=[("tomorrow", "Tomorrow"), ("next_week", "Next week"), ("date", "Another date")],
        error_messages={
            "required": "Select when the task should come back",
            "invalid_choice": "Select when the task should come back",
        },
    )
    until = DateField("the date the task should come back", required=False, not_future=False)

    def __init__(self, *args: Any, choices: dict[str, dt.date], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.quick = choices
        field = self.fields["when"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("tomorrow", f"Tomorrow ({format_date(choices['tomorrow'])})"),
            ("next_week", f"Next week ({format_date(choices['next_week'])})"),
            ("date", "Another date"),
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        when = cleaned.get("when")
        if when == "date" and cleaned.get("until") is None and "until" not in self.errors:
            self.add_error("until", "Enter the date the task should come back")
        return cleaned

    def chosen(self) -> dt.date:
        when = self.cleaned_data["when"]
        if when == "date":
            day: dt.date = self.cleaned_data["until"]
            return day
        return self.quick[when]


def _worker_field(message: str) -> forms.ChoiceField:
    return forms.ChoiceField(error_messages={"required": message, "invalid_choice": message})


class _ChoosesAWorker(forms.Form):
    """A form with a field (``worker_field``) choosing one of ``workers``, shown by their
    names; ``chosen()`` is that user."""

    worker_field: ClassVar[str] = "worker"

    def __init__(self, *args: Any, workers: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.workers = {str(worker.pk): worker for worker in workers}
        field = self.fields[self.worker_field]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(key, person_name(worker)) for key, worker in self.workers.items()]

    def chosen(self) -> User:
        return self.workers[self.cleaned_data[self.worker_field]]


class WorkerChoiceForm(_ChoosesAWorker):
    worker = _worker_field("Select who will do the task")


class OwnTaskForm(_ChoosesAWorker):
    worker_field = "assignee"

    what = forms.CharField(
        max_length=WHAT_MAX,
        error_messages={
            "required": "Enter what needs doing",
            "max_length": f"What needs doing must be {WHAT_MAX} characters or fewer",
        },
    )
    due_on = DateField("the date the task is due", not_future=False)
    assignee = _worker_field("Select who will do the task")


class LeaverForm(_ChoosesAWorker):
    """Whose caseload is moving."""

    worker_field = "leaver"
    leaver = _worker_field("Select whose caseload is moving")


class CaseloadMoveForm(forms.Form):
    """A new case manager for each of a leaver's clients (``client_<id>``), and why."""

    reason = forms.CharField(
        max_length=REASON_MAX,
        error_messages={
            "required": "Enter why the caseload is moving",
            "max_length": f"The reason must be {REASON_MAX} characters or fewer",
        },
    )

    def __init__(self, *args: Any, clients: list[Any], workers: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.workers = {str(worker.pk): worker for worker in workers}
        choices = [(key, person_name(worker)) for key, worker in self.workers.items()]
        self.clients = clients
        for client in clients:
            self.fields[f"client_{client.pk}"] = forms.ChoiceField(
                choices=choices,
                error_messages={
                    "required": f"Select a new case manager for {client.full_name}",
                    "invalid_choice": f"Select a new case manager for {client.full_name}",
                },
            )

    def plan(self) -> dict[int, User]:
        return {
            client.pk: self.workers[self.cleaned_data[f"client_{client.pk}"]]
            for client in self.clients
        }

    def client_fields(self) -> list[tuple[Any, Any]]:
        return [(client, self[f"client_{client.pk}"]) for client in self.clients]


class ClientFilterForm(forms.Form):
    """The client list's filters (blank: any). ``alert`` names a filter in
    ``hiu.web.clients.listing.ALERTS``."""

    worker = forms.ChoiceField(required=False)
    phase = forms.ChoiceField(required=False)
    complexity = forms.ChoiceField(required=False)
    alert = forms.ChoiceField(required=False)

    def __init__(
        self,
        *args: Any,
        workers: list[tuple[str, str]],
        phases: list[tuple[str, str]],
        complexities: list[tuple[str, str]],
        alerts: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for name, choices, blank in (
            ("worker", [("none", "Not allocated"), *workers], "Everyone"),
            ("phase", phases, "Any phase"),
            ("complexity", complexities, "Any complexity"),
            ("alert", alerts, "Any"),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [("", blank), *choices]


def _text(max_length: int, what: str) -> forms.CharField:
    return forms.CharField(
        required=False,
        max_length=max_length,
        error_messages={"max_length": f"{what} must be {max_length} characters or fewer"},
    )


#: How many phone numbers the details form offers.
PHONE_SLOTS = 3


class DetailsForm(forms.Form):
    """A client's details: every field optional; phone numbers and postcodes must be real."""

    preferred_name = _text(100, "The preferred name")
    pronouns = _text(40, "The pronouns")
    address_line_1 = _text(100, "Address line 1")
    address_line_2 = _text(100, "Address line 2")
    town = _text(100, "The town or city")
    postcode = _text(10, "The postcode")
    preferred_method = forms.ChoiceField(
        required=False,
        choices=ContactMethod.choices,
        error_messages={"invalid_choice": "Select how they prefer to be contacted"},
    )
    best_times = _text(200, "The best times")
    messages_ok = forms.ChoiceField(
        required=False,
        choices=MessagesOk.choices,
        error_messages={"invalid_choice": "Select whether it is safe to leave a message"},
    )
    gp_practice_code = _text(10, "The GP practice code")
    gp_practice_name = _text(200, "The GP practice name")
    carer_name = _text(200, "The name")
    carer_relationship = _text(100, "The relationship")
    carer_phone = _text(30, "The phone number")
    interpreter_needed = forms.BooleanField(required=False)
    interpreter_language = _text(100, "The language")
    reason = _text(500, "The reason")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for slot in range(1, PHONE_SLOTS + 1):
            self.fields[f"phone_{slot}"] = _text(30, "The phone number")
            self.fields[f"phone_{slot}_label"] = forms.ChoiceField(
                required=False,
                choices=PhoneLabel.choices,
                error_messages={"invalid_choice": "Select what kind of number it is"},
            )
            self.fields[f"phone_{slot}_messages"] = forms.BooleanField(required=False)

    def phone_slots(self) -> list[tuple[int, Any, Any, Any]]:
        return [
            (
                slot,
                self[f"phone_{slot}"],
                self[f"phone_{slot}_label"],
                self[f"phone_{slot}_messages"],
            )
            for slot in range(1, PHONE_SLOTS + 1)
        ]

    def _phone(self, name: str) -> str:
        text = " ".join(str(self.cleaned_data.get(name) or "").split())
        if text:
            try:
                contact_formats.phone_digits(text)
            except contact_formats.NotAPhoneNumber:
                raise forms.ValidationError(
                    f"Enter a UK phone number, {contact_formats.PHONE_EXAMPLE}"
                ) from None
        return text

    def clean_carer_phone(self) -> str:
        return self._phone("carer_phone")

    def clean_postcode(self) -> str:
        text = str(self.cleaned_data.get("postcode") or "")
        if not text.strip():
            return ""
        try:
            return contact_formats.postcode(text)
        except contact_formats.NotAPostcode:
            raise forms.ValidationError(
                f"Enter a real postcode, {contact_formats.POSTCODE_EXAMPLE}"
            ) from None

    def clean_gp_practice_code(self) -> str:
        code = "".join(str(self.cleaned_data.get("gp_practice_code") or "").upper().split())
        if code and not GP_PRACTICE_CODE.fullmatch(code):
            raise forms.ValidationError("Enter a GP practice code, like E85001")
        return code

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for slot in range(1, PHONE_SLOTS + 1):
            name = f"phone_{slot}"
            if name in cleaned:
                try:
                    cleaned[name] = self._phone(name)
                except forms.ValidationError as error:
                    self.add_error(name, error)
        if (
            cleaned.get("interpreter_needed")
            and not str(cleaned.get("interpreter_language") or "").strip()
        ):
            self.add_error(
                "interpreter_language", "Enter the language they need an interpreter for"
            )
        return cleaned

    def details(self) -> Details:
        data = self.cleaned_data
        phones = tuple(
            Phone(
                data.get(f"phone_{slot}_label") or PhoneLabel.MOBILE,
                data[f"phone_{slot}"],
                bool(data.get(f"phone_{slot}_messages")),
            )
            for slot in range(1, PHONE_SLOTS + 1)
            if data.get(f"phone_{slot}")
        )
        text = {
            name: " ".join(str(data.get(name) or "").split())
            for name in (
                "preferred_name",
                "pronouns",
                "address_line_1",
                "address_line_2",
                "town",
                "best_times",
                "gp_practice_name",
                "carer_name",
                "carer_relationship",
            )
        }
        needed = bool(data.get("interpreter_needed"))
        return Details(
            phones=phones,
            postcode=data.get("postcode", ""),
            messages_ok=data.get("messages_ok") or "",
            preferred_method=data.get("preferred_method") or "",
            gp_practice_code=data.get("gp_practice_code", ""),
            carer_phone=data.get("carer_phone", ""),
            interpreter_needed=needed,
            interpreter_language=(
                " ".join(str(data.get("interpreter_language") or "").split()) if needed else ""
            ),
            **text,
        )


def details_initial(details: Details) -> dict[str, Any]:
    """The form filled with the current details."""
    initial: dict[str, Any] = {
        name: getattr(details, name) for name in Details.__dataclass_fields__ if name != "phones"
    }
    for slot, phone in enumerate(details.phones[:PHONE_SLOTS], start=1):
        initial[f"phone_{slot}"] = phone.number
        initial[f"phone_{slot}_label"] = phone.label
        initial[f"phone_{slot}_messages"] = phone.messages_ok
    return initial


class ExtractChoiceForm(forms.Form):
    field = forms.ChoiceField(choices=[(name, label) for name, label in EXTRACT_FIELDS])
    keep = forms.ChoiceField(
        choices=DetailsSource.choices,
        error_messages={
            "required": "Choose which to keep",
            "invalid_choice": "Choose which to keep",
        },
    )
