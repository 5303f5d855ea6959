"""Who can open which diary page: every page, every role, someone signed out, and another
service's records (a 404 that does not name the client). The table is the specification. The
private calendar feed takes no sign-in: its token is the key, checked here too."""

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
from hiu.web.demo.factories import make_booking
from hiu.web.diary.models import Booking, CalendarFeed

CASEWORK = frozenset({Role.SERVICE_LEAD, Role.CASE_MANAGER, Role.DATA_COORDINATOR})
DIARY = frozenset({Role.SERVICE_LEAD, Role.CASE_MANAGER})


@dataclass(frozen=True)
class Page:
    roles: frozenset[Role]
    # What the URL takes: a client, a booking, a worker, or nothing.
    target: str | None
    get: bool = True  # False for a page that only takes POST
    post: bool = False  # a form that changes something
    # The audit event a valid POST writes, and its detail's "what".
    post_audit: tuple[Action, str] | None = None


PAGES: dict[str, Page] = {
    "diary:client": Page(CASEWORK, "client"),
    "diary:book": Page(DIARY, "client", post=True, post_audit=(Action.UPDATE_CLIENT, "booking")),
    "diary:change": Page(
        DIARY, "booking", post=True, post_audit=(Action.UPDATE_CLIENT, "booking_changed")
    ),
    "diary:cancel": Page(
        DIARY, "booking", post=True, post_audit=(Action.UPDATE_CLIENT, "booking_cancelled")
    ),
    "diary:week": Page(DIARY, None),
    "diary:team_week": Page(DIARY, None),
    "diary:worker_week": Page(DIARY, "worker"),
    "diary:week_calendar": Page(DIARY, None),
    "diary:feed_settings": Page(DIARY, None),
    "diary:feed_regenerate": Page(
        DIARY,
        None,
        get=False,
        post=True,
        post_audit=(Action.CHANGE_CALENDAR_FEED, "regenerated"),
    ),
    "diary:feed_revoke": Page(
        DIARY, None, get=False, post=True, post_audit=(Action.CHANGE_CALENDAR_FEED, "revoked")
    ),
}
#: The feed: no sign-in, no role; the token in its URL is the key.
TOKEN_PAGES = {"diary:feed"}
# Pages of a client record (opened through clients.record): a GET writes VIEW_CLIENT.
RECORD_PAGES = {"diary:client", "diary:book", "diary:change", "diary:cancel"}


@dataclass
class World:
    client: Client
    booking: Booking
    worker: User
    other_client: Client
    other_booking: Booking
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
    starts = timezone.now() + dt.timedelta(days=1)
    return World(
        client=client,
        booking=make_booking(client, worker, starts_at=starts),
        worker=worker,
        other_client=other,
        other_booking=make_booking(other, outsider, starts_at=starts),
        other_worker=outsider,
    )


def _url(name: str, world: World, other: bool = False) -> str:
    target = PAGES[name].target
    if target == "client":
        return reverse(name, args=[(world.other_client if other else world.client).pk])
    if target == "booking":
        return reverse(name, args=[(world.other_booking if other else world.booking).pk])
    if target == "worker":
        return reverse(name, args=[(world.other_worker if other else world.worker).pk])
    return reverse(name)


def _valid_post(name: str, world: World) -> dict[str, Any]:
    day = timezone.localdate() + dt.timedelta(days=2)
    if name in ("diary:book", "diary:change"):
        return {
            "kind": "home_visit",
            "worker": str(world.worker.pk),
            "starts_on_day": day.day,
            "starts_on_month": day.month,
            "starts_on_year": day.year,
            "starts_time": "10:00",
            "ends_time": "11:00",
            "escort": "",
            "notes": "None known",
        }
    if name == "diary:cancel":
        return {"status": "cancelled", "reason": "None known"}
    if name in ("diary:feed_regenerate", "diary:feed_revoke"):
        return {}
    raise AssertionError(name)


def _open(http: HttpClient, name: str, world: World) -> Any:
    url = _url(name, world)
    if PAGES[name].get:
        return http.get(url)
    return http.post(url, _valid_post(name, world))


def test_the_table_names_every_page() -> None:
    assert named_urls("diary") == set(PAGES) | TOKEN_PAGES


@pytest.mark.parametrize("name", sorted(PAGES))
def test_signed_out_people_are_sent_to_sign_in(client: HttpClient, world: World, name: str) -> None:
    response = _open(client, name, world)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))


@pytest.mark.parametrize(
    ("name", "roles"), table_cases({name: page.roles for name, page in PAGES.items()})
)
def test_each_page_declares_the_roles_in_the_table(name: str, roles: frozenset[Role]) -> None:
    assert declared_roles(name) == roles


def test_the_feed_declares_no_roles_and_takes_no_sign_in() -> None:
    assert declared_roles("diary:feed") is None


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
            if page.target in {"client", "booking"}:
                shown = world.client.family_name in response.content.decode()
                assert shown == (role == allowed)
        if page.post:
            response = http.post(url, _valid_post(name, world))
            assert response.status_code == (302 if role == allowed else 403)


OTHER_SERVICE_PAGES = sorted(
    name for name, page in PAGES.items() if page.target in {"client", "booking", "worker"}
)


@pytest.mark.parametrize("name", OTHER_SERVICE_PAGES)
@pytest.mark.db_engine
def test_another_services_records_are_not_found(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    world: World,
    name: str,
) -> None:
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
            responses.append(http.post(url, _valid_post(name, world)))
        for response in responses:
            assert response.status_code == 404, role
            assert world.other_client.family_name not in response.content.decode()
    assert about_other.count() == before
    world.other_booking.refresh_from_db()
    assert world.other_booking.status == "booked"


@pytest.mark.parametrize("name", sorted(RECORD_PAGES))
@pytest.mark.db_engine
def test_opening_a_record_page_is_audited(
    staff: dict[Role, User], signed_in: Callable[[User], HttpClient], world: World, name: str
) -> None:
    response = signed_in(staff[Role.SERVICE_LEAD]).get(_url(name, world))
    assert response.status_code == 200
    event = AuditEvent.objects.filter(action=Action.VIEW_CLIENT).latest("id")
    assert event.object_id == str(world.client.pk)


@pytest.mark.parametrize("name", sorted(name for name, page in PAGES.items() if page.post_audit))
@pytest.mark.db_engine
def test_each_change_is_audited(
    staff: dict[Role, User], signed_in: Callable[[User], HttpClient], world: World, name: str
) -> None:
    audit = PAGES[name].post_audit
    assert audit is not None
    action, what = audit
    before = AuditEvent.objects.filter(action=action).count()
    response = signed_in(staff[Role.CASE_MANAGER]).post(_url(name, world), _valid_post(name, world))
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action=action).count() == before + 1
    event = AuditEvent.objects.filter(action=action).latest("id")
    assert event.detail["what"] == what
    text = str(event.detail)
    assert world.client.family_name not in text
    assert "None known" not in text


@pytest.mark.db_engine
def test_the_feed_is_read_by_its_token_only_and_never_shows_another_service(
    client: HttpClient, world: World, staff: dict[Role, User]
) -> None:
    CalendarFeed.objects.create(user=world.worker, token="t" * 43)
    feed = client.get(reverse("diary:feed", args=["t" * 43]))
    assert feed.status_code == 200
    assert world.other_client.family_name not in feed.content.decode()
    assert f"booking-{world.booking.pk}@" in feed.content.decode()
    assert f"booking-{world.other_booking.pk}@" not in feed.content.decode()
    assert client.get(reverse("diary:feed", args=["u" * 43])).status_code == 404
    # A feed whose owner no longer holds a diary role stops.
    coordinator = staff[Role.DATA_COORDINATOR]
    CalendarFeed.objects.create(user=coordinator, token="c" * 43)
    assert client.get(reverse("diary:feed", args=["c" * 43])).status_code == 404
