"""The diary's pages. Thin: bookings and workers are found through ``querysets`` (scoped to the
user's service; another service's booking is a 404), a client's bookings are pages of their
record (``record_views``: scoped and audited), writes go through ``services``, pages are shaped
by ``presenters`` and calendar files by ``ical``."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from hiu.web.accounts.models import Service
from hiu.web.accounts.permissions import AuthenticatedHttpRequest, role_required, service_of
from hiu.web.accounts.roles import Role, has_role
from hiu.web.audit.models import Action
from hiu.web.audit.service import record
from hiu.web.diary import ical
from hiu.web.diary.forms import BookingForm, CancelForm
from hiu.web.diary.models import Booking, CalendarFeed
from hiu.web.diary.presenters import (
    client_bookings,
    parse_week,
    week_page,
    worker_week,
)
from hiu.web.diary.querysets import DIARY_ROLES, bookings_visible_to, diary_workers, of_worker
from hiu.web.diary.services import book, cancel, change, feed_user, regenerate_feed, revoke_feed
from hiu.web.record_views import bind, open_record, record_form, record_page

#: Who reads a client's bookings (the record's diary page): everyone who reads the record.
CASEWORK = (Role.SERVICE_LEAD, Role.CASE_MANAGER, Role.DATA_COORDINATOR)
#: How far the private feed reaches: a month back, six months ahead.
FEED_DAYS_BACK, FEED_DAYS_AHEAD = 28, 183


def _own_service(request: AuthenticatedHttpRequest) -> Service:
    service = service_of(request)
    if service is None:
        raise PermissionDenied
    return service


def _booking(request: AuthenticatedHttpRequest, booking_id: int) -> Booking:
    # Another service's booking is a 404: its existence is not disclosed.
    return get_object_or_404(bookings_visible_to(request.user), pk=booking_id)


@role_required(*CASEWORK)
def client(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    found = open_record(request, client_id, "diary")
    return record_page(
        request,
        found,
        "diary",
        "diary/client.jinja",
        page=client_bookings(found, request.user, timezone.now()),
        may_book=has_role(request.user, *DIARY_ROLES),
    )


@role_required(*DIARY_ROLES)
def new(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    found = open_record(request, client_id, "book")
    workers = list(diary_workers(found.service))
    return record_form(
        request,
        bind(request, BookingForm, lambda: BookingForm.initial_for(request.user), workers=workers),
        save=lambda form: book(found, form.details(), by=request.user, request=request),
        saved="The booking is made",
        then=redirect("diary:client", client_id=found.pk),
        show=lambda form: record_page(
            request, found, "book", "diary/book.jinja", form=form, booking=None
        ),
    )


@role_required(*DIARY_ROLES)
def edit(request: AuthenticatedHttpRequest, booking_id: int) -> HttpResponse:
    booking = _booking(request, booking_id)
    found = open_record(request, booking.client_id, "change_booking")
    workers = list(diary_workers(found.service))
    return record_form(
        request,
        bind(
            request,
            BookingForm,
            lambda: BookingForm.initial_for(request.user, booking),
            workers=workers,
        ),
        save=lambda form: change(booking, form.details(), by=request.user, request=request),
        saved="The booking is changed",
        then=redirect("diary:client", client_id=found.pk),
        show=lambda form: record_page(
            request, found, "change_booking", "diary/book.jinja", form=form, booking=booking
        ),
    )


@role_required(*DIARY_ROLES)
def cancel_view(request: AuthenticatedHttpRequest, booking_id: int) -> HttpResponse:
    booking = _booking(request, booking_id)
    found = open_record(request, booking.client_id, "cancel_booking")
    return record_form(
        request,
        bind(request, CancelForm),
        save=lambda form: cancel(
            booking,
            status=form.cleaned_data["status"],
            reason=form.cleaned_data["reason"] or "",
            by=request.user,
            request=request,
        ),
        saved="The booking is closed",
        then=redirect("diary:client", client_id=found.pk),
        show=lambda form: record_page(
            request, found, "cancel_booking", "diary/cancel.jinja", form=form, booking=booking
        ),
    )


# Weeks ----------------------------------------------------------------------------------
@role_required(*DIARY_ROLES)
def my_week(request: AuthenticatedHttpRequest) -> HttpResponse:
    _own_service(request)
    monday = parse_week(request.GET.get("week"), timezone.localdate())
    week = worker_week(
        bookings_visible_to(request.user), request.user, monday, request.user, timezone.localdate()
    )
    context = {"week": week, "here": "diary:week", "args": {}, "mine": True, "show_worker": False}
    return render(request, "diary/week.jinja", context)


@role_required(*DIARY_ROLES)
def worker_week_view(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    service = _own_service(request)
    worker = get_object_or_404(diary_workers(service), pk=user_id)
    monday = parse_week(request.GET.get("week"), timezone.localdate())
    week = worker_week(
        bookings_visible_to(request.user), worker, monday, request.user, timezone.localdate()
    )
    context = {
        "week": week,
        "here": "diary:worker_week",
        "args": {"user_id": worker.pk},
        "mine": worker.pk == request.user.pk,
        "show_worker": False,
    }
    return render(request, "diary/week.jinja", context)


@role_required(*DIARY_ROLES)
def team_week(request: AuthenticatedHttpRequest) -> HttpResponse:
    service = _own_service(request)
    monday = parse_week(request.GET.get("week"), timezone.localdate())
    week = week_page(
        bookings_visible_to(request.user),
        monday,
        request.user,
        "The team's diary",
        timezone.localdate(),
    )
    context = {
        "week": week,
        "here": "diary:team_week",
        "args": {},
        "mine": False,
        "show_worker": True,
        "workers": list(diary_workers(service)),
    }
    return render(request, "diary/week.jinja", context)


# Calendar files -------------------------------------------------------------------------
def _calendar_response(request: HttpRequest, bookings: list[Booking], name: str) -> HttpResponse:
    domain = request.get_host().split(":", 1)[0] or "hiu"
    events = [
        ical.event_of(
            booking,
            request.build_absolute_uri(reverse("diary:client", args=[booking.client_id])),
            domain,
        )
        for booking in bookings
    ]
    return HttpResponse(ical.calendar(events, name), content_type="text/calendar; charset=utf-8")


@role_required(*DIARY_ROLES)
def week_calendar(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The signed-in worker's week as an .ics file (no client names: see ``ical``)."""
    _own_service(request)
    monday = parse_week(request.GET.get("week"), timezone.localdate())
    start = timezone.make_aware(dt.datetime.combine(monday, dt.time()))
    end = start + dt.timedelta(days=7)
    bookings = list(
        of_worker(bookings_visible_to(request.user), request.user)
        .filter(starts_at__gte=start, starts_at__lt=end)
        .select_related("client")
        .order_by("starts_at", "id")
    )
    record(Action.DOWNLOAD_CALENDAR, request=request, detail={"week": monday.isoformat()})
    response = _calendar_response(request, bookings, "HIU diary")
    response["Content-Disposition"] = f'attachment; filename="hiu-diary-{monday:%Y-%m-%d}.ics"'
    return response


@role_required(*DIARY_ROLES)
def feed_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    _own_service(request)
    feed = CalendarFeed.objects.filter(user=request.user).first()
    url = request.build_absolute_uri(reverse("diary:feed", args=[feed.token])) if feed else ""
    return render(request, "diary/feed.jinja", {"feed": feed, "feed_url": url})


@require_POST
@role_required(*DIARY_ROLES)
def feed_regenerate(request: AuthenticatedHttpRequest) -> HttpResponse:
    _own_service(request)
    regenerate_feed(request.user, request)
    messages.success(
        request, "Your calendar feed has a new address. The old address no longer works"
    )
    return redirect("diary:feed_settings")


@require_POST
@role_required(*DIARY_ROLES)
def feed_revoke(request: AuthenticatedHttpRequest) -> HttpResponse:
    _own_service(request)
    revoke_feed(request.user, request)
    messages.success(request, "Your calendar feed is switched off. Its address no longer works")
    return redirect("diary:feed_settings")


@login_not_required  # calendar apps cannot sign in: the token is the key
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """A worker's private feed, for calendar apps that cannot sign in: the random token in the
    URL is the only key (a wrong one is a 404, like any missing page). No role is declared: the
    token's owner must still hold a diary role and work in a service. No client names: see
    ``ical``."""
    user = feed_user(token)
    if user is None or not has_role(user, *DIARY_ROLES):
        raise Http404
    profile = getattr(user, "staff_profile", None)
    if profile is None or profile.service is None:
        raise Http404
    now = timezone.now()
    bookings = list(
        of_worker(Booking.objects.filter(client__service=profile.service), user)
        .filter(
            starts_at__gte=now - dt.timedelta(days=FEED_DAYS_BACK),
            starts_at__lt=now + dt.timedelta(days=FEED_DAYS_AHEAD),
        )
        .select_related("client")
        .order_by("starts_at", "id")
    )
    record(Action.READ_CALENDAR_FEED, actor=user, request=request, detail={"events": len(bookings)})
    return _calendar_response(request, bookings, "HIU diary")
