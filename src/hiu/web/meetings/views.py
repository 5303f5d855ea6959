"""Team meeting pages: the list, recording a meeting, and one meeting. Thin: queries come from
``querysets`` (scoped to the user's service), display from ``presenters``, the write from
``services`` (which audits it). POST, redirect, GET.

The list names no client. A meeting's own page names the clients discussed, so opening it
writes VIEW_MEETING with their ids to the audit log; a meeting of another service is a 404.
A meeting recorded by mistake is marked entered in error (ADR 0019) from its page: it leaves
the list (shown again, struck through, on asking) and every count.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from hiu.web.accounts.models import Service
from hiu.web.accounts.permissions import AuthenticatedHttpRequest, role_required, service_of
from hiu.web.accounts.roles import Role
from hiu.web.audit.models import Action
from hiu.web.audit.service import record
from hiu.web.corrections.forms import ReasonForm
from hiu.web.corrections.registry import kind_named
from hiu.web.corrections.services import mark_in_error
from hiu.web.formatting import format_nhs_number
from hiu.web.meetings import services
from hiu.web.meetings.forms import MeetingForm
from hiu.web.meetings.models import Meeting
from hiu.web.meetings.presenters import meeting_page, meeting_rows
from hiu.web.meetings.querysets import (
    clients_to_discuss,
    meeting_of,
    meetings_in_error_of,
    meetings_of,
)
from hiu.web.record_views import bind, record_form

TEAM = (Role.SERVICE_LEAD, Role.CASE_MANAGER, Role.DATA_COORDINATOR)
PAGE_SIZE = 25


def _own_service(request: AuthenticatedHttpRequest) -> Service:
    service = service_of(request)
    if service is None:
        raise PermissionDenied
    return service


@role_required(*TEAM)
def meeting_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    service = _own_service(request)
    page = Paginator(meetings_of(service), PAGE_SIZE).get_page(request.GET.get("page"))
    in_error = meetings_in_error_of(service)
    show_in_error = request.GET.get("in_error") == "1"
    return render(
        request,
        "meetings/list.jinja",
        {
            "service": service,
            "page": page,
            "rows": meeting_rows(list(page.object_list)),
            # Counted always (the link says how many), read only when asked for.
            "in_error_count": in_error.count(),
            "show_in_error": show_in_error,
            "in_error_rows": meeting_rows(list(in_error)) if show_in_error else [],
        },
    )


@role_required(*TEAM)
def record_meeting(request: AuthenticatedHttpRequest) -> HttpResponse:
    service = _own_service(request)
    offered = list(clients_to_discuss(request.user))
    choices = [
        (
            str(c.pk),
            f"{c.family_name}, {c.given_name} (NHS number {format_nhs_number(c.nhs_number)})",
        )
        for c in offered
    ]

    def save(form: MeetingForm) -> Meeting:
        chosen = set(form.client_ids())
        return services.record_meeting(
            service,
            by=request.user,
            held_on=form.cleaned_data["held_on"],
            kind=form.cleaned_data["kind"],
            organisations=form.cleaned_data["organisations"],
            clients=[c for c in offered if c.pk in chosen],
            request=request,
        )

    return record_form(
        request,
        bind(request, MeetingForm, lambda: {"held_on": timezone.localdate()}, choices=choices),
        save=save,
        saved=lambda meeting: f"{meeting.get_kind_display()} recorded",
        then=lambda meeting: redirect("meetings:detail", meeting_id=meeting.pk),
        show=lambda form: render(
            request,
            "meetings/new.jinja",
            {
                "service": service,
                "form": form,
                "choices": choices,
            },
        ),
        fallback="kind",
    )


@role_required(*TEAM)
def meeting_detail(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    service = _own_service(request)
    meeting = meeting_of(service, meeting_id)
    if meeting is None:
        raise Http404("No such meeting")
    page = meeting_page(meeting)
    record(
        Action.VIEW_MEETING,
        request=request,
        object_type="meeting",
        object_id=meeting.pk,
        detail={"clients": page.client_ids},
    )
    return render(request, "meetings/detail.jinja", {"page": page})


@role_required(*TEAM)
def meeting_in_error(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    """Mark the meeting entered in error: it stays, struck through, and leaves the list, the
    clients' summaries and the report's counts. Audited by the service (RECORD_MEETING with
    the correction, the kind and the meeting's id)."""
    service = _own_service(request)
    meeting = meeting_of(service, meeting_id)
    if meeting is None:
        raise Http404("No such meeting")
    if meeting.in_error:
        return redirect("meetings:detail", meeting_id=meeting.pk)
    kind = kind_named("meeting")
    return record_form(
        request,
        bind(request, ReasonForm),
        save=lambda form: mark_in_error(
            kind, meeting, reason=form.cleaned_data["reason"], by=request.user, request=request
        ),
        saved="The meeting is marked entered in error: record it again if it was held",
        then=redirect("meetings:list"),
        show=lambda form: render(
            request,
            "meetings/in_error.jinja",
            {"meeting": meeting, "form": form, "described": kind.describe(meeting)},
        ),
    )
