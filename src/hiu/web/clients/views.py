"""Client pages. Thin: queries come from querysets, display from presenters and ``caseload``,
changes from services, and every read of a record is audited (``record.client_to_read``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from hiu.web.accounts.models import Service
from hiu.web.accounts.permissions import AuthenticatedHttpRequest, role_required, service_of
from hiu.web.accounts.roles import Role, has_role
from hiu.web.clients.caseload import (
    active_loads,
    allocatable_workers,
    filter_tasks,
    my_caseload,
    person_name,
    task_kinds,
    task_rows,
    team_view,
)
from hiu.web.clients.details import (
    choose,
    current_details,
    extract_differences,
    extract_person,
    save_details,
)
from hiu.web.clients.due import tasks_for
from hiu.web.clients.forms import (
    AllocateForm,
    DetailsForm,
    ExtractChoiceForm,
    SearchForm,
    TaskFilterForm,
    details_initial,
)
from hiu.web.clients.models import Client, DetailsSource
from hiu.web.clients.presenters import (
    activity_page,
    client_summary,
    contact_details,
    details_history_rows,
)
from hiu.web.clients.record import client_to_change, client_to_read, record_header
from hiu.web.clients.search import search_clients
from hiu.web.clients.services import allocate
from hiu.web.imports.files import activity_store
from hiu.web.interventions.marks import intervention_marks
from hiu.web.record_views import bind, open_record, record_form, record_page
from hiu.web.refused import Refused

PAGE_SIZE = 25
CASEWORK = (Role.SERVICE_LEAD, Role.CASE_MANAGER, Role.DATA_COORDINATOR)
# Who keeps a client's details: the people who phone and visit them.
CHANGE_DETAILS = (Role.SERVICE_LEAD, Role.CASE_MANAGER)


def _own_service(request: AuthenticatedHttpRequest) -> Service:
    service = service_of(request)
    if service is None:
        raise PermissionDenied
    return service


@role_required(Role.CASE_MANAGER)
def caseload(request: AuthenticatedHttpRequest) -> HttpResponse:
    service = _own_service(request)
    page = my_caseload(request.user, service, timezone.localdate())
    return render(request, "clients/caseload.jinja", {"page": page, "search": SearchForm()})


@role_required(Role.SERVICE_LEAD)
def team(request: AuthenticatedHttpRequest) -> HttpResponse:
    service = _own_service(request)
    clients = Client.objects.visible_to(request.user)
    context = {
        "service": service,
        "team": team_view(service, clients, timezone.localdate()),
        "search": SearchForm(),
    }
    return render(request, "clients/team.jinja", context)


@role_required(Role.SERVICE_LEAD)
def allocate_client(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    service = _own_service(request)
    client = open_record(request, client_id, "allocate")
    workers = allocatable_workers(service)
    loads = active_loads(service, Client.objects.visible_to(request.user))

    def save(form: AllocateForm) -> User:
        chosen = form.chosen()
        allocate(client, chosen, by=request.user, request=request)
        return chosen

    return record_form(
        request,
        bind(
            request,
            AllocateForm,
            lambda: {"case_manager": str(client.case_manager_id or "")},
            workers=workers,
            loads=loads,
        ),
        save=save,
        saved=lambda chosen: f"{client.full_name} is now allocated to {person_name(chosen)}",
        then=redirect("clients:team"),
        show=lambda form: record_page(
            request, client, "allocate", "clients/allocate.jinja", client=client, form=form
        ),
        fallback="case_manager",
    )


@role_required(*CASEWORK)
def tasks(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    clients = Client.objects.visible_to(request.user)
    # The lead and the data coordinator see the whole service's tasks; a case manager, theirs.
    whole_service = has_role(request.user, Role.SERVICE_LEAD, Role.DATA_COORDINATOR)
    form = None
    if whole_service:
        service = _own_service(request)
        everything = tasks_for(clients, today)
        form = TaskFilterForm(
            request.GET or None,
            kinds=task_kinds(everything),
            workers=[(str(w.pk), person_name(w)) for w in allocatable_workers(service)],
        )
        kind, worker = (
            (form.cleaned_data["kind"], form.cleaned_data["worker"])
            if form.is_valid()
            else ("", "")
        )
        found = filter_tasks(everything, clients, kind=kind, worker=worker)
    else:
        found = tasks_for(clients.allocated_to(request.user), today)
    context = {"rows": task_rows(found, today), "form": form, "whole_service": whole_service}
    return render(request, "clients/tasks.jinja", context)


@role_required(*CASEWORK)
def search(request: AuthenticatedHttpRequest) -> HttpResponse:
    # The search is posted: names, NHS numbers and birthdays never go into a URL, where web
    # server logs and browser history would keep them.
    form = SearchForm(request.POST if request.method == "POST" else None)
    results = None
    if request.method == "POST" and form.is_valid():
        results = search_clients(request, request.user, form.search)
    context = {"form": form, "results": results}
    return render(request, "clients/search.jinja", context)


@role_required(Role.SERVICE_LEAD, Role.DATA_COORDINATOR)
def client_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    clients = Client.objects.visible_to(request.user).select_related("case_manager")
    page = Paginator(clients, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "clients/list.jinja", {"page": page})


@role_required(*CASEWORK)
def client_detail(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    client = client_to_read(request, client_id, page="summary")
    context = {
        # Templates name the client ``client``: ``header`` is also the NHS.UK header macro.
        "client": client,
        "header": record_header(request, client, "summary"),
        "summary": client_summary(client, timezone.localdate()),
        "details": contact_details(client, extract_person(activity_store(), client.nhs_number)),
        "can_change_details": has_role(request.user, *CHANGE_DETAILS),
    }
    return render(request, "clients/detail.jinja", context)


@role_required(*CASEWORK)
def client_activity(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    client = client_to_read(request, client_id, page="activity")
    today = timezone.localdate()
    page = activity_page(client, activity_store(), today, intervention_marks(client))
    context = {"client": client, "header": record_header(request, client, "activity"), "page": page}
    return render(request, "clients/activity.jinja", context)


@role_required(*CHANGE_DETAILS)
def change_details(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    client = open_record(request, client_id, "change_details")
    return record_form(
        request,
        bind(request, DetailsForm, lambda: details_initial(current_details(client))),
        save=lambda form: save_details(
            client,
            form.details(),
            by=request.user,
            reason=form.cleaned_data.get("reason", ""),
            request=request,
        ),
        saved=f"{client.full_name}'s details are saved",
        then=redirect("clients:detail", client_id=client.pk),
        show=lambda form: record_page(
            request,
            client,
            "change_details",
            "clients/change_details.jinja",
            client=client,
            form=form,
        ),
    )


@role_required(*CASEWORK)
def details_history(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    client = client_to_read(request, client_id, page="details_history")
    context = {
        "client": client,
        "header": record_header(request, client, "details_history"),
        "versions": details_history_rows(client),
    }
    return render(request, "clients/details_history.jinja", context)


@role_required(*CHANGE_DETAILS)
@require_POST
def extract_choice(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    client = client_to_change(request, client_id)
    form = ExtractChoiceForm(request.POST)
    if form.is_valid():
        person = extract_person(activity_store(), client.nhs_number)
        found = {d.field: d for d in extract_differences(client, person)}
        difference = found.get(form.cleaned_data["field"])
        if difference is None:
            messages.info(request, "The extract and the record now agree: nothing to choose")
        else:
            keep = form.cleaned_data["keep"]
            try:
                choose(client, difference, keep=keep, by=request.user, request=request)
            except Refused as refusal:
                messages.error(request, str(refusal))
            else:
                kept = "the extract's" if keep == DetailsSource.EXTRACT else "the service's"
                messages.success(request, f"{difference.label}: {kept} is kept")
    return redirect("clients:detail", client_id=client.pk)
