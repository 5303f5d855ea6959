"""Client pages. Thin: queries come from querysets, display from presenters and ``caseload``,
changes from services, and every read of a record is audited (``record.client_to_read``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from hiu.web.accounts.models import Service
from hiu.web.accounts.permissions import AuthenticatedHttpRequest, role_required, service_of
from hiu.web.accounts.roles import Role, has_role
from hiu.web.audit.models import Action
from hiu.web.audit.service import record
from hiu.web.clients.caseload import (
    active_loads,
    allocatable_workers,
    filter_tasks,
    my_caseload,
    person_name,
    task_kinds,
    team_view,
)
from hiu.web.clients.details import (
    choose,
    current_details,
    extract_differences,
    extract_person,
    save_details,
)
from hiu.web.clients.forms import (
    AllocateForm,
    ClientFilterForm,
    DetailsForm,
    ExtractChoiceForm,
    SearchForm,
    TaskFilterForm,
    details_initial,
)
from hiu.web.clients.listing import (
    ClientFilter,
    alert_choices,
    as_csv,
    as_xlsx,
    complexity_choices,
    export_frame,
    filtered,
    phase_choices,
)
from hiu.web.clients.models import Client, DetailsSource
from hiu.web.clients.presenters import (
    activity_page,
    allocation_history,
    client_summary,
    contact_details,
    details_history_rows,
)
from hiu.web.clients.record import client_to_change, client_to_read, record_header
from hiu.web.clients.search import search_clients
from hiu.web.clients.services import allocate
from hiu.web.clients.tasks import by_worker, work_for, work_of, worklist
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
    today = timezone.localdate()
    page = my_caseload(request.user, service, today)
    mine = worklist(work_of(request.user, Client.objects.visible_to(request.user), today), today)
    context = {"page": page, "tasks": mine, "today": today, "search": SearchForm()}
    return render(request, "clients/caseload.jinja", context)


@role_required(Role.SERVICE_LEAD)
def team(request: AuthenticatedHttpRequest) -> HttpResponse:
    service = _own_service(request)
    clients = Client.objects.visible_to(request.user)
    today = timezone.localdate()
    context = {
        "service": service,
        "team": team_view(service, clients, today),
        "tasks_by_worker": by_worker(work_for(clients, today), today),
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
        allocate(
            client,
            chosen,
            by=request.user,
            reason=form.cleaned_data["reason"],
            request=request,
            workers=workers,
        )
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
        then=_after_allocating(request, client),
        show=lambda form: record_page(
            request,
            client,
            "allocate",
            "clients/allocate.jinja",
            client=client,
            form=form,
            history=allocation_history(client),
            came_from=request.GET.get("from", ""),
        ),
        fallback="case_manager",
    )


def _after_allocating(request: AuthenticatedHttpRequest, client: Client) -> HttpResponse:
    """Back to the record when the change was made from it, else to the team view."""
    if request.POST.get("from") == "record":
        return redirect("clients:detail", client_id=client.pk)
    return redirect("clients:team")


@role_required(*CASEWORK)
def tasks(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    clients = Client.objects.visible_to(request.user)
    # The lead and the data coordinator see the whole service's tasks; a case manager, theirs.
    whole_service = has_role(request.user, Role.SERVICE_LEAD, Role.DATA_COORDINATOR)
    form = None
    if whole_service:
        service = _own_service(request)
        everything = work_for(clients, today)
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
        found = filter_tasks(everything, kind=kind, worker=worker)
    else:
        found = work_of(request.user, clients, today)
    context = {
        "tasks": worklist(found, today),
        "today": today,
        "form": form,
        "whole_service": whole_service,
    }
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


def _client_filter(request: AuthenticatedHttpRequest, service: Service) -> ClientFilterForm:
    return ClientFilterForm(
        request.GET or None,
        workers=[(str(w.pk), person_name(w)) for w in allocatable_workers(service)],
        phases=phase_choices(),
        complexities=complexity_choices(),
        alerts=alert_choices(),
    )


def _chosen(form: ClientFilterForm) -> ClientFilter:
    if not form.is_bound or not form.is_valid():
        return ClientFilter()
    data = form.cleaned_data
    return ClientFilter(data["worker"], data["phase"], data["complexity"], data["alert"])


@role_required(Role.SERVICE_LEAD, Role.DATA_COORDINATOR)
def client_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    service = _own_service(request)
    form = _client_filter(request, service)
    chosen = _chosen(form)
    clients = filtered(Client.objects.visible_to(request.user), chosen)
    page = Paginator(clients, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "form": form,
        "query": query.urlencode(),
        "phase_labels": dict(phase_choices()),
    }
    return render(request, "clients/list.jinja", context)


EXPORTS = {
    "csv": ("text/csv; charset=utf-8", as_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", as_xlsx),
}


@role_required(Role.SERVICE_LEAD, Role.DATA_COORDINATOR)
def export_clients(request: AuthenticatedHttpRequest, file_format: str) -> HttpResponse:
    if file_format not in EXPORTS:
        raise Http404("No such format")
    service = _own_service(request)
    chosen = _chosen(_client_filter(request, service))
    clients = filtered(Client.objects.visible_to(request.user), chosen)
    frame = export_frame(clients)
    content_type, write = EXPORTS[file_format]
    record(
        Action.EXPORT_CLIENTS,
        request=request,
        object_type="client",
        detail={"format": file_format, "filter": chosen.as_detail(), "rows": frame.height},
    )
    response = HttpResponse(write(frame), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="clients.{file_format}"'
    return response


@role_required(*CASEWORK)
def client_detail(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    client = client_to_read(request, client_id, page="summary")
    context = {
        # Templates name the client ``client``: ``header`` is also the NHS.UK header macro.
        "client": client,
        "header": record_header(request, client, "summary"),
        "summary": client_summary(client, timezone.localdate()),
        "history": allocation_history(client),
        "may_allocate": has_role(request.user, Role.SERVICE_LEAD),
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
