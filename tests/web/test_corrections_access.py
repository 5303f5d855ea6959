"""Who can open which correction page: every page, every role, someone signed out, and another
service's records (a 404 that does not name the client). The table is the specification."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from access_support import declared_roles, http_cases, named_urls, table_cases
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from hiu.web.accounts.models import Service
from hiu.web.accounts.roles import Role
from hiu.web.audit.models import Action, AuditEvent
from hiu.web.clients.models import Client
from hiu.web.contacts.models import Contact
from hiu.web.demo.factories import make_contact
from hiu.web.meetings.models import Meeting, MeetingKind

CASEWORK = frozenset({Role.SERVICE_LEAD, Role.CASE_MANAGER, Role.DATA_COORDINATOR})
LEAD = frozenset({Role.SERVICE_LEAD})


@dataclass(frozen=True)
class Page:
    roles: frozenset[Role]
    post: bool = False  # a form that changes something
    post_audit: str | None = None  # the audit detail's "correction" a valid POST writes


PAGES: dict[str, Page] = {
    "corrections:entry": Page(CASEWORK),
    "corrections:amend": Page(CASEWORK, post=True, post_audit="amended"),
    "corrections:in_error": Page(CASEWORK, post=True, post_audit="entered_in_error"),
    "corrections:move": Page(LEAD, post=True, post_audit="moved_out"),
}


@dataclass
class World:
    client: Client
    right: Client
    contact: Contact
    other_client: Client
    other_contact: Contact


@pytest.fixture
def world(
    staff: dict[Role, User],
    make_client: Callable[..., Client],
    service: Service,
    other_service: Service,
) -> World:
    at = timezone.now() - dt.timedelta(hours=2)
    client = make_client(service, case_manager=staff[Role.CASE_MANAGER])
    other = make_client(other_service)
    return World(
        client=client,
        right=make_client(service),
        contact=make_contact(client, at=at, reached=True, note="Talked", duration_minutes=30),
        other_client=other,
        other_contact=make_contact(other, at=at, reached=True, note="Theirs"),
    )


def _url(name: str, world: World, other: bool = False) -> str:
    if other:
        return reverse(name, args=[world.other_client.pk, "contact", world.other_contact.pk])
    return reverse(name, args=[world.client.pk, "contact", world.contact.pk])


def _valid_post(name: str, world: World) -> dict[str, Any]:
    if name == "corrections:amend":
        at = timezone.localtime(world.contact.at)
        return {
            "at_day": at.day,
            "at_month": at.month,
            "at_year": at.year,
            "at_time": f"{at:%H:%M}",
            "channel": "phone",
            "reached": "yes",
            "duration": "20",
            "note": "Talked",
            "reason": "Wrong duration",
        }
    if name == "corrections:in_error":
        return {"reason": "Recorded twice"}
    if name == "corrections:move":
        return {"nhs_number": world.right.nhs_number, "reason": "Wrong client"}
    raise AssertionError(name)


def test_the_table_names_every_page() -> None:
    assert named_urls("corrections") == set(PAGES)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_signed_out_people_are_sent_to_sign_in(client: HttpClient, world: World, name: str) -> None:
    response = client.get(_url(name, world))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))


@pytest.mark.parametrize(
    ("name", "roles"), table_cases({name: page.roles for name, page in PAGES.items()})
)
def test_each_page_declares_the_roles_in_the_table(name: str, roles: frozenset[Role]) -> None:
    assert declared_roles(name) == roles


@pytest.mark.parametrize(
    ("name", "allowed", "refused"), http_cases({name: page.roles for name, page in PAGES.items()})
)
@pytest.mark.db_engine
def test_each_page_opens_for_a_role_it_names_and_not_for_one_it_does_not(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    world: World,
    name: str,
    allowed: Role,
    refused: Role,
) -> None:
    url = _url(name, world)
    for role in (refused, allowed):
        http = signed_in(staff[role])
        response = http.get(url)
        assert response.status_code == (200 if role == allowed else 403)
        assert (world.client.family_name in response.content.decode()) == (role == allowed)
        if PAGES[name].post:
            response = http.post(url, _valid_post(name, world))
            assert response.status_code == (302 if role == allowed else 403)


@pytest.mark.parametrize("name", sorted(PAGES))
@pytest.mark.db_engine
def test_another_services_records_are_not_found(
    staff: dict[Role, User], signed_in: Callable[[User], HttpClient], world: World, name: str
) -> None:
    page = PAGES[name]
    url = _url(name, world, other=True)
    about_other = AuditEvent.objects.filter(
        object_type="client", object_id=str(world.other_client.pk)
    )
    before = about_other.count()
    for role in sorted(page.roles, key=lambda role: role.name):
        http = signed_in(staff[role])
        responses = [http.get(url)]
        if page.post:
            responses.append(http.post(url, _valid_post(name, world)))
        for response in responses:
            assert response.status_code == 404, role
            assert world.other_client.family_name not in response.content.decode()
    assert about_other.count() == before


@pytest.mark.parametrize("name", sorted(PAGES))
@pytest.mark.db_engine
def test_opening_a_correction_page_is_audited(
    staff: dict[Role, User], signed_in: Callable[[User], HttpClient], world: World, name: str
) -> None:
    response = signed_in(staff[Role.SERVICE_LEAD]).get(_url(name, world))
    assert response.status_code == 200
    event = AuditEvent.objects.filter(action=Action.VIEW_CLIENT).latest("id")
    assert event.object_id == str(world.client.pk)


@pytest.mark.parametrize("name", sorted(name for name, page in PAGES.items() if page.post))
@pytest.mark.db_engine
def test_each_correction_is_audited_by_kind_and_id(
    staff: dict[Role, User], signed_in: Callable[[User], HttpClient], world: World, name: str
) -> None:
    response = signed_in(staff[Role.SERVICE_LEAD]).post(_url(name, world), _valid_post(name, world))
    assert response.status_code == 302
    event = AuditEvent.objects.filter(
        action=Action.UPDATE_CLIENT, object_id=str(world.client.pk)
    ).latest("id")
    assert event.detail == {
        "correction": PAGES[name].post_audit,
        "kind": "contact",
        "entry": world.contact.pk,
    }


# -- Pages of corrections outside the ``corrections`` namespace: entries on no one client's
# record (a team meeting), corrected from their own page. --------------------------------------

SERVICE_PAGES: dict[str, Page] = {
    "meetings:in_error": Page(CASEWORK, post=True, post_audit="entered_in_error"),
}


@pytest.mark.parametrize(
    ("name", "roles"), table_cases({name: page.roles for name, page in SERVICE_PAGES.items()})
)
def test_each_service_page_declares_the_roles_in_the_table(
    name: str, roles: frozenset[Role]
) -> None:
    assert declared_roles(name) == roles


@pytest.mark.parametrize(
    ("name", "allowed", "refused"),
    http_cases({name: page.roles for name, page in SERVICE_PAGES.items()}),
)
@pytest.mark.db_engine
def test_a_meeting_is_marked_in_error_by_a_role_the_table_names_audited_by_kind_and_id(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    service: Service,
    other_service: Service,
    name: str,
    allowed: Role,
    refused: Role,
) -> None:
    ours = Meeting.objects.create(
        service=service, held_on=timezone.localdate(), kind=MeetingKind.REFERRAL
    )
    theirs = Meeting.objects.create(
        service=other_service, held_on=timezone.localdate(), kind=MeetingKind.REFERRAL
    )
    url = reverse(name, args=[ours.pk])
    assert signed_in(staff[refused]).get(url).status_code == 403
    assert signed_in(staff[refused]).post(url, {"reason": "Twice"}).status_code == 403
    http = signed_in(staff[allowed])
    other = reverse(name, args=[theirs.pk])
    assert http.get(other).status_code == 404
    assert http.post(other, {"reason": "Twice"}).status_code == 404
    assert http.get(url).status_code == 200
    assert http.post(url, {"reason": "Twice"}).status_code == 302
    event = AuditEvent.objects.filter(action=Action.RECORD_MEETING).latest("id")
    assert (event.object_type, event.object_id, event.detail) == (
        "meeting",
        str(ours.pk),
        {"correction": SERVICE_PAGES[name].post_audit, "kind": "meeting", "entry": ours.pk},
    )
