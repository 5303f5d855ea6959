"""Error pages that say what to do next and leak nothing: no path, no exception, no values."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


def _page(request: HttpRequest, status: int, title: str, advice: str) -> HttpResponse:
    # render_to_string with no request: the error page must render even when the error came
    # from the database or the session, so it touches neither.
    body = render_to_string(
        "errors/error.jinja", {"status": status, "title": title, "advice": advice}
    )
    return HttpResponse(body, status=status)


@login_not_required
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(
        request, 400, "Sorry, there is a problem with that request", "Go back and try again."
    )


@login_not_required
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(
        request,
        403,
        "You do not have access to this page",
        "If you think you should, ask your service lead or administrator.",
    )


@login_not_required
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(
        request,
        404,
        "Page not found",
        "If you typed the web address, check it is correct. "
        "If you followed a link, the page may have moved or you may not have access to it.",
    )


@login_not_required
def server_error(request: HttpRequest) -> HttpResponse:
    return _page(
        request,
        500,
        "Sorry, there is a problem with the service",
        "Try again later. If the problem continues, contact your administrator.",
    )


@login_not_required
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    # Django's own CSRF page explains the token in detail; ours says what a person can do.
    return _page(
        request,
        403,
        "Your session has expired or the form was out of date",
        "Go back, reload the page and try again.",
    )
