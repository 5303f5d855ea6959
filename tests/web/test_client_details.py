"""A client's details: kept as versions with who changed what, checked UK phone numbers and
postcodes, and the choice between the latest extract and what the service recorded."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django.urls import reverse

from hiu.ingest.pipeline import import_file
from hiu.store.store import Store
from hiu.synth.nhs_number import synthetic_nhs_numbers
from hiu.web.accounts.models import Service
from hiu.web.accounts.roles import Role
from hiu.web.audit.models import Action, AuditEvent
from hiu.web.clients.details import current_details
from hiu.web.clients.models import Client, ClientDetails, ExtractChoice
from hiu.web.demo.factories import record_details

pytestmark = [pytest.mark.django_db, pytest.mark.db_engine]
(NUMBER,) = (str(n) for n in synthetic_nhs_numbers(np.arange(1), 11))

HOSTILE = '<script>alert("x")</script>=HYPERLINK("http://evil.example","x")'


# Changing details ----------------------------------------------------------------------------
def _form(**changes: Any) -> dict[str, Any]:
    data = {
        "preferred_name": "Jo",
        "pronouns": "she/her",
        "phone_1": "07700 900982",
        "phone_1_label": "mobile",
        "phone_1_messages": "on",
        "phone_2": "",
        "phone_2_label": "home",
        "phone_3": "",
        "phone_3_label": "mobile",
        "address_line_1": "12 Mare Street",
        "town": "London",
        "postcode": "e8 1aa",
        "preferred_method": "text",
        "best_times": "Weekday mornings",
        "messages_ok": "yes",
        "gp_practice_code": "f84003",
        "carer_name": "Ann Smith",
        "carer_relationship": "Daughter",
        "carer_phone": "020 7946 0123",
        "reason": "Given on the phone",
    }
    data.update(changes)
    return data


def _details_url(client: Client) -> str:
    return reverse("clients:change_details", args=[client.pk])


@pytest.fixture
def record(make_client: Callable[..., Client], service: Service, staff: dict[Role, User]) -> Client:
    return make_client(
        service,
        case_manager=staff[Role.CASE_MANAGER],
        phone="020 7946 0000",
        nhs_number=NUMBER,
    )


def test_a_case_manager_saves_details_as_a_new_version_and_the_record_keeps_the_search_fields(
    staff: dict[Role, User], signed_in: Callable[[User], HttpClient], record: Client
) -> None:
    http = signed_in(staff[Role.CASE_MANAGER])
    response = http.post(_details_url(record), _form(phone_2="+44 1632 960001"))
    assert response.status_code == 302
    version = ClientDetails.objects.get(client=record)
    assert version.number == 1
    assert version.recorded_by == staff[Role.CASE_MANAGER]
    assert version.reason == "Given on the phone"
    assert [(p.number, p.phone_digits, p.messages_ok) for p in version.phones.all()] == [
        ("07700 900982", "07700900982", True),
        ("+44 1632 960001", "01632960001", False),
    ]
    record.refresh_from_db()
    assert record.phone == "07700 900982"
    assert record.phone_digits == "07700900982 01632960001"
    assert record.postcode == "E8 1AA"
    assert record.gp_practice_code == "F84003"
    page = http.get(reverse("clients:detail", args=[record.pk])).content.decode()
    assert "07700 900982 (mobile, safe to leave a message)" in page
    assert "Ann Smith, Daughter, 020 7946 0123" in page
    assert "Text message" in page


def test_a_change_is_audited_with_the_fields_that_changed_and_no_values(
    staff: dict[Role, User], signed_in: Callable[[User], HttpClient], record: Client
) -> None:
    http = signed_in(staff[Role.CASE_MANAGER])
    http.post(_details_url(record), _form())
    http.post(_details_url(record), _form(carer_name="Bob Smith", reason=""))
    events = AuditEvent.objects.filter(
        action=Action.UPDATE_CLIENT, object_id=str(record.pk)
    ).order_by("id")
    assert [e.detail["version"] for e in events] == [1, 2]
    assert events.last().detail["changed"] == ["carer"]  # type: ignore[union-attr]
    for event in events:
        text = str(event.detail)
        assert "Smith" not in text
        assert "0790" not in text
        assert "E8" not in text


def test_the_history_lists_every_version_with_who_changed_what(
    staff: dict[Role, User], signed_in: Callable[[User], HttpClient], record: Client
) -> None:
    manager = staff[Role.CASE_MANAGER]
    manager.first_name, manager.last_name = "Sam", "Carter"
    manager.save()
    record_details(record, manager, phones=[("mobile", "07700 900982", False)])
    record_details(record, manager, carer_name="Ann Smith", reason="Met her at the visit")
    page = signed_in(manager).get(reverse("clients:details_history", args=[record.pk]))
    text = page.content.decode()
    assert "Version 2 (current)" in text
    assert "Version 1" in text
    assert text.count("by Sam Carter") == 2
    assert "Changed: Next of kin or carer" in text
    assert "Reason: Met her at the visit" in text
    assert "Changed: Phone numbers" in text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone_1", "12345", "Enter a UK phone number, like 01632 960 001"),
        ("phone_2", "+1 212 555 0100", "Enter a UK phone number"),
        ("carer_phone", "call me", "Enter a UK phone number"),
        ("postcode", "SW1A", "Enter a real postcode, like SW10 9NH"),
        ("gp_practice_code", "F8-4003", "Enter a GP practice code, like E85001"),
        ("interpreter_needed", "on", "Enter the language they need an interpreter for"),
    ],
)
def test_wrong_details_come_back_with_an_nhs_error_message_and_nothing_is_saved(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    record: Client,
    field: str,
    value: str,
    message: str,
) -> None:
    response = signed_in(staff[Role.CASE_MANAGER]).post(
        _details_url(record), _form(**{field: value})
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "nhsuk-error-summary" in text
    assert message in text
    anchor = "interpreter_language" if field == "interpreter_needed" else field
    assert f'href="#{anchor}"' in text
    assert not ClientDetails.objects.filter(client=record).exists()


def test_saving_the_same_details_again_is_refused(
    staff: dict[Role, User], signed_in: Callable[[User], HttpClient], record: Client
) -> None:
    http = signed_in(staff[Role.CASE_MANAGER])
    http.post(_details_url(record), _form())
    response = http.post(_details_url(record), _form())
    assert response.status_code == 200
    assert "Nothing has changed" in response.content.decode()
    assert ClientDetails.objects.filter(client=record).count() == 1


def test_the_form_starts_from_what_the_record_was_made_with(
    staff: dict[Role, User], signed_in: Callable[[User], HttpClient], record: Client
) -> None:
    page = signed_in(staff[Role.CASE_MANAGER]).get(_details_url(record)).content.decode()
    assert 'value="020 7946 0000"' in page
    assert current_details(record).phones[0].number == "020 7946 0000"


def test_hostile_text_is_shown_as_text(
    staff: dict[Role, User], signed_in: Callable[[User], HttpClient], record: Client
) -> None:
    http = signed_in(staff[Role.CASE_MANAGER])
    response = http.post(
        _details_url(record),
        _form(preferred_name=HOSTILE[:100], carer_name=HOSTILE, best_times=HOSTILE, reason=HOSTILE),
    )
    assert response.status_code == 302
    for url in ("clients:detail", "clients:details_history"):
        text = http.get(reverse(url, args=[record.pk])).content.decode()
        assert "<script>alert" not in text
        assert "&lt;script&gt;" in text


def test_a_data_coordinator_reads_the_details_but_cannot_change_them(
    staff: dict[Role, User], signed_in: Callable[[User], HttpClient], record: Client
) -> None:
    http = signed_in(staff[Role.DATA_COORDINATOR])
    page = http.get(reverse("clients:detail", args=[record.pk])).content.decode()
    assert "History of details" in page
    assert "Change details" not in page
    assert http.post(_details_url(record), _form()).status_code == 403


# The extract ---------------------------------------------------------------------------------
def _people(data_dir: Path, tmp_path: Path, nhs_number: str, **values: str) -> Store:
    store = Store.in_data_dir(data_dir)
    columns = ["nhs_number", "date_of_birth", *values]
    path = tmp_path / "people.csv"
    path.write_text(
        ",".join(columns) + "\n" + ",".join([nhs_number, "1970-01-02", *values.values()]) + "\n"
    )
    result = import_file(store, "people", path, imported_by="test")
    assert result.manifest.rejected == 0
    return store


def test_where_the_extract_differs_both_are_shown_and_the_worker_takes_the_extracts(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    record: Client,
    data_dir: Path,
    tmp_path: Path,
) -> None:
    _people(
        data_dir,
        tmp_path,
        record.nhs_number,
        phone="07700 900123",
        postcode="E8 1AA",
        gp_practice_code="F84003",
    )
    record_details(record, staff[Role.CASE_MANAGER], postcode="E8 1AA", gp_practice_code="F84999")
    http = signed_in(staff[Role.CASE_MANAGER])
    page = http.get(reverse("clients:detail", args=[record.pk])).content.decode()
    assert "Phone: the latest extract differs" in page
    assert "GP practice: the latest extract differs" in page
    assert "Postcode: the latest extract differs" not in page  # they agree
    response = http.post(
        reverse("clients:extract_choice", args=[record.pk]), {"field": "phone", "keep": "extract"}
    )
    assert response.status_code == 302
    details = current_details(record)
    assert [p.number for p in details.phones] == ["07700 900123", "020 7946 0000"]
    record.refresh_from_db()
    assert "07700900123" in record.phone_digits.split()
    latest = ClientDetails.objects.filter(client=record).latest("number")
    assert latest.source == "extract"
    event = AuditEvent.objects.filter(action=Action.UPDATE_CLIENT).latest("id")
    assert event.detail == {"what": "extract_choice", "field": "phone", "kept": "extract"}
    page = http.get(reverse("clients:detail", args=[record.pk])).content.decode()
    assert "Phone: the latest extract differs" not in page


def test_keeping_ours_is_remembered_until_the_extract_says_something_new(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    record: Client,
    data_dir: Path,
    tmp_path: Path,
) -> None:
    _people(data_dir, tmp_path, record.nhs_number, gp_practice_code="F84003")
    http = signed_in(staff[Role.CASE_MANAGER])
    http.post(
        reverse("clients:extract_choice", args=[record.pk]),
        {"field": "gp_practice_code", "keep": "service"},
    )
    assert ExtractChoice.objects.get(client=record).kept == "service"
    assert not ClientDetails.objects.filter(client=record).exists()
    page = http.get(reverse("clients:detail", args=[record.pk])).content.decode()
    assert "GP practice: the latest extract differs" not in page
    _people(data_dir, tmp_path, record.nhs_number, gp_practice_code="F84004")
    page = http.get(reverse("clients:detail", args=[record.pk])).content.decode()
    assert "GP practice: the latest extract differs" in page


# Who may choose (the other pages are in test_access.py's table) -------------------------------
def test_choosing_between_the_extract_and_ours_is_for_the_lead_and_case_managers(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    client: HttpClient,
    record: Client,
) -> None:
    url = reverse("clients:extract_choice", args=[record.pk])
    sent = {"field": "phone", "keep": "service"}
    assert client.post(url, sent)["Location"].startswith(reverse("accounts:sign_in"))
    assert signed_in(staff[Role.DATA_COORDINATOR]).post(url, sent).status_code == 403
    assert signed_in(staff[Role.CASE_MANAGER]).post(url, sent).status_code == 302
    assert signed_in(staff[Role.CASE_MANAGER]).get(url).status_code == 405


def test_choosing_for_another_services_client_is_not_found(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    make_client: Callable[..., Client],
    other_service: Service,
) -> None:
    other = make_client(other_service)
    response = signed_in(staff[Role.SERVICE_LEAD]).post(
        reverse("clients:extract_choice", args=[other.pk]), {"field": "phone", "keep": "extract"}
    )
    assert response.status_code == 404
    assert other.family_name not in response.content.decode()
    assert not AuditEvent.objects.filter(object_id=str(other.pk)).exists()
