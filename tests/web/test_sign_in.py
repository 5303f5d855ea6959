"""Signing in and out, and what the audit log records about it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django.test import override_settings
from django.urls import reverse

from hiu.web import settings as production_settings
from hiu.web.accounts.roles import Role
from hiu.web.audit.models import Action, AuditEvent

pytestmark = pytest.mark.db_engine


def test_the_sign_in_page_is_open_to_everyone(client: HttpClient) -> None:
    response = client.get(reverse("accounts:sign_in"))
    assert response.status_code == 200
    assert b'autocomplete="current-password"' in response.content


def test_signing_in_lands_on_the_role_home_and_is_audited(
    client: HttpClient, staff: dict[Role, User], password: str
) -> None:
    response = client.post(
        reverse("accounts:sign_in"), {"username": "case_manager", "password": password}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:home")
    assert client.get(reverse("accounts:home"))["Location"] == reverse("clients:caseload")
    event = AuditEvent.objects.get(action=Action.SIGN_IN)
    assert event.actor == staff[Role.CASE_MANAGER]
    assert event.ip_address == "127.0.0.1"


def test_a_wrong_password_is_refused_with_a_message_and_audited(
    client: HttpClient, staff: dict[Role, User]
) -> None:
    response = client.post(
        reverse("accounts:sign_in"), {"username": "case_manager", "password": "wrong"}
    )
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert b"Enter a correct username and password" in response.content
    assert b"<title>Error: Sign in" in response.content
    event = AuditEvent.objects.get(action=Action.SIGN_IN_FAILED)
    assert event.actor is None
    assert event.actor_username == "case_manager"
    assert "wrong" not in str(event.detail)


def test_empty_fields_say_what_to_enter(client: HttpClient, db: object) -> None:
    response = client.post(reverse("accounts:sign_in"), {"username": "", "password": ""})
    assert b"Enter your username" in response.content
    assert b"Enter your password" in response.content


def test_signing_out_needs_a_post_and_is_audited(
    client: HttpClient, staff: dict[Role, User], signed_in: Callable[[User], HttpClient]
) -> None:
    browser = signed_in(staff[Role.IG_LEAD])
    assert browser.get(reverse("accounts:sign_out")).status_code == 405
    response = browser.post(reverse("accounts:sign_out"))
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action=Action.SIGN_OUT, actor=staff[Role.IG_LEAD]).exists()
    assert browser.get(reverse("audit:log")).status_code == 302  # signed out now


def test_a_safe_next_page_is_honoured_and_an_outside_one_is_not(
    client: HttpClient, staff: dict[Role, User], password: str
) -> None:
    credentials = {"username": "ig_lead", "password": password}
    inside = client.post(f"{reverse('accounts:sign_in')}?next=/audit/", credentials)
    assert inside["Location"] == "/audit/"
    client.logout()
    outside = client.post(f"{reverse('accounts:sign_in')}?next=https://evil.example/", credentials)
    assert outside["Location"] == reverse("accounts:home")


def test_passwords_are_stored_with_argon2() -> None:
    with override_settings(PASSWORD_HASHERS=production_settings.PASSWORD_HASHERS):
        assert make_password("a password").startswith("argon2")


def test_the_header_shows_the_role_navigation(
    staff: dict[Role, User], signed_in: Callable[[User], HttpClient]
) -> None:
    page = signed_in(staff[Role.SERVICE_LEAD]).get(reverse("clients:team")).content.decode()
    assert "Team caseload" in page
    assert 'href="/clients/"' in page
    assert "Audit log" not in page
    assert 'href="#maincontent"' in page  # the skip link
