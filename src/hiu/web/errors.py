"""Error pages that say what to do next and leak nothing: no path, no exception, no values."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

# status -> (title, what to do). Wording follows the NHS.UK service manual's error pages.
PAGES = {
    400: ("Sorry, there is a problem with that request", "Go back and try again."),
    403: (
        "You do not have access to this page",
        "If you think you should, ask your service lead or administrator.",
    ),
    404: (
        "Page not found",
        "If you typed the web address, check it is correct. If you followed a link, the page "
        "may have moved or you may not have access to it.",
    ),
    500: (
        "Sorry, there is a problem with the service",
        "Try again later. If the problem continues, contact your administrator.",
    ),
    # Django's own CSRF page explains tokens in detail; ours says what a person can do.
    419: (
        "Your session has expired or the form was out of date",
        "Go back, reload the page and try again.",
    ),
}


def _page(status: int, response_status: int | None = None) -> HttpResponse:
    title, advice = PAGES[status]
    # render_to_string with no request: the error page must render even when the error came
    # from the database or the session, so it touches neither.
    body = render_to_string("errors/error.jinja", {"title": title, "advice": advice})
    return HttpResponse(body, status=response_status or status)


def _handler(status: int) -> Callable[..., HttpResponse]:
    @login_not_required
    def handler(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
        return _page(status)

    return handler


bad_request = _handler(400)
permission_denied = _handler(403)
page_not_found = _handler(404)


@login_not_required
def server_error(request: HttpRequest) -> HttpResponse:
    return _page(500)


@login_not_required
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _page(419, response_status=403)
