"""Identification pages. Thin: runs and people come from scoped querysets, display from
presenters, work from services. Every page that shows people who were identified is audited
here, where a reviewer can see it."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from hiu.identify.rules import RuleError, RuleSet
from hiu.web.accounts.models import Service
from hiu.web.accounts.permissions import AuthenticatedHttpRequest, role_required, service_of
from hiu.web.accounts.roles import Role, has_role
from hiu.web.audit.models import Action
from hiu.web.audit.service import record
from hiu.web.clients.models import Client
from hiu.web.identification.download import XLSX_CONTENT_TYPE, file_name, list_sheets, written
from hiu.web.identification.forms import ListFilterForm, SettingsForm, StartRunForm
from hiu.web.identification.models import ExcludedPerson, IdentificationRun, IdentifiedPerson
from hiu.web.identification.presenters import (
    COUNT_HEADINGS,
    excluded_rows,
    page_links,
    person_page,
    person_rows,
    run_summary,
    run_url,
    runs_page,
    settings_rows,
)
from hiu.web.identification.querysets import RUNNING_ROLES
from hiu.web.identification.rulesets import available_rule_sets, load_for_service
from hiu.web.identification.services import change_settings, default_as_of, start_run
from hiu.web.identification.status import RunStatus
from hiu.web.imports.files import activity_store

PAGE_SIZE = 50
SEES_LISTS = (Role.SERVICE_LEAD, Role.CASE_MANAGER, Role.DATA_COORDINATOR)


def _own_service(request: AuthenticatedHttpRequest) -> Service:
    """The service whose settings and runs the person changes; someone in no service has none."""
    service = service_of(request)
    if service is None:
        raise PermissionDenied
    return service


@role_required(*SEES_LISTS)
def runs(request: AuthenticatedHttpRequest) -> HttpResponse:
    service = service_of(request)
    found = IdentificationRun.objects.visible_to(request.user).with_mark_counts()
    may_run = service is not None and has_role(request.user, *RUNNING_ROLES)
    rule_sets = available_rule_sets() if service is not None else []
    page = runs_page(service, found, rule_sets, may_run=may_run)
    return render(request, "identification/runs.jinja", {"page": page})


@role_required(*RUNNING_ROLES)
def service_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    service = _own_service(request)
    rule_sets = available_rule_sets()
    if request.method != "POST":
        initial = {"rule_set": service.rule_set, "list_frequency": service.list_frequency}
        form = SettingsForm(initial=initial, rule_sets=rule_sets)
        return _settings_page(request, form, service, rule_sets)
    form = SettingsForm(request.POST, rule_sets=rule_sets)
    if not form.is_valid():
        return _settings_page(request, form, service, rule_sets)
    change_settings(
        service,
        rule_set=form.cleaned_data["rule_set"],
        list_frequency=form.cleaned_data["list_frequency"],
    )
    record(
        Action.CHANGE_IDENTIFICATION_SETTINGS,
        request=request,
        object_type="service",
        object_id=service.pk,
        detail={"rule_set": service.rule_set, "list_frequency": service.list_frequency},
    )
    return redirect("identification:runs")


def _settings_page(
    request: AuthenticatedHttpRequest, form: SettingsForm, service: Service, rule_sets: list[Any]
) -> HttpResponse:
    context = {
        "form": form,
        "service": service,
        "rule_sets": rule_sets,
        "current": settings_rows(service, rule_sets),
    }
    return render(request, "identification/settings.jinja", context)


@role_required(*RUNNING_ROLES)
def start(request: AuthenticatedHttpRequest) -> HttpResponse:
    service = _own_service(request)
    if request.method != "POST":
        latest = default_as_of()
        return _start_page(request, StartRunForm(initial={"as_of": latest}), service)
    form = StartRunForm(request.POST)
    if not form.is_valid():
        return _start_page(request, form, service)
    run = start_run(service=service, as_of=form.cleaned_data["as_of"], user=request.user)
    record(
        Action.START_IDENTIFICATION,
        request=request,
        object_type="identification_run",
        object_id=run.pk,
        detail={"rule_set": run.rule_set, "as_of": run.as_of.isoformat()},
    )
    return redirect(run_url(run))


def _start_page(
    request: AuthenticatedHttpRequest, form: StartRunForm, service: Service
) -> HttpResponse:
    rules: RuleSet | None
    try:
        rules, problem = load_for_service(service.rule_set), ""
    except RuleError as error:
        rules, problem = None, str(error)
    context = {
        "form": form,
        "service": service,
        "rules": rules,
        "problem": problem,
        "latest": default_as_of(),
    }
    return render(request, "identification/start.jinja", context)


@role_required(*SEES_LISTS)
def run(request: AuthenticatedHttpRequest, run_id: int) -> HttpResponse:
    # Another service's run is a 404, not a 403: its existence is not disclosed.
    found = get_object_or_404(
        IdentificationRun.objects.visible_to(request.user).select_related("previous_run"),
        pk=run_id,
    )
    everyone = IdentifiedPerson.objects.visible_to(request.user).filter(run=found)
    summary = run_summary(found, everyone.mark_counts(), current="list")
    context: dict[str, Any] = {"summary": summary}
    if found.status != RunStatus.DONE:
        return render(request, "identification/run.jinja", context)
    form = ListFilterForm(request.GET or None, thresholds=found.thresholds)
    filters = form.filters()
    people = everyone.filtered(**filters).in_list_order()
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    # The list names people: every page of it shown is recorded, with which filters were used
    # (their names only: a search may hold a name or an NHS number).
    record(
        Action.VIEW_IDENTIFIED_LIST,
        request=request,
        object_type="identification_run",
        object_id=found.pk,
        detail={
            "view": "list",
            "page": page.number,
            "people_shown": len(page.object_list),
            "filtered_by": sorted(filters),
        },
    )
    context.update(
        form=form,
        filters=filters,
        page=page,
        rows=person_rows(found, page.object_list),
        links=page_links(page, filters),
        count_headings=[heading for _, heading in COUNT_HEADINGS],
    )
    return render(request, "identification/run.jinja", context)


@role_required(*SEES_LISTS)
def excluded(request: AuthenticatedHttpRequest, run_id: int) -> HttpResponse:
    found = get_object_or_404(
        IdentificationRun.objects.visible_to(request.user).select_related("previous_run"),
        pk=run_id,
    )
    if found.status != RunStatus.DONE:
        return redirect(run_url(found))
    counts = IdentifiedPerson.objects.visible_to(request.user).filter(run=found).mark_counts()
    people = ExcludedPerson.objects.visible_to(request.user).filter(run=found)
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    record(
        Action.VIEW_IDENTIFIED_LIST,
        request=request,
        object_type="identification_run",
        object_id=found.pk,
        detail={"view": "excluded", "page": page.number, "people_shown": len(page.object_list)},
    )
    context = {
        "summary": run_summary(found, counts, current="excluded"),
        "page": page,
        "rows": excluded_rows(found, page.object_list),
        "links": page_links(page, {}),
    }
    return render(request, "identification/excluded.jinja", context)


@role_required(*SEES_LISTS)
def download(request: AuthenticatedHttpRequest, run_id: int) -> FileResponse:
    """The run's list as an XLSX file: for the roles and the service that see the list."""
    found = get_object_or_404(
        IdentificationRun.objects.visible_to(request.user).select_related(
            "service", "previous_run"
        ),
        pk=run_id,
    )
    if found.status != RunStatus.DONE:
        raise Http404
    people = IdentifiedPerson.objects.visible_to(request.user).filter(run=found)
    excluded_people = ExcludedPerson.objects.visible_to(request.user).filter(run=found)
    sheets = list_sheets(
        found,
        people.in_list_order(),
        excluded_people,
        downloaded_by=request.user.get_username(),
    )
    handle = written(sheets)
    # The file names every person on the list: each download is recorded, by run and counts.
    record(
        Action.DOWNLOAD_IDENTIFIED_LIST,
        request=request,
        object_type="identification_run",
        object_id=found.pk,
        detail={
            "format": "xlsx",
            "people": sheets.listed.height,
            "excluded": sheets.excluded.height,
        },
    )
    response = FileResponse(
        handle, as_attachment=True, filename=file_name(found), content_type=XLSX_CONTENT_TYPE
    )
    response["Cache-Control"] = "no-store"
    return response


@role_required(*SEES_LISTS)
def person(request: AuthenticatedHttpRequest, run_id: int, person_id: int) -> HttpResponse:
    found = get_object_or_404(
        IdentifiedPerson.objects.visible_to(request.user).select_related("run"),
        pk=person_id,
        run_id=run_id,
    )
    timeline = activity_store().timeline(found.nhs_number)
    # Reading a person's activity is reading identifiable data: recorded by record id only.
    record(
        Action.VIEW_PERSON_ACTIVITY,
        request=request,
        object_type="identified_person",
        object_id=found.pk,
        detail={"run": found.run_id, "events": timeline.total},
    )
    client = Client.objects.visible_to(request.user).filter(nhs_number=found.nhs_number).first()
    context = {
        "page": person_page(found, found.run, timeline),
        "run": found.run,
        "client_href": reverse("clients:detail", args=[client.pk]) if client else None,
    }
    return render(request, "identification/person.jinja", context)
