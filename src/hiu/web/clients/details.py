"""A client's details (how to reach and support them), kept as versions, and the choice between
what the latest extract says and what the service recorded.

Every change is a new ``ClientDetails`` version: who, when, an optional reason. The latest is
current, and the client row keeps a copy of the first phone number, the postcode, the GP practice
and every number's digits (``Client.phone_digits``) for the pages and the search that read them.
Before the first version, the details are those the record was made with (from the identified
list or the referral).

Audit events name the fields that changed, never their values.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from hiu import contact_formats
from hiu.store.lookup import person_rows
from hiu.store.store import Store
from hiu.web.audit.models import Action
from hiu.web.audit.service import record
from hiu.web.clients.models import (
    Client,
    ClientDetails,
    DetailsSource,
    ExtractChoice,
    PhoneLabel,
    PhoneNumber,
)
from hiu.web.refused import Refused


@dataclass(frozen=True)
class Phone:
    label: str
    number: str
    messages_ok: bool = False

    @property
    def digits(self) -> str:
        return contact_formats.phone_digits(self.number)


@dataclass(frozen=True)
class Details:
    """What a version holds, as the form gives it and the pages show it."""

    preferred_name: str = ""
    pronouns: str = ""
    phones: tuple[Phone, ...] = ()
    address_line_1: str = ""
    address_line_2: str = ""
    town: str = ""
    postcode: str = ""
    best_times: str = ""
    messages_ok: str = ""
    preferred_method: str = ""
    gp_practice_code: str = ""
    gp_practice_name: str = ""
    carer_name: str = ""
    carer_relationship: str = ""
    carer_phone: str = ""
    interpreter_needed: bool = False
    interpreter_language: str = ""


#: The fields of a version, in the order the pages list them, with their labels.
FIELDS: tuple[tuple[str, str], ...] = (
    ("preferred_name", "Preferred name"),
    ("pronouns", "Pronouns"),
    ("phones", "Phone numbers"),
    ("address", "Address"),
    ("preferred_method", "Preferred way to contact"),
    ("best_times", "Best times to contact"),
    ("messages_ok", "Safe to leave a message"),
    ("gp_practice", "GP practice"),
    ("carer", "Next of kin or carer"),
    ("interpreter", "Interpreter"),
)
_GROUPS: dict[str, tuple[str, ...]] = {
    "address": ("address_line_1", "address_line_2", "town", "postcode"),
    "gp_practice": ("gp_practice_code", "gp_practice_name"),
    "carer": ("carer_name", "carer_relationship", "carer_phone"),
    "interpreter": ("interpreter_needed", "interpreter_language"),
}


def _simple_fields() -> tuple[str, ...]:
    return tuple(name for name in Details.__dataclass_fields__ if name != "phones")


def details_of(version: ClientDetails) -> Details:
    return Details(
        phones=tuple(
            Phone(phone.label, phone.number, phone.messages_ok) for phone in version.phones.all()
        ),
        **{name: getattr(version, name) for name in _simple_fields()},
    )


def current_version(client: Client) -> ClientDetails | None:
    return client.details_versions.prefetch_related("phones").order_by("-number").first()


def current_details(client: Client) -> Details:
    """The latest version, or what the record was made with when nobody has changed it yet."""
    version = current_version(client)
    if version is not None:
        return details_of(version)
    phones: tuple[Phone, ...] = ()
    if client.phone:
        phones = (Phone(PhoneLabel.OTHER, client.phone),)
    return Details(
        phones=phones, postcode=client.postcode, gp_practice_code=client.gp_practice_code
    )


def changed_fields(before: Details, after: Details) -> list[str]:
    """The names (from ``FIELDS``) of what differs between two versions."""
    changed = []
    for name, _ in FIELDS:
        parts = _GROUPS.get(name, (name,))
        if any(getattr(before, part) != getattr(after, part) for part in parts):
            changed.append(name)
    return changed


@transaction.atomic
def save_details(
    client: Client,
    details: Details,
    *,
    by: User,
    reason: str = "",
    source: str = DetailsSource.SERVICE,
    request: HttpRequest | None = None,
) -> ClientDetails:
    """Record ``details`` as the client's new current version, unless nothing changed."""
    locked = Client.objects.select_for_update().get(pk=client.pk)
    before = current_details(locked)
    changed = changed_fields(before, details)
    if not changed:
        raise Refused("Nothing has changed: change a detail, or go back to the record")
    last = locked.details_versions.order_by("-number").values_list("number", flat=True).first()
    version = ClientDetails.objects.create(
        client=locked,
        number=(last or 0) + 1,
        reason=reason.strip(),
        source=source,
        recorded_by=by,
        recorded_at=timezone.now(),
        **{name: getattr(details, name) for name in _simple_fields()},
    )
    digits = []
    for position, phone in enumerate(details.phones, start=1):
        PhoneNumber.objects.create(
            details=version,
            position=position,
            label=phone.label,
            number=phone.number.strip(),
            phone_digits=phone.digits,
            messages_ok=phone.messages_ok,
        )
        digits.append(phone.digits)
    locked.phone = details.phones[0].number.strip()[:20] if details.phones else ""
    locked.phone_digits = " ".join(digits)[:200]
    locked.postcode = details.postcode
    locked.gp_practice_code = details.gp_practice_code
    locked.save(
        update_fields=["phone", "phone_digits", "postcode", "gp_practice_code", "updated_at"]
    )
    client.phone, client.phone_digits = locked.phone, locked.phone_digits
    client.postcode, client.gp_practice_code = locked.postcode, locked.gp_practice_code
    record(
        Action.UPDATE_CLIENT,
        request=request,
        actor=by,
        object_type="client",
        object_id=client.pk,
        detail={"what": "details", "version": version.number, "changed": changed, "source": source},
    )
    return version


# The extract ---------------------------------------------------------------------------------

#: The details the people extract also holds: (field, label).
EXTRACT_FIELDS: tuple[tuple[str, str], ...] = (
    ("phone", "Phone"),
    ("postcode", "Postcode"),
    ("gp_practice_code", "GP practice"),
)


def extract_person(store: Store, nhs_number: str) -> dict[str, Any] | None:
    """The latest people extract's row for the client, or None (no extract, or not in it)."""
    table = store.state().tables.get("people")
    if table is None:
        return None
    columns = [name for name, _ in EXTRACT_FIELDS]
    frame = person_rows(store.root / table.path, nhs_number, columns)
    return frame.row(0, named=True) if frame.height else None


def _normal(name: str, value: str) -> str:
    """A value in the form the two sides are compared in; unreadable text as it is."""
    text = " ".join(value.split())
    try:
        if name == "phone":
            return contact_formats.phone_digits(text)
        if name == "postcode":
            return contact_formats.postcode(text)
    except ValueError:
        return text.upper()
    return text.upper()


@dataclass(frozen=True)
class Difference:
    field: str
    label: str
    ours: str
    theirs: str


def _ours(details: Details, name: str) -> list[str]:
    if name == "phone":
        return [phone.number for phone in details.phones]
    return [getattr(details, name)]


def extract_differences(client: Client, person: dict[str, Any] | None) -> list[Difference]:
    """Where the extract has a value the service's details do not, and nobody has chosen
    between these two yet."""
    if person is None:
        return []
    details = current_details(client)
    chosen = {
        (choice.field, choice.extract_value)
        for choice in ExtractChoice.objects.filter(client=client)
    }
    found = []
    for name, label in EXTRACT_FIELDS:
        theirs = " ".join(str(person.get(name) or "").split())
        if not theirs or (name, _normal(name, theirs)) in chosen:
            continue
        ours = _ours(details, name)
        if _normal(name, theirs) in {_normal(name, value) for value in ours if value}:
            continue
        found.append(Difference(name, label, ", ".join(v for v in ours if v), theirs))
    return found


@transaction.atomic
def choose(
    client: Client,
    difference: Difference,
    *,
    keep: str,
    by: User,
    request: HttpRequest | None = None,
) -> None:
    """Settle one difference: take the extract's value into a new version, or keep ours."""
    if keep == DetailsSource.EXTRACT:
        details = current_details(client)
        if difference.field == "phone":
            try:
                phone = Phone(PhoneLabel.OTHER, difference.theirs)
                phone.digits  # noqa: B018 - checks the extract's number before it is kept
            except contact_formats.NotAPhoneNumber:
                raise Refused(
                    "The extract's phone number is not a UK phone number: keep ours, or add "
                    "the right number on the change details page"
                ) from None
            details = replace(details, phones=(phone, *details.phones))
        elif difference.field == "postcode":
            try:
                value = contact_formats.postcode(difference.theirs)
            except contact_formats.NotAPostcode:
                raise Refused("The extract's postcode is not a real postcode: keep ours") from None
            details = replace(details, postcode=value)
        else:
            details = replace(
                details, gp_practice_code=difference.theirs.upper(), gp_practice_name=""
            )
        save_details(
            client,
            details,
            by=by,
            reason="Taken from the latest extract",
            source=DetailsSource.EXTRACT,
            request=request,
        )
    ExtractChoice.objects.create(
        client=client,
        field=difference.field,
        extract_value=_normal(difference.field, difference.theirs)[:200],
        kept=keep,
        chosen_by=by,
        chosen_at=timezone.now(),
    )
    record(
        Action.UPDATE_CLIENT,
        request=request,
        actor=by,
        object_type="client",
        object_id=client.pk,
        detail={"what": "extract_choice", "field": difference.field, "kept": keep},
    )


def history(client: Client) -> list[tuple[ClientDetails, Details, list[str]]]:
    """Every version, newest first, each with what it changed from the one before."""
    versions = list(client.details_versions.prefetch_related("phones").order_by("number"))
    rows = []
    before = Details()
    for version in versions:
        details = details_of(version)
        rows.append((version, details, changed_fields(before, details)))
        before = details
    return list(reversed(rows))
