"""Notification pages: the list, opening one, marking read, and email preferences.

Thin: every query is of the signed-in user's own notifications (``recipient=request.user``);
another person's notification is a 404 like one that does not exist.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from hiu.web.accounts.permissions import AuthenticatedHttpRequest, role_required
from hiu.web.notifications import services
from hiu.web.notifications.forms import PreferencesForm
from hiu.web.notifications.presenters import NOTIFIED_ROLES, notification_rows
from hiu.web.record_views import bind, record_form


@role_required(*NOTIFIED_ROLES)
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = notification_rows(request.user)
    return render(
        request,
        "notifications/list.jinja",
        {"rows": rows, "unread": sum(1 for row in rows if row.unread)},
    )


@role_required(*NOTIFIED_ROLES)
def open_notification(request: AuthenticatedHttpRequest, notification_id: int) -> HttpResponse:
    """Mark the notification read and go where it points."""
    found = services.mark_read(request.user, notification_id)
    if found is None:
        raise Http404
    # Links are paths this app made with reverse(); anything else goes to the list.
    return redirect(found.link if found.link.startswith("/") else "notifications:list")


@require_POST
@role_required(*NOTIFIED_ROLES)
def mark_read(request: AuthenticatedHttpRequest, notification_id: int) -> HttpResponse:
    if services.mark_read(request.user, notification_id) is None:
        raise Http404
    messages.success(request, "Notification marked as read")
    return redirect("notifications:list")


@require_POST
@role_required(*NOTIFIED_ROLES)
def mark_all_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    count = services.mark_all_read(request.user)
    messages.success(request, f"{count} notification{'' if count == 1 else 's'} marked as read")
    return redirect("notifications:list")


@role_required(*NOTIFIED_ROLES)
def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = bind(
        request, PreferencesForm, lambda: {"email": sorted(services.email_choices(request.user))}
    )
    return record_form(
        request,
        form,
        save=lambda form: services.save_preferences(
            request.user, form.cleaned_data["email"], request=request
        ),
        saved="Notification preferences saved",
        then=redirect("notifications:preferences"),
        show=lambda form: render(
            request,
            "notifications/preferences.jinja",
            {
                "form": form,
                "has_email": bool(request.user.email),
                "email_enabled": settings.HIU_EMAIL_ENABLED,
            },
        ),
        fallback="email",
    )
