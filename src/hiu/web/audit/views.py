"""The audit log for IG leads and administrators: filter by person, action or record."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hiu.web.accounts.permissions import role_required
from hiu.web.accounts.roles import Role
from hiu.web.audit.models import Action, AuditEvent

PAGE_SIZE = 50


@role_required(Role.IG_LEAD, Role.ADMINISTRATOR)
def log(request: HttpRequest) -> HttpResponse:
    events = AuditEvent.objects.all()
    username = request.GET.get("username", "").strip()
    action = request.GET.get("action", "").strip()
    record = request.GET.get("client", "").strip()
    if username:
        events = events.filter(actor_username__iexact=username)
    if action in Action.values:
        events = events.filter(action=action)
    if record.isdigit():
        events = events.filter(object_type="client", object_id=record)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": {"username": username, "action": action, "client": record},
        "actions": Action.choices,
    }
    return render(request, "audit/log.jinja", context)
