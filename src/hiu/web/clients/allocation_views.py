"""Allocation pages beyond one client: a worker's caseload, and moving a leaver's whole
caseload at once. Thin: the clients come from ``caseload``, each move from
``services.reallocate_caseload`` (one ``allocate`` a client, audited on each record)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from hiu.web.accounts.models import Service
from hiu.web.accounts.permissions import AuthenticatedHttpRequest, role_required, service_of
from hiu.web.accounts.roles import Role, has_role
from hiu.web.clients.caseload import (
    Load,
    allocatable_workers,
    caseload_rows,
    person_name,
    workers_of,
)
from hiu.web.clients.forms import CaseloadMoveForm, LeaverForm
from hiu.web.clients.models import Client
from hiu.web.clients.services import reallocate_caseload, spread_evenly
from hiu.web.clients.views import CASEWORK
from hiu.web.episodes.services import pathway_for
from hiu.web.refused import Refused


def _service(request: AuthenticatedHttpRequest) -> Service:
    service = service_of(request)
    if service is None:
        raise Http404("No service")
    return service


def _worker(request: AuthenticatedHttpRequest, service: Service, user_id: int) -> User:
    """A worker of the user's service (a case manager, a lead, or anyone carrying its clients);
    any other id is a 404 that names no one."""
    clients = Client.objects.visible_to(request.user)
    for worker in workers_of(service, clients):
        if worker.pk == user_id:
            return worker
    for worker in allocatable_workers(service):
        if worker.pk == user_id:
            return worker
    raise Http404("No such worker")


@role_required(*CASEWORK)
def worker_caseload(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    service = _service(request)
    worker = _worker(request, service, user_id)
    theirs = Client.objects.visible_to(request.user).allocated_to(worker)
    pathway = pathway_for(service)
    rows = caseload_rows(theirs, pathway, timezone.localdate())
    context = {
        "worker": worker,
        "name": person_name(worker),
        "rows": rows,
        "load": Load(sum(row.weight for row in rows), pathway.caseload_cap),
        "may_move": has_role(request.user, Role.SERVICE_LEAD),
    }
    return render(request, "clients/worker.jinja", context)


@role_required(Role.SERVICE_LEAD)
def leaver(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Choose whose caseload is moving."""
    service = _service(request)
    clients = Client.objects.visible_to(request.user)
    carrying = [w for w in workers_of(service, clients) if clients.allocated_to(w).exists()]
    form = LeaverForm(request.GET or None, workers=carrying)
    if form.is_bound and form.is_valid():
        return redirect("clients:move_caseload", user_id=form.chosen().pk)
    return render(request, "clients/leaver.jinja", {"form": form})


@role_required(Role.SERVICE_LEAD)
def move_caseload(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    """A new case manager for each of the leaver's clients (spread evenly to begin with),
    confirmed at once."""
    service = _service(request)
    leaving = _worker(request, service, user_id)
    clients = list(
        Client.objects.visible_to(request.user)
        .allocated_to(leaving)
        .order_by("family_name", "given_name", "id")
    )
    others = [w for w in allocatable_workers(service) if w.pk != leaving.pk]
    managers = [w for w in others if w.groups.filter(name=Role.CASE_MANAGER.label).exists()]
    suggested = spread_evenly(clients, managers or others)
    initial = {f"client_{pk}": str(worker.pk) for pk, worker in suggested.items()}
    form = CaseloadMoveForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        clients=clients,
        workers=others,
    )
    if form.is_bound and form.is_valid():
        try:
            moved = reallocate_caseload(
                leaving,
                form.plan(),
                clients,
                by=request.user,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except Refused as refusal:
            refusal.put_on(form, "reason")
        else:
            messages.success(
                request, f"{moved} clients moved from {person_name(leaving)}'s caseload"
            )
            return redirect("clients:team")
    context = {"form": form, "leaver": leaving, "name": person_name(leaving)}
    return render(request, "clients/move_caseload.jinja", context)
