"""Letters carry the practice's name and address and the service's own address and phone;
people are shown by their full names, in one format."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from hiu.web.accounts.models import Service
from hiu.web.accounts.roles import Role
from hiu.web.audit.models import Action, AuditEvent
from hiu.web.clients.models import Client
from hiu.web.contacts.letters import make_letter
from hiu.web.contacts.models import LetterKind
from hiu.web.demo.factories import make_contact, record_details
from hiu.web.formatting import display_name, display_username
from hiu.web.organisations.models import Kind, Organisation

pytestmark = [pytest.mark.django_db, pytest.mark.db_engine]


@pytest.fixture
def named(staff: dict[Role, User]) -> dict[Role, User]:
    for role, (first, last) in {
        Role.CASE_MANAGER: ("Sam", "Carter"),
        Role.SERVICE_LEAD: ("Priya", "Shah"),
    }.items():
        staff[role].first_name, staff[role].last_name = first, last
        staff[role].save()
    return staff


@pytest.fixture
def record(make_client: Callable[..., Client], service: Service, named: dict[Role, User]) -> Client:
    client = make_client(service, case_manager=named[Role.CASE_MANAGER], gp_practice_code="F84003")
    record_details(
        client,
        named[Role.CASE_MANAGER],
        address_line_1="Flat 2, 12 Mare Street",
        town="London",
        postcode="E8 1AA",
    )
    return client


def _service_contact(service: Service) -> None:
    service.address_line_1 = "Unit 4, Northgate Health Centre"
    service.town = "Northgate"
    service.postcode = "E8 1DY"
    service.phone = "020 7946 0321"
    service.save()


def test_a_letter_to_the_gp_carries_the_practices_name_and_address_and_the_services(
    named: dict[Role, User], signed_in: Callable[[User], HttpClient], record: Client
) -> None:
    Organisation.objects.create(
        code="F84003",
        name="THE LAWSON PRACTICE",
        kind=Kind.GP_PRACTICE,
        address_line_1="NUTTALL STREET",
        address_line_4="LONDON",
        postcode="N1 5LZ",
    )
    _service_contact(record.service)
    letter = make_letter(record, LetterKind.GP_ACCEPTED, by=named[Role.SERVICE_LEAD])
    page = signed_in(named[Role.CASE_MANAGER]).get(reverse("contacts:letter", args=[letter.pk]))
    text = page.content.decode()
    assert "The GP<br>THE LAWSON PRACTICE<br>NUTTALL STREET<br>LONDON<br>N1 5LZ" in text
    assert "Unit 4, Northgate Health Centre" in text
    assert "Phone: 020 7946 0321" in text
    assert "GP practice F84003" not in text
    assert "by Priya Shah" in text


def test_a_letter_to_the_gp_of_an_unloaded_practice_still_names_its_code(
    named: dict[Role, User], signed_in: Callable[[User], HttpClient], record: Client
) -> None:
    letter = make_letter(record, LetterKind.GP_ACCEPTED, by=named[Role.SERVICE_LEAD])
    text = (
        signed_in(named[Role.CASE_MANAGER])
        .get(reverse("contacts:letter", args=[letter.pk]))
        .content.decode()
    )
    assert "The GP<br>GP practice F84003" in text


def test_a_letter_to_the_client_is_addressed_to_their_recorded_address(
    named: dict[Role, User], signed_in: Callable[[User], HttpClient], record: Client
) -> None:
    letter = make_letter(record, LetterKind.CLIENT_STEP_DOWN, by=named[Role.CASE_MANAGER])
    text = (
        signed_in(named[Role.CASE_MANAGER])
        .get(reverse("contacts:letter", args=[letter.pk]))
        .content.decode()
    )
    assert f"{record.full_name}<br>Flat 2, 12 Mare Street<br>London<br>E8 1AA" in text


def test_templates_can_name_the_services_phone_and_address(
    named: dict[Role, User], record: Client, signed_in: Callable[[User], HttpClient]
) -> None:
    _service_contact(record.service)
    response = signed_in(named[Role.SERVICE_LEAD]).post(
        reverse("contacts:template", args=[LetterKind.CLIENT_STEP_DOWN]),
        {"title": "Hello", "body": "Call us on {service_phone} or write to {service_address}."},
    )
    assert response.status_code == 302
    letter = make_letter(record, LetterKind.CLIENT_STEP_DOWN, by=named[Role.CASE_MANAGER])
    assert letter.body == (
        "Call us on 020 7946 0321 or write to Unit 4, Northgate Health Centre, Northgate, E8 1DY."
    )


def test_the_lead_keeps_the_services_contact_details_audited_by_field(
    named: dict[Role, User], signed_in: Callable[[User], HttpClient], service: Service
) -> None:
    http = signed_in(named[Role.SERVICE_LEAD])
    url = reverse("contacts:service_contact")
    response = http.post(url, {"town": "Northgate", "postcode": "e81dy", "phone": "02079460321"})
    assert response.status_code == 302
    service.refresh_from_db()
    assert (service.postcode, service.phone) == ("E8 1DY", "02079460321")
    event = AuditEvent.objects.get(action=Action.CHANGE_SERVICE_SETTINGS)
    assert event.detail == {"what": "service_contact", "changed": ["town", "postcode", "phone"]}
    templates = http.get(reverse("contacts:templates")).content.decode()
    assert "Northgate, E8 1DY, 02079460321" in templates


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("postcode", "E8", "Enter a real postcode, like SW10 9NH"),
        ("phone", "12345", "Enter a UK phone number"),
        ("email", "not-an-email", "Enter an email address in the correct format"),
    ],
)
def test_wrong_service_contact_details_come_back_with_an_error(
    named: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    field: str,
    value: str,
    message: str,
) -> None:
    response = signed_in(named[Role.SERVICE_LEAD]).post(
        reverse("contacts:service_contact"), {field: value}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not AuditEvent.objects.filter(action=Action.CHANGE_SERVICE_SETTINGS).exists()


def test_hostile_service_details_are_shown_as_text_on_letters(
    named: dict[Role, User], signed_in: Callable[[User], HttpClient], record: Client
) -> None:
    http = signed_in(named[Role.SERVICE_LEAD])
    http.post(
        reverse("contacts:service_contact"),
        {"address_line_1": "<script>alert(1)</script>", "town": '=HYPERLINK("x")'},
    )
    letter = make_letter(record, LetterKind.GP_ACCEPTED, by=named[Role.SERVICE_LEAD])
    text = http.get(reverse("contacts:letter", args=[letter.pk])).content.decode()
    assert "<script>alert(1)" not in text
    assert "&lt;script&gt;alert(1)" in text


# Names ----------------------------------------------------------------------------------------
def test_a_person_is_named_given_name_then_family_name_or_by_username_without_one(
    make_user: Callable[..., User], service: Service
) -> None:
    user = make_user("sc1", Role.CASE_MANAGER, service)
    assert display_name(user) == "sc1"
    user.first_name, user.last_name = "Sam", "Carter"
    user.save()
    assert display_name(user) == "Sam Carter"
    assert display_username("sc1") == "Sam Carter"
    assert display_username("left-the-service") == "left-the-service"
    assert display_name(None) == "Not recorded"


def test_pages_name_workers_by_their_full_names_not_their_usernames(
    named: dict[Role, User], signed_in: Callable[[User], HttpClient], record: Client
) -> None:
    manager = named[Role.CASE_MANAGER]
    make_contact(record, at=timezone.now(), reached=True, by=manager, note="Spoke on the phone")
    http = signed_in(manager)
    for url in ("clients:detail", "contacts:client", "clients:details_history"):
        text = http.get(reverse(url, args=[record.pk])).content.decode()
        assert "Sam Carter" in text, url
        assert f">{manager.username}<" not in text, url
        assert f"by {manager.username}" not in text, url
