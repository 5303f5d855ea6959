"""Client pages. Thin: queries come from querysets, display from presenters, audit is explicit."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from hiu.web.accounts.permissions import AuthenticatedHttpRequest, role_required, service_of
from hiu.web.accounts.roles import Role
from hiu.web.audit.service import record_client_view
from hiu.web.clients.models import Client
from hiu.web.clients.presenters import client_summary, team_caseload

PAGE_SIZE = 25


@role_required(Role.CASE_MANAGER)
def caseload(request: AuthenticatedHttpRequest) -> HttpResponse:
    clients = Client.objects.visible_to(request.user).allocated_to(request.user)
    return render(request, "clients/caseload.jinja", {"clients": clients})


@role_required(Role.SERVICE_LEAD)
def team(request: AuthenticatedHttpRequest) -> HttpResponse:
    clients = Client.objects.visible_to(request.user)
    context = {
        "service": service_of(request),
        "loads": team_caseload(clients),
        "total": clients.count(),
        "unallocated": clients.unallocated(),
    }
    return render(request, "clients/team.jinja", context)


@role_required(Role.SERVICE_LEAD, Role.DATA_COORDINATOR)
def client_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    clients = Client.objects.visible_to(request.user).select_related("case_manager")
    page = Paginator(clients, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "clients/list.jinja", {"page": page})


@role_required(Role.SERVICE_LEAD, Role.CASE_MANAGER, Role.DATA_COORDINATOR)
def client_detail(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    # A client outside the user's service is a 404, not a 403: its existence is not disclosed.
    client = get_object_or_404(
        Client.objects.visible_to(request.user).select_related("case_manager", "service"),
        pk=client_id,
    )
    record_client_view(request, client.pk, page="summary")
    return render(request, "clients/detail.jinja", {"summary": client_summary(client)})
