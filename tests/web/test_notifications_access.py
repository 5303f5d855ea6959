"""Who can open the notification pages. Each person's notifications are their own: the pages
are for the roles that receive notifications (service lead, case manager, data coordinator),
and each shows or changes only the signed-in person's own; another person's notification is a
404 that shows nothing of it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from access_support import declared_roles, http_cases, named_urls, table_cases
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django.urls import reverse

from hiu.web.accounts.models import Service
from hiu.web.accounts.roles import Role
from hiu.web.audit.models import Action, AuditEvent
from hiu.web.clients.models import Client
from hiu.web.notifications.models import Kind, Notification
from hiu.web.notifications.services import notify

NOTIFIED = frozenset({Role.SERVICE_LEAD, Role.CASE_MANAGER, Role.DATA_COORDINATOR})

# URL name -> (method, needs a notification id).
PAGES: dict[str, tuple[str, bool]] = {
    "notifications:list": ("get", False),
    "notifications:open": ("get", True),
    "notifications:read": ("post", True),
    "notifications:read_all": ("post", False),
    "notifications:preferences": ("get", False),
}


def url_of(name: str, notification_id: int = 0) -> str:
    if PAGES[name][1]:
        return reverse(name, kwargs={"notification_id": notification_id})
    return reverse(name)


def send(browser: HttpClient, name: str, notification_id: int = 0) -> Any:
    method = PAGES[name][0]
    return getattr(browser, method)(url_of(name, notification_id))


def test_every_notifications_page_is_in_the_access_table() -> None:
    assert named_urls("notifications") == set(PAGES)


@pytest.mark.parametrize(("url_name", "roles"), table_cases(dict.fromkeys(PAGES, NOTIFIED)))
def test_each_page_declares_the_roles_in_the_table(url_name: str, roles: frozenset[Role]) -> None:
    assert declared_roles(url_name) == roles


@pytest.mark.parametrize("url_name", sorted(PAGES))
def test_signed_out_people_are_sent_to_sign_in(client: HttpClient, url_name: str) -> None:
    response = send(client, url_name, 1)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))


@pytest.mark.parametrize(
    ("url_name", "allowed", "refused"), http_cases(dict.fromkeys(PAGES, NOTIFIED))
)
@pytest.mark.db_engine
def test_each_page_opens_for_an_allowed_role_and_is_refused_to_others(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    make_client: Callable[..., Client],
    service: Service,
    url_name: str,
    allowed: Role,
    refused: Role,
) -> None:
    client = make_client(service, family_name="Oakes")
    (own,) = notify(
        Kind.ALLOCATED, [staff[allowed]], client, text="Oakes allocated", link="/", event="x"
    )
    response = send(signed_in(staff[refused]), url_name, own.pk)
    assert response.status_code == 403
    assert b"Oakes" not in response.content
    own.refresh_from_db()
    assert own.read_at is None
    response = send(signed_in(staff[allowed]), url_name, own.pk)
    assert response.status_code in (200, 302)
    if url_name == "notifications:list":
        assert b"Oakes allocated" in response.content


@pytest.mark.parametrize("url_name", ["notifications:open", "notifications:read"])
@pytest.mark.db_engine
def test_another_persons_notification_is_a_404_that_shows_nothing(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    make_client: Callable[..., Client],
    make_user: Callable[..., User],
    other_service: Service,
    url_name: str,
) -> None:
    elsewhere = make_user("elsewhere", Role.CASE_MANAGER, other_service)
    (theirs,) = notify(
        Kind.RISK_ANSWER,
        [elsewhere],
        make_client(other_service, family_name="Farrow"),
        text="Farrow risk",
        link="/",
        event="y",
    )
    for role in sorted(NOTIFIED, key=lambda r: r.name):
        response = send(signed_in(staff[role]), url_name, theirs.pk)
        assert response.status_code == 404
        assert b"Farrow" not in response.content
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.db_engine
def test_only_a_change_of_preferences_is_audited(
    staff: dict[Role, User], signed_in: Callable[[User], HttpClient]
) -> None:
    browser = signed_in(staff[Role.DATA_COORDINATOR])
    browser.get(reverse("notifications:preferences"))
    browser.get(reverse("notifications:list"))
    written = AuditEvent.objects.exclude(action=Action.SIGN_IN)
    assert not written.exists()
    browser.post(reverse("notifications:preferences"), {"email": ["relapse"]})
    event = written.get()
    assert (event.action, event.actor, event.object_type) == (
        Action.CHANGE_NOTIFICATION_PREFERENCES,
        staff[Role.DATA_COORDINATOR],
        "user",
    )
    assert not Notification.objects.exists()
