"""User administration in the app (issue 19, point 6): the administrator adds people, changes
their roles and service, switches accounts off and on and sets passwords; every change is
audited with no password in it; the rules keep someone able to administer."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django.urls import reverse

from hiu.web.accounts.models import Service
from hiu.web.accounts.roles import Role, roles_of
from hiu.web.audit.models import Action, AuditEvent

pytestmark = pytest.mark.db_engine

PASSWORD = "a long enough passphrase 42"


@pytest.fixture
def admin(staff: dict[Role, User], signed_in: Callable[[User], HttpClient]) -> HttpClient:
    return signed_in(staff[Role.ADMINISTRATOR])


def _new(place: Service, **more: object) -> dict[str, object]:
    return {
        "username": "jbloggs",
        "first_name": "Jo",
        "last_name": "Bloggs",
        "email": "jo.bloggs@nhs.net",
        "job_title": "HIU case manager",
        "organisation": "Homerton Healthcare",
        "service": str(place.pk),
        "roles": ["CASE_MANAGER"],
        "password": PASSWORD,
        "password_again": PASSWORD,
        **more,
    }


def test_the_administrator_adds_a_case_manager_who_can_then_sign_in(
    admin: HttpClient, service: Service, client: HttpClient, staff: dict[Role, User]
) -> None:
    response = admin.post(reverse("accounts:add_user"), _new(service))
    assert response.status_code == 302
    made = User.objects.get(username="jbloggs")
    assert roles_of(made) == [Role.CASE_MANAGER]
    assert made.staff_profile.service == service  # type: ignore[attr-defined]
    assert made.check_password(PASSWORD)
    event = AuditEvent.objects.get(action=Action.CREATE_USER)
    assert (event.actor, event.object_type, event.object_id) == (
        staff[Role.ADMINISTRATOR],
        "user",
        str(made.pk),
    )
    assert event.detail == {"roles": ["CASE_MANAGER"], "service": service.pk}
    assert PASSWORD not in str(AuditEvent.objects.filter(pk=event.pk).values().get())
    client.logout()
    signed = client.post(reverse("accounts:sign_in"), {"username": "jbloggs", "password": PASSWORD})
    assert signed.status_code == 302


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"username": "CASE_MANAGER"}, "username", "Someone already has that username"),
        ({"username": "jo bloggs"}, "username", "Use letters, numbers"),
        ({"password_again": "something else entirely"}, "password_again", "the same password"),
        (
            {"password": "password123", "password_again": "password123"},
            "password",
            "too common",
        ),
        (
            {
                "last_name": "Featherstonehaugh",
                "password": "Featherstonehaugh",
                "password_again": "Featherstonehaugh",
            },
            "password",
            "too similar to the last name",
        ),
        ({"service": ""}, "service", "Select the service they work in"),
        ({"first_name": ""}, "first_name", "Enter their first name"),
        ({"roles": ["NOT_A_ROLE"]}, "roles", "Select roles from the list"),
    ],
)
def test_a_new_user_is_refused_with_the_field_named(
    admin: HttpClient,
    service: Service,
    change: dict[str, object],
    field: str,
    message: str,
) -> None:
    users = User.objects.count()
    response = admin.post(reverse("accounts:add_user"), _new(service, **change))
    assert response.status_code == 200
    text = response.content.decode()
    assert message in text
    assert f'href="#{field}' in text  # the error summary links to the field
    assert User.objects.count() == users
    assert not AuditEvent.objects.filter(action=Action.CREATE_USER).exists()


def test_changing_roles_and_service_is_audited_with_what_changed(
    admin: HttpClient,
    staff: dict[Role, User],
    service: Service,
    other_service: Service,
) -> None:
    person = staff[Role.CASE_MANAGER]
    page = admin.get(reverse("accounts:change_user", args=[person.pk]))
    assert page.status_code == 200
    response = admin.post(
        reverse("accounts:change_user", args=[person.pk]),
        {
            "first_name": "Sam",
            "last_name": "Okafor",
            "service": str(other_service.pk),
            "roles": ["SERVICE_LEAD"],
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    person.__dict__.pop("_hiu_roles", None)  # roles_of caches a user's roles
    assert roles_of(person) == [Role.SERVICE_LEAD]
    event = AuditEvent.objects.get(action=Action.CHANGE_USER)
    assert event.detail["changed"] == ["first_name", "last_name", "roles", "service"]
    assert event.detail["roles"] == {"from": ["CASE_MANAGER"], "to": ["SERVICE_LEAD"]}
    assert event.detail["service"] == {"from": service.pk, "to": other_service.pk}
    # Saving again with nothing changed records nothing.
    admin.post(
        reverse("accounts:change_user", args=[person.pk]),
        {
            "first_name": "Sam",
            "last_name": "Okafor",
            "service": str(other_service.pk),
            "roles": ["SERVICE_LEAD"],
        },
    )
    assert AuditEvent.objects.filter(action=Action.CHANGE_USER).count() == 1


def test_switching_an_account_off_stops_sign_in_and_the_open_session(
    admin: HttpClient, staff: dict[Role, User]
) -> None:
    person = staff[Role.CASE_MANAGER]
    person.set_password(PASSWORD)
    person.save()
    theirs = HttpClient()
    theirs.force_login(person)
    assert theirs.get(reverse("clients:caseload")).status_code == 200
    admin.post(reverse("accounts:user_active", args=[person.pk]), {"active": "no"})
    person.refresh_from_db()
    assert not person.is_active
    assert theirs.get(reverse("clients:caseload")).status_code == 302  # sent to sign in
    assert AuditEvent.objects.filter(
        action=Action.DEACTIVATE_USER, object_id=str(person.pk)
    ).exists()
    admin.post(reverse("accounts:user_active", args=[person.pk]), {"active": "yes"})
    person.refresh_from_db()
    assert person.is_active
    assert AuditEvent.objects.filter(action=Action.REACTIVATE_USER).count() == 1


def test_an_administrator_cannot_lock_themselves_out(
    admin: HttpClient, staff: dict[Role, User]
) -> None:
    me = staff[Role.ADMINISTRATOR]
    off = admin.post(reverse("accounts:user_active", args=[me.pk]), {"active": "no"}, follow=True)
    assert "You cannot switch off your own account" in off.content.decode()
    demoted = admin.post(
        reverse("accounts:change_user", args=[me.pk]),
        {"first_name": "Ad", "last_name": "Min", "roles": ["IG_LEAD"]},
    )
    assert "You cannot take away your own administrator role" in demoted.content.decode()
    me.refresh_from_db()
    assert me.is_active
    me.__dict__.pop("_hiu_roles", None)
    assert roles_of(me) == [Role.ADMINISTRATOR]
    assert not AuditEvent.objects.filter(
        action__in=[Action.DEACTIVATE_USER, Action.CHANGE_USER]
    ).exists()


def test_setting_a_password_signs_them_out_elsewhere_and_is_audited_without_it(
    admin: HttpClient, staff: dict[Role, User]
) -> None:
    person = staff[Role.CASE_MANAGER]
    theirs = HttpClient()
    theirs.force_login(person)
    weak = admin.post(
        reverse("accounts:user_password", args=[person.pk]),
        {"password": "short", "password_again": "short"},
    )
    assert "too short" in weak.content.decode()
    response = admin.post(
        reverse("accounts:user_password", args=[person.pk]),
        {"password": PASSWORD, "password_again": PASSWORD},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password(PASSWORD)
    assert theirs.get(reverse("clients:caseload")).status_code == 302
    event = AuditEvent.objects.get(action=Action.RESET_PASSWORD)
    assert event.object_id == str(person.pk)
    assert PASSWORD not in str(AuditEvent.objects.filter(pk=event.pk).values().get())


def test_hostile_names_are_shown_as_text(admin: HttpClient, service: Service) -> None:
    hostile = "<script>alert(1)</script>"
    admin.post(reverse("accounts:add_user"), _new(service, first_name=hostile))
    page = admin.get(reverse("accounts:users")).content.decode()
    assert hostile not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize("url_name", ["accounts:change_user", "accounts:user_password"])
def test_one_user_s_pages_are_the_administrator_s_only(
    url_name: str, staff: dict[Role, User], signed_in: Callable[[User], HttpClient]
) -> None:
    person = staff[Role.CASE_MANAGER]
    url = reverse(url_name, args=[person.pk])
    assert signed_in(staff[Role.ADMINISTRATOR]).get(url).status_code == 200
    assert signed_in(staff[Role.IG_LEAD]).get(url).status_code == 403
    assert HttpClient().get(url).status_code == 302
    assert (
        signed_in(staff[Role.ADMINISTRATOR]).get(reverse(url_name, args=[999_999])).status_code
        == 404
    )


def test_switching_an_account_off_is_a_post_by_the_administrator(
    staff: dict[Role, User], signed_in: Callable[[User], HttpClient]
) -> None:
    person = staff[Role.CASE_MANAGER]
    url = reverse("accounts:user_active", args=[person.pk])
    assert signed_in(staff[Role.ADMINISTRATOR]).get(url).status_code == 405
    assert signed_in(staff[Role.SERVICE_LEAD]).post(url, {"active": "no"}).status_code == 403
    person.refresh_from_db()
    assert person.is_active
