"""Error pages that say what to do next and leak nothing: no path, no exception, no values."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

# page -> (HTTP status, title, what to do). Wording follows the NHS.UK service manual's error pages.
PAGES: dict[str, tuple[int, str, str]] = {
    "bad_request": (400, "Sorry, there is a problem with that request", "Go back and try again."),
    "permission_denied": (
        403,
        "You do not have access to this page",
        "If you think you should, ask your service lead or administrator.",
    ),
    "page_not_found": (
        404,
        "Page not found",
        "If you typed the web address, check it is correct. If you followed a link, the page "
        "may have moved or you may not have access to it.",
    ),
    "server_error": (
        500,
        "Sorry, there is a problem with the service",
        "Try again later. If the problem continues, contact your administrator.",
    ),
    # Django's own CSRF page explains tokens in detail; ours says what a person can do.
    "csrf_failure": (
        403,
        "Your session has expired or the form was out of date",
        "Go back, reload the page and try again.",
    ),
}


def _page(name: str) -> HttpResponse:
    status, title, advice = PAGES[name]
    # render_to_string with no request: the error page must render even when the error came
    # from the database or the session, so it touches neither.
    body = render_to_string("errors/error.jinja", {"title": title, "advice": advice})
    return HttpResponse(body, status=status)


def _handler(name: str) -> Callable[..., HttpResponse]:
    @login_not_required
    def handler(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
        return _page(name)

    return handler


bad_request = _handler("bad_request")
permission_denied = _handler("permission_denied")
page_not_found = _handler("page_not_found")


@login_not_required
def server_error(request: HttpRequest) -> HttpResponse:
    return _page("server_error")


@login_not_required
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _page("csrf_failure")
