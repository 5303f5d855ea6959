"""Who can open which interventions page: every page, every role, someone signed out, and
another service's records. The table below is the specification; a test checks it names every
page in the namespace."""

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
from hiu.web.episodes.phases import Phase, WayIn
from hiu.web.episodes.services import open_episode
from hiu.web.interventions.models import Intervention, InterventionType
from hiu.web.interventions.services import catalogue_for, make_intervention

CASEWORK = frozenset({Role.SERVICE_LEAD, Role.CASE_MANAGER, Role.DATA_COORDINATOR})
LEAD = frozenset({Role.SERVICE_LEAD})
BEFRIENDING = frozenset({Role.VOLUNTEER_COORDINATOR, Role.SERVICE_LEAD})
TODAY = timezone.localdate()
FAMILY = "Quintrell"
OTHER_FAMILY = "Farrowmere"


def day(name: str, when: dt.date) -> dict[str, str]:
    return {
        f"{name}_day": str(when.day),
        f"{name}_month": str(when.month),
        f"{name}_year": str(when.year),
    }


@dataclass(frozen=True)
class Page:
    roles: frozenset[Role]
    # What the URL takes: "client", "intervention", "befriending", "type" or "" (none).
    target: str
    # What GET gives an allowed role: 200, or 302 for a page that only takes a form.
    get_status: int = 200
    # The audit event a valid POST writes; None for a page without a form.
    post_action: Action | None = None
    # VIEW_CLIENT on GET (a page of the client record).
    client_page: bool = False


PAGES: dict[str, Page] = {
    "interventions:catalogue": Page(LEAD, ""),
    "interventions:new_type": Page(LEAD, "", post_action=Action.CHANGE_SERVICE_SETTINGS),
    "interventions:type": Page(LEAD, "type", post_action=Action.CHANGE_SERVICE_SETTINGS),
    "interventions:client": Page(CASEWORK, "client", client_page=True),
    "interventions:new": Page(
        CASEWORK, "client", post_action=Action.UPDATE_CLIENT, client_page=True
    ),
    "interventions:onward": Page(
        CASEWORK, "client", post_action=Action.UPDATE_CLIENT, client_page=True
    ),
    "interventions:detail": Page(CASEWORK, "intervention", client_page=True),
    "interventions:add_session": Page(
        CASEWORK, "intervention", get_status=302, post_action=Action.UPDATE_CLIENT
    ),
    "interventions:end": Page(
        CASEWORK, "intervention", post_action=Action.UPDATE_CLIENT, client_page=True
    ),
    "interventions:referral": Page(
        CASEWORK, "befriending", post_action=Action.UPDATE_CLIENT, client_page=True
    ),
    "interventions:befriending": Page(BEFRIENDING, ""),
    "interventions:befriending_detail": Page(
        BEFRIENDING, "befriending", post_action=Action.UPDATE_CLIENT
    ),
}

ROLES_BY_PAGE = {name: page.roles for name, page in PAGES.items()}


@dataclass(frozen=True)
class World:
    client: Client
    intervention: Intervention
    befriending: Intervention
    type: InterventionType


def _world(
    service: Service, manager: User, family: str, make_client: Callable[..., Client]
) -> World:
    client = make_client(service, case_manager=manager, family_name=family, postcode="E8 1AB")
    open_episode(
        client,
        by=manager,
        way_in=WayIn.REFERRED,
        phase=Phase.ENGAGED,
        on=TODAY - dt.timedelta(days=30),
    )
    catalogue = catalogue_for(service)
    cbt = catalogue.get(planned_sessions=6)
    befriending_type = catalogue.get(kind="befriending")
    intervention = make_intervention(
        client, by=manager, type=cbt, referred_on=TODAY - dt.timedelta(days=20)
    )
    befriending = make_intervention(
        client,
        by=manager,
        type=befriending_type,
        referred_on=TODAY - dt.timedelta(days=10),
        befriending_note="Walks",
        risk_note="None known",
    )
    return World(client, intervention, befriending, cbt)


@pytest.fixture
def worlds(
    service: Service,
    other_service: Service,
    staff: dict[Role, User],
    make_user: Callable[..., User],
    make_client: Callable[..., Client],
) -> tuple[World, World]:
    own = _world(service, staff[Role.CASE_MANAGER], FAMILY, make_client)
    other_manager = make_user("elsewhere_manager", Role.CASE_MANAGER, other_service)
    other = _world(other_service, other_manager, OTHER_FAMILY, make_client)
    return own, other


def url_for(name: str, world: World) -> str:
    target = PAGES[name].target
    kwargs: dict[str, Any] = {
        "client": {"client_id": world.client.pk},
        "intervention": {"intervention_id": world.intervention.pk},
        "befriending": {"intervention_id": world.befriending.pk},
        "type": {"type_id": world.type.pk},
        "": {},
    }[target]
    return reverse(name, kwargs=kwargs)


def valid_post(name: str, world: World) -> dict[str, str]:
    a_week_ago = TODAY - dt.timedelta(days=7)
    return {
        "interventions:new_type": {
            "name": "Housing advice",
            "kind": "practical_support",
            "active": "yes",
        },
        "interventions:type": {
            "name": "CBT",
            "kind": "psychological_therapy",
            "planned_sessions": "6",
            "max_sessions": "8",
            "active": "yes",
        },
        "interventions:new": {"type": str(world.type.pk), **day("referred_on", a_week_ago)},
        "interventions:onward": {
            "kind": "signposted",
            "organisation": "Foodbank",
            "reason": "Food",
            **day("on", a_week_ago),
        },
        "interventions:add_session": {"status": "attended", **day("on", a_week_ago)},
        "interventions:referral": {"befriending_note": "Cooking", "risk_note": "None known"},
        "interventions:end": {"end_reason": "completed", **day("ended_on", a_week_ago)},
        "interventions:befriending_detail": {
            "form": "visit",
            "status": "attended",
            **day("on", a_week_ago),
        },
    }[name]


def test_the_table_names_every_page() -> None:
    assert named_urls("interventions") == set(PAGES)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_signed_out_people_are_sent_to_sign_in(
    name: str, worlds: tuple[World, World], client: HttpClient
) -> None:
    own, _ = worlds
    response = client.get(url_for(name, own))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))


@pytest.mark.parametrize(("name", "roles"), table_cases(ROLES_BY_PAGE))
def test_each_page_declares_the_roles_in_the_table(name: str, roles: frozenset[Role]) -> None:
    assert declared_roles(name) == roles


@pytest.mark.parametrize(("name", "allowed", "refused"), http_cases(ROLES_BY_PAGE))
@pytest.mark.db_engine
def test_each_page_opens_for_a_role_it_names_and_not_for_one_it_does_not(
    name: str,
    allowed: Role,
    refused: Role,
    worlds: tuple[World, World],
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
) -> None:
    own, _ = worlds
    page = PAGES[name]
    browser = signed_in(staff[refused])
    response = browser.get(url_for(name, own))
    assert response.status_code == 403
    assert FAMILY not in response.content.decode()
    if page.post_action is not None:
        assert browser.post(url_for(name, own), valid_post(name, own)).status_code == 403
    browser = signed_in(staff[allowed])
    assert browser.get(url_for(name, own)).status_code == page.get_status
    if page.post_action is not None:
        before = AuditEvent.objects.filter(action=page.post_action).count()
        response = browser.post(url_for(name, own), valid_post(name, own))
        assert response.status_code == 302, response.content.decode()[:3000]
        assert AuditEvent.objects.filter(action=page.post_action).count() == before + 1


@pytest.mark.parametrize("name", sorted(PAGES))
@pytest.mark.db_engine
def test_another_services_records_are_not_found(
    name: str,
    worlds: tuple[World, World],
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
) -> None:
    # One test per page; every role the page lets in tries it, since the befriending pages find
    # records one way for the volunteer coordinator and another for the lead.
    own, other = worlds
    page = PAGES[name]
    for role in sorted(page.roles, key=lambda role: role.name):
        browser = signed_in(staff[role])
        if not page.target:
            # A list: it names no one of another service.
            response = browser.get(url_for(name, own))
            assert response.status_code == page.get_status, role
            assert OTHER_FAMILY not in response.content.decode()
            continue
        response = browser.get(url_for(name, other))
        assert response.status_code == 404, role
        assert OTHER_FAMILY not in response.content.decode()
        if page.post_action is not None:
            response = browser.post(url_for(name, other), valid_post(name, other))
            assert response.status_code == 404, role


@pytest.mark.parametrize("name", sorted(n for n, p in PAGES.items() if p.client_page))
@pytest.mark.db_engine
def test_client_pages_record_each_view(
    name: str,
    worlds: tuple[World, World],
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
) -> None:
    own, _ = worlds
    signed_in(staff[Role.CASE_MANAGER]).get(url_for(name, own))
    event = AuditEvent.objects.filter(action=Action.VIEW_CLIENT).latest("id")
    assert event.object_type == "client"
    assert event.object_id == str(own.client.pk)
    assert event.actor == staff[Role.CASE_MANAGER]


@pytest.mark.parametrize("name", ["interventions:befriending", "interventions:befriending_detail"])
@pytest.mark.db_engine
def test_befriending_pages_record_each_person_shown(
    name: str,
    worlds: tuple[World, World],
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
) -> None:
    own, _ = worlds
    signed_in(staff[Role.VOLUNTEER_COORDINATOR]).get(url_for(name, own))
    events = AuditEvent.objects.filter(action=Action.VIEW_BEFRIENDING_REFERRAL)
    assert [(e.object_type, e.object_id, e.detail) for e in events] == [
        ("client", str(own.client.pk), {"intervention": own.befriending.pk})
    ]
    assert not AuditEvent.objects.filter(action=Action.VIEW_CLIENT).exists()


def test_the_volunteer_coordinator_opens_no_page_of_the_client_record(
    worlds: tuple[World, World], staff: dict[Role, User], signed_in: Callable[[User], HttpClient]
) -> None:
    from hiu.web.clients.sections import CLIENT_PAGES

    own, _ = worlds
    browser = signed_in(staff[Role.VOLUNTEER_COORDINATOR])
    for record_page in CLIENT_PAGES:
        response = browser.get(reverse(record_page.url_name, kwargs={"client_id": own.client.pk}))
        assert response.status_code == 403, record_page.url_name
        assert FAMILY not in response.content.decode()
