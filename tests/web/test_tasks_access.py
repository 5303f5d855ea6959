"""Who can open the task and allocation pages of the clients app: every page, every role,
someone signed out, and another service's client (a 404 that does not name them). The table is
the specification; test_access.py lists these pages as covered here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from access_support import declared_roles, http_cases, table_cases
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from hiu.web.accounts.models import Service
from hiu.web.accounts.roles import Role
from hiu.web.audit.models import Action, AuditEvent
from hiu.web.clients import tasks
from hiu.web.clients.models import Client, WorkerTask
from hiu.web.demo.factories import record_episode
from hiu.web.episodes.phases import Phase

CASEWORK = frozenset({Role.SERVICE_LEAD, Role.CASE_MANAGER, Role.DATA_COORDINATOR})
LEAD = frozenset({Role.SERVICE_LEAD})


@dataclass(frozen=True)
class Page:
    roles: frozenset[Role]
    # What the URL takes: "client", "task" (a client and a task), "action", "worker", or None.
    target: str | None
    get: bool = True  # False for a page that only takes POST
    record: bool = True  # a page of a client record: a GET writes VIEW_CLIENT


PAGES: dict[str, Page] = {
    "clients:client_tasks": Page(CASEWORK, "client"),
    "clients:new_task": Page(CASEWORK, "client"),
    "clients:task": Page(CASEWORK, "task"),
    "clients:edit_task": Page(CASEWORK, "task"),
    "clients:task_action": Page(CASEWORK, "action", get=False),
    "clients:worker": Page(CASEWORK, "worker", record=False),
    "clients:leaver": Page(LEAD, None, record=False),
    "clients:move_caseload": Page(LEAD, "worker", record=False),
    "clients:export": Page(
        frozenset({Role.SERVICE_LEAD, Role.DATA_COORDINATOR}), "csv", record=False
    ),
}


@dataclass
class World:
    client: Client
    task: WorkerTask
    other_client: Client
    other_task: WorkerTask
    worker: User
    other_worker: User


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
    for someone in (client, other):
        record_episode(someone, Phase.ENGAGED)
    due = timezone.localdate() + dt.timedelta(days=2)
    return World(
        client=client,
        task=tasks.add_task(client, "Ring the GP", due, worker, by=worker),
        other_client=other,
        other_task=tasks.add_task(other, "Ring the GP", due, outsider, by=outsider),
        worker=worker,
        other_worker=outsider,
    )


def _url(name: str, world: World, other: bool = False) -> str:
    client = world.other_client if other else world.client
    task = world.other_task if other else world.task
    target = PAGES[name].target
    if target == "client":
        return reverse(name, args=[client.pk])
    if target == "task":
        return reverse(name, args=[client.pk, tasks.own_ref(task.pk)])
    if target == "action":
        return reverse(name, args=[client.pk, tasks.own_ref(task.pk), "complete"])
    if target == "worker":
        return reverse(name, args=[(world.other_worker if other else world.worker).pk])
    if target == "csv":
        return reverse(name, args=["csv"])
    return reverse(name)


def _open(http: HttpClient, name: str, url: str) -> Any:
    return http.get(url) if PAGES[name].get else http.post(url, {})


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
    url = _url(name, world)
    for role in (refused, allowed):
        response = _open(signed_in(staff[role]), name, url)
        if role == refused:
            assert response.status_code == 403
        else:
            assert response.status_code == (200 if PAGES[name].get else 302)
        if PAGES[name].get and PAGES[name].target in {"client", "task", "worker", "csv"}:
            shown = world.client.family_name.upper() in response.content.decode().upper()
            assert shown == (role == allowed)
    if PAGES[name].get and PAGES[name].record:
        viewed = AuditEvent.objects.filter(
            action=Action.VIEW_CLIENT, object_id=str(world.client.pk), actor=staff[allowed]
        )
        assert viewed.count() == 1


@pytest.mark.parametrize(
    "name", sorted(n for n, p in PAGES.items() if p.target != "csv" and p.target)
)
@pytest.mark.db_engine
def test_another_services_client_is_not_found(
    staff: dict[Role, User], signed_in: Callable[[User], HttpClient], world: World, name: str
) -> None:
    url = _url(name, world, other=True)
    for role in PAGES[name].roles:
        for method in ("get", "post"):
            response = getattr(signed_in(staff[role]), method)(url)
            assert response.status_code in (404, 405), (role, method)
            assert world.other_client.family_name.upper() not in response.content.decode().upper()
    world.other_task.refresh_from_db()
    assert world.other_task.completed_at is None
    ours = [staff[role] for role in PAGES[name].roles]
    assert not AuditEvent.objects.filter(
        object_id=str(world.other_client.pk), actor__in=ours
    ).exists()
