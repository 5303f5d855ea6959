"""Who can open the episode pages: each page, each role, own and other service, signed out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

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
from hiu.web.episodes import services
from hiu.web.episodes.models import FollowUp, RelapseAlert
from hiu.web.episodes.phases import Phase, WayIn

pytestmark = pytest.mark.django_db

CASEWORK = frozenset({Role.SERVICE_LEAD, Role.CASE_MANAGER, Role.DATA_COORDINATOR})
LEAD_AND_MANAGERS = frozenset({Role.SERVICE_LEAD, Role.CASE_MANAGER})
# URL name -> (roles that get the page, which object the URL names).
PAGES: dict[str, tuple[frozenset[Role], str]] = {
    "episodes:client": (CASEWORK, "client"),
    "episodes:move": (CASEWORK, "client"),
    "episodes:holding_check": (CASEWORK, "client"),
    "episodes:follow_up": (CASEWORK, "follow_up"),
    "episodes:reopen": (LEAD_AND_MANAGERS, "client"),
    "episodes:dismiss": (LEAD_AND_MANAGERS, "alert"),
    # POST only: a GET redirects back to the episodes page.
    "episodes:complexity": (LEAD_AND_MANAGERS, "client"),
    "episodes:pathway": (frozenset({Role.SERVICE_LEAD}), "service"),
}


def test_every_episodes_page_is_in_the_table() -> None:
    assert named_urls("episodes") == set(PAGES)


def _holding_client(make_client: Callable[..., Client], service: Service, by: User) -> Client:
    """A client in holding, with a 3-month follow-up from an earlier episode and an alert."""
    client = make_client(service, case_manager=by)
    today = timezone.localdate()
    first = services.open_episode(
        client,
        by=by,
        way_in=WayIn.IDENTIFIED,
        phase=Phase.ENGAGED,
        on=today - dt.timedelta(days=300),
    )
    services.move(first, Phase.STEPPED_DOWN, by=by, on=today - dt.timedelta(days=200))
    RelapseAlert.objects.create(
        client=client, episode=first, reason="new_activity", activity_on=today
    )
    second = services.reopen_after_relapse(
        client, by=by, reason="called", on=today - dt.timedelta(days=100)
    )
    services.move(second, Phase.HOLDING, by=by, on=today - dt.timedelta(days=50))
    RelapseAlert.objects.create(client=client, episode=second, reason="contacted")
    return client


def _url(name: str, client: Client) -> str:
    kind = PAGES[name][1]
    if kind == "client":
        return reverse(name, kwargs={"client_id": client.pk})
    if kind == "follow_up":
        due = FollowUp.objects.filter(episode__client=client).first()
        assert due is not None
        return reverse(name, kwargs={"follow_up_id": due.pk})
    if kind == "alert":
        alert = RelapseAlert.objects.filter(client=client, resolved_at__isnull=True).first()
        assert alert is not None
        return reverse(name, kwargs={"alert_id": alert.pk})
    return reverse(name)


@pytest.mark.parametrize("url_name", sorted(PAGES))
def test_signed_out_people_are_sent_to_sign_in(
    client: HttpClient,
    make_client: Callable[..., Client],
    service: Service,
    staff: dict[Role, User],
    url_name: str,
) -> None:
    record = _holding_client(make_client, service, staff[Role.CASE_MANAGER])
    response = client.get(_url(url_name, record))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))


ROLES_BY_PAGE = {name: roles for name, (roles, _) in PAGES.items()}


@pytest.mark.parametrize(("url_name", "roles"), table_cases(ROLES_BY_PAGE))
def test_each_page_declares_the_roles_in_the_table(url_name: str, roles: frozenset[Role]) -> None:
    assert declared_roles(url_name) == roles


@pytest.mark.parametrize(("url_name", "allowed", "refused"), http_cases(ROLES_BY_PAGE))
def test_each_role_gets_only_its_pages_for_its_own_service(
    make_client: Callable[..., Client],
    service: Service,
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    url_name: str,
    allowed: Role,
    refused: Role,
) -> None:
    record = _holding_client(make_client, service, staff[Role.CASE_MANAGER])
    response = signed_in(staff[refused]).get(_url(url_name, record))
    assert response.status_code == 403
    response = signed_in(staff[allowed]).get(_url(url_name, record))
    assert response.status_code == (302 if url_name == "episodes:complexity" else 200)


@pytest.mark.parametrize(
    "url_name", sorted(n for n, (_, kind) in PAGES.items() if kind != "service")
)
@pytest.mark.db_engine
def test_another_service_s_client_is_not_found(
    make_client: Callable[..., Client],
    other_service: Service,
    make_user: Callable[..., User],
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    url_name: str,
) -> None:
    elsewhere = make_user("elsewhere", Role.CASE_MANAGER, other_service)
    record = _holding_client(make_client, other_service, elsewhere)
    response = signed_in(staff[Role.SERVICE_LEAD]).get(_url(url_name, record))
    assert response.status_code == 404
    assert record.family_name.encode() not in response.content


@pytest.mark.parametrize(
    "url_name",
    [
        "episodes:client",
        "episodes:move",
        "episodes:holding_check",
        "episodes:follow_up",
        "episodes:reopen",
        "episodes:dismiss",
    ],
)
@pytest.mark.db_engine
def test_reading_a_client_page_is_audited(
    make_client: Callable[..., Client],
    service: Service,
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    url_name: str,
) -> None:
    record = _holding_client(make_client, service, staff[Role.CASE_MANAGER])
    signed_in(staff[Role.SERVICE_LEAD]).get(_url(url_name, record))
    assert AuditEvent.objects.filter(
        action=Action.VIEW_CLIENT, object_id=str(record.pk), actor=staff[Role.SERVICE_LEAD]
    ).exists()
