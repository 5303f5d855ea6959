"""Error pages say what to do and leak nothing: no path, no exception text, no values."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django.test import override_settings
from django.urls import path

from hiu.web import urls as real_urls
from hiu.web.accounts.roles import Role

pytestmark = pytest.mark.db_engine

SECRET_VALUE = "9434765919"


def _explode(request: object) -> None:
    raise RuntimeError(f"row value {SECRET_VALUE} broke something")


urlpatterns = [*real_urls.urlpatterns, path("explode/", _explode)]
handler400 = real_urls.handler400
handler403 = real_urls.handler403
handler404 = real_urls.handler404
handler500 = real_urls.handler500


def test_a_missing_page_does_not_echo_the_address(
    staff: dict[Role, User], signed_in: Callable[[User], HttpClient]
) -> None:
    response = signed_in(staff[Role.CASE_MANAGER]).get(f"/clients/search/{SECRET_VALUE}/")
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert SECRET_VALUE.encode() not in response.content


def test_a_forbidden_page_says_who_to_ask(
    staff: dict[Role, User], signed_in: Callable[[User], HttpClient]
) -> None:
    response = signed_in(staff[Role.COMMISSIONER]).get("/audit/")
    assert response.status_code == 403
    assert b"You do not have access to this page" in response.content


@override_settings(ROOT_URLCONF=__name__)
def test_a_server_error_shows_no_exception_and_logs_no_value(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    caplog: pytest.LogCaptureFixture,
) -> None:
    browser = signed_in(staff[Role.CASE_MANAGER])
    browser.raise_request_exception = False
    with caplog.at_level(logging.ERROR):
        response = browser.get(f"/explode/?nhs_number={SECRET_VALUE}")
    assert response.status_code == 500
    assert b"Sorry, there is a problem with the service" in response.content
    assert SECRET_VALUE.encode() not in response.content
    assert b"RuntimeError" not in response.content
    formatted = [
        handler.format(record)
        for record in caplog.records
        for handler in logging.getLogger("django.request").handlers
    ]
    assert formatted, "the error should still be logged"
    assert "RuntimeError: (message withheld)" in formatted[0]
    assert not any(SECRET_VALUE in line for line in formatted)
    assert not any("/explode/" in line for line in formatted)


def test_a_stale_form_gets_a_plain_csrf_page(db: object) -> None:
    browser = HttpClient(enforce_csrf_checks=True)
    response = browser.post("/sign-in/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert b"Your session has expired" in response.content
    assert b"CSRF" not in response.content
