"""The factories the demo and the tests make their records with (hiu.web.demo.factories): what
they make up, and that a record with the same natural key is brought up to date, not repeated,
so the demo can run again."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User

from hiu.web.accounts.models import Service
from hiu.web.accounts.roles import Role, roles_of
from hiu.web.clients.models import Client
from hiu.web.demo.factories import (
    make_client,
    make_contact,
    make_listed_person,
    make_run,
    make_service,
    make_staff,
    record_episode,
)
from hiu.web.episodes.models import PhaseChange
from hiu.web.episodes.phases import Phase
from hiu.web.identification.status import RunStatus

pytestmark = [pytest.mark.django_db, pytest.mark.db_engine]


def test_a_service_of_the_same_name_is_brought_up_to_date() -> None:
    first = make_service("Riverside HIU", organisation_code="RQX")
    again = make_service("Riverside HIU", organisation_code="RKE", area="Riverside")
    assert again.pk == first.pk
    assert (again.organisation_code, again.area) == ("RKE", "Riverside")
    assert Service.objects.count() == 1


def test_staff_are_made_in_a_role_and_brought_up_to_date_by_username(service: Service) -> None:
    lead = make_staff("sam", Role.SERVICE_LEAD, service, password="first-password-1")
    assert roles_of(lead) == [Role.SERVICE_LEAD]
    assert lead.staff_profile.service == service
    assert (lead.is_staff, lead.is_superuser) == (False, False)
    assert authenticate(username="sam", password="first-password-1") == lead

    again = make_staff("sam", Role.ADMINISTRATOR, None, first_name="Sam", django_admin=True)
    again.refresh_from_db()
    assert again.pk == lead.pk
    assert [g.name for g in again.groups.all()] == [Role.ADMINISTRATOR.label]
    assert again.staff_profile.service is None
    assert (again.first_name, again.is_staff, again.is_superuser) == ("Sam", True, True)
    # Without a password, no one can sign in as them.
    assert authenticate(username="sam", password="first-password-1") is None


def test_a_client_is_made_up_where_not_given_and_never_takes_a_used_number(
    service: Service, other_service: Service
) -> None:
    taken = make_client(service, nhs_number="9990000002")
    first = make_client(service)
    second = make_client(other_service)
    assert (first.nhs_number, first.given_name, first.family_name) == (
        "9990000003",
        "Given3",
        "Family3",
    )
    assert first.date_of_birth == dt.date(1970, 1, 4)
    assert second.nhs_number == "9990000004"
    assert taken.family_name == "Family1"  # its own NHS number, made-up names


def test_a_client_with_the_same_nhs_number_in_the_service_is_brought_up_to_date(
    service: Service, other_service: Service, staff: dict[Role, User]
) -> None:
    client = make_client(service, nhs_number="9990000018", family_name="Before")
    again = make_client(
        service, staff[Role.CASE_MANAGER], nhs_number="9990000018", family_name="After"
    )
    elsewhere = make_client(other_service, nhs_number="9990000018")
    assert again.pk == client.pk
    assert (again.family_name, again.given_name) == ("After", client.given_name)
    assert again.case_manager == staff[Role.CASE_MANAGER]
    assert elsewhere.pk != client.pk
    assert Client.objects.filter(nhs_number="9990000018").count() == 2


def test_an_episode_recorded_as_history_is_numbered_after_the_last_and_has_no_phase_changes(
    service: Service,
) -> None:
    client = make_client(service)
    first = record_episode(client, Phase.CLOSED, engaged_on=dt.date(2024, 3, 5))
    second = record_episode(client, Phase.CONTACTING, opened_on=dt.date(2024, 9, 1))
    assert (first.number, first.opened_on, first.engaged_on) == (
        1,
        dt.date(2024, 3, 5),
        dt.date(2024, 3, 5),
    )
    assert (second.number, second.phase, second.phase_since) == (
        2,
        Phase.CONTACTING,
        dt.date(2024, 9, 1),
    )
    assert not PhaseChange.objects.exists()


def test_a_contact_keeps_who_made_it(service: Service, staff: dict[Role, User]) -> None:
    manager = staff[Role.CASE_MANAGER]
    at = dt.datetime(2026, 1, 7, 14, 5, tzinfo=dt.UTC)
    contact = make_contact(make_client(service), at=at, reached=False, by=manager)
    assert (contact.by, contact.by_username, contact.reached) == (manager, "case_manager", False)


def test_a_finished_list_with_a_person_on_it(service: Service) -> None:
    run = make_run(service, dt.date(2026, 1, 31))
    person = make_listed_person(run, "9992000007", 1)
    assert (run.status, run.finished_at) == (
        RunStatus.DONE,
        dt.datetime(2026, 1, 31, 9, tzinfo=dt.UTC),
    )
    assert (person.rank, person.given_name, person.family_name) == (1, "Jean", "Knight1")
    assert list(run.people.all()) == [person]
