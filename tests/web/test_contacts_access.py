"""Who can open which contacts page: every page, every role, someone signed out, and another
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
from hiu.web.contacts.letters import make_letter
from hiu.web.contacts.models import Letter, LetterKind, Visit

CASEWORK = frozenset({Role.SERVICE_LEAD, Role.CASE_MANAGER, Role.DATA_COORDINATOR})
VISITING = frozenset({Role.SERVICE_LEAD, Role.CASE_MANAGER})
TEMPLATES = frozenset({Role.SERVICE_LEAD, Role.DATA_COORDINATOR})


@dataclass(frozen=True)
class Page:
    roles: frozenset[Role]
    # What the URL takes: a client, a letter, a visit, a letter kind, or nothing.
    target: str | None
    get: bool = True  # False for a page that only takes POST
    post: bool = False  # a form that changes something
    # The audit event a valid POST writes, and its detail's "what".
    post_audit: tuple[Action, str] | None = None


PAGES: dict[str, Page] = {
    "contacts:client": Page(CASEWORK, "client"),
    "contacts:new": Page(
        CASEWORK, "client", post=True, post_audit=(Action.UPDATE_CLIENT, "contact")
    ),
    "contacts:make_letter": Page(
        CASEWORK, "client", get=False, post=True, post_audit=(Action.UPDATE_CLIENT, "letter")
    ),
    "contacts:letter": Page(CASEWORK, "letter"),
    "contacts:templates": Page(TEMPLATES, None),
    "contacts:template": Page(
        TEMPLATES,
        "kind",
        post=True,
        post_audit=(Action.CHANGE_SERVICE_SETTINGS, "letter_template"),
    ),
    "contacts:service_contact": Page(
        frozenset({Role.SERVICE_LEAD}),
        None,
        post=True,
        post_audit=(Action.CHANGE_SERVICE_SETTINGS, "service_contact"),
    ),
    "contacts:visits": Page(VISITING, None),
    "contacts:check_in": Page(
        VISITING, "client", post=True, post_audit=(Action.UPDATE_CLIENT, "visit_check_in")
    ),
    "contacts:check_out": Page(
        VISITING, "visit", post=True, post_audit=(Action.UPDATE_CLIENT, "visit_check_out")
    ),
}
# Pages of a client record (opened through clients.record): a GET writes VIEW_CLIENT.
RECORD_PAGES = {"contacts:client", "contacts:new", "contacts:check_in", "contacts:check_out"}


@dataclass
class World:
    client: Client
    letter: Letter
    visit: Visit
    other_client: Client
    other_letter: Letter
    other_visit: Visit


def _visit(client: Client, worker: User) -> Visit:
    now = timezone.now()
    return Visit.objects.create(
        client=client,
        worker=worker,
        worker_username=worker.username,
        planned_at=now,
        place="Client's home",
        checked_in_at=now,
        expected_back_at=now + dt.timedelta(hours=1),
    )


@pytest.fixture
def world(
    staff: dict[Role, User],
    make_client: Callable[..., Client],
    make_user: Callable[..., User],
    service: Service,
    other_service: Service,
) -> World:
    worker = staff[Role.CASE_MANAGER]
    outsider = make_user("outsider", Role.CASE_MANAGER, other_service)
    client = make_client(service, case_manager=worker)
    other = make_client(other_service, case_manager=outsider)
    return World(
        client=client,
        letter=make_letter(client, LetterKind.CLIENT_STEP_DOWN, by=worker),
        visit=_visit(client, worker),
        other_client=other,
        other_letter=make_letter(other, LetterKind.CLIENT_STEP_DOWN, by=outsider),
        other_visit=_visit(other, outsider),
    )


def _url(name: str, world: World, other: bool = False) -> str:
    target = PAGES[name].target
    if target == "client":
        return reverse(name, args=[(world.other_client if other else world.client).pk])
    if target == "letter":
        return reverse(name, args=[(world.other_letter if other else world.letter).pk])
    if target == "visit":
        return reverse(name, args=[(world.other_visit if other else world.visit).pk])
    if target == "kind":
        return reverse(name, args=[LetterKind.GP_ACCEPTED])
    return reverse(name)


def _valid_post(name: str) -> dict[str, Any]:
    now = timezone.localtime()
    if name == "contacts:new":
        at = now - dt.timedelta(hours=1)
        return {
            "at_day": at.day,
            "at_month": at.month,
            "at_year": at.year,
            "at_time": f"{at:%H:%M}",
            "channel": "phone",
            "reached": "no",
            "note": "No answer",
        }
    if name == "contacts:make_letter":
        return {"kind": LetterKind.CLIENT_STEP_DOWN}
    if name == "contacts:template":
        return {"title": "About {client_name}", "body": "Dear colleague, {client_name}"}
    if name == "contacts:check_in":
        back = now + dt.timedelta(hours=2)
        back_time = f"{back:%H:%M}" if back.date() == now.date() else "23:59"
        return {"place": "home", "back_time": back_time, "escort": "no", "risk_note": "None known"}
    if name == "contacts:check_out":
        return {"seen": "none"}
    if name == "contacts:service_contact":
        return {"town": "Northgate", "postcode": "e8 1dy", "phone": "020 7946 0321"}
    raise AssertionError(name)


def _open(http: HttpClient, name: str, url: str) -> Any:
    if PAGES[name].get:
        return http.get(url)
    return http.post(url, _valid_post(name))


def test_the_table_names_every_page() -> None:
    assert named_urls("contacts") == set(PAGES)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_signed_out_people_are_sent_to_sign_in(client: HttpClient, world: World, name: str) -> None:
    response = _open(client, name, _url(name, world))
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
    page = PAGES[name]
    url = _url(name, world)
    for role in (refused, allowed):
        http = signed_in(staff[role])
        if page.get:
            response = http.get(url)
            assert response.status_code == (200 if role == allowed else 403)
            if page.target in {"client", "letter", "visit"}:
                shown = world.client.family_name in response.content.decode()
                assert shown == (role == allowed)
        if page.post:
            response = http.post(url, _valid_post(name))
            assert response.status_code == (302 if role == allowed else 403)


OTHER_SERVICE_PAGES = sorted(
    name for name, page in PAGES.items() if page.target in {"client", "letter", "visit"}
)


@pytest.mark.parametrize("name", OTHER_SERVICE_PAGES)
@pytest.mark.db_engine
def test_another_services_records_are_not_found(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    world: World,
    name: str,
) -> None:
    # One test per page; every role the page lets in tries it (a 404 costs little to render).
    page = PAGES[name]
    url = _url(name, world, other=True)
    about_other = AuditEvent.objects.filter(
        object_type="client", object_id=str(world.other_client.pk)
    )
    before = about_other.count()
    for role in sorted(page.roles, key=lambda role: role.name):
        http = signed_in(staff[role])
        responses = [http.get(url)] if page.get else []
        if page.post:
            responses.append(http.post(url, _valid_post(name)))
        for response in responses:
            assert response.status_code == 404, role
            assert world.other_client.family_name not in response.content.decode()
    # Nothing was read or written about the other service's client.
    assert about_other.count() == before


@pytest.mark.parametrize("name", sorted(RECORD_PAGES))
@pytest.mark.db_engine
def test_opening_a_record_page_is_audited(
    staff: dict[Role, User], signed_in: Callable[[User], HttpClient], world: World, name: str
) -> None:
    response = signed_in(staff[Role.SERVICE_LEAD]).get(_url(name, world))
    assert response.status_code == 200
    event = AuditEvent.objects.filter(action=Action.VIEW_CLIENT).latest("id")
    assert event.object_id == str(world.client.pk)


@pytest.mark.db_engine
def test_opening_a_letter_is_audited_as_a_download(
    staff: dict[Role, User], signed_in: Callable[[User], HttpClient], world: World
) -> None:
    signed_in(staff[Role.DATA_COORDINATOR]).get(_url("contacts:letter", world))
    event = AuditEvent.objects.get(action=Action.DOWNLOAD_LETTER)
    assert (event.object_type, event.object_id, event.detail) == (
        "client",
        str(world.client.pk),
        {"letter": world.letter.pk},
    )


@pytest.mark.parametrize("name", sorted(name for name, page in PAGES.items() if page.post_audit))
@pytest.mark.db_engine
def test_each_change_is_audited(
    staff: dict[Role, User], signed_in: Callable[[User], HttpClient], world: World, name: str
) -> None:
    audit = PAGES[name].post_audit
    assert audit is not None
    action, what = audit
    before = AuditEvent.objects.filter(action=action).count()
    response = signed_in(staff[Role.SERVICE_LEAD]).post(_url(name, world), _valid_post(name))
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action=action).count() == before + 1
    event = AuditEvent.objects.filter(action=action).latest("id")
    assert event.detail["what"] == what
    # Audit detail holds ids and codes, never the client's name or notes.
    text = str(event.detail)
    assert world.client.family_name not in text
    assert "None known" not in text
    assert "No answer" not in text
