"""Evaluation pages. Thin: runs come from the service's own rows, display from presenters,
work from services. Every view of a result and every run and change is audited here."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from hiu.evaluate.activity import ACTIVITIES
from hiu.evaluate.report import render_html
from hiu.web.accounts.models import Service
from hiu.web.accounts.permissions import AuthenticatedHttpRequest, role_required, service_of
from hiu.web.accounts.roles import Role, has_role
from hiu.web.audit.models import Action
from hiu.web.audit.service import record
from hiu.web.evaluation.forms import UnitCostForm
from hiu.web.evaluation.models import EvaluationRun, EvaluationStatus, UnitCostTable
from hiu.web.evaluation.presenters import (
    SMALL_NUMBERS,
    details,
    fewer_replicates,
    report_body,
    run_row,
)
from hiu.web.evaluation.services import start_evaluation
from hiu.web.evaluation.unit_costs import current_costs, save_unit_costs

#: Leads and data coordinators run evaluations and keep the unit costs; case managers read.
RUNNING_ROLES = (Role.SERVICE_LEAD, Role.DATA_COORDINATOR)
VIEWING_ROLES = (Role.SERVICE_LEAD, Role.CASE_MANAGER, Role.DATA_COORDINATOR)
RECENT_RUNS = 10


def _own_service(request: AuthenticatedHttpRequest) -> Service:
    service = service_of(request)
    if service is None:
        raise PermissionDenied
    return service


def _own_run(request: AuthenticatedHttpRequest, run_id: int) -> EvaluationRun:
    """One of the service's runs; another service's run is not found."""
    service = _own_service(request)
    return get_object_or_404(
        EvaluationRun.objects.select_related("unit_costs"), pk=run_id, service=service
    )


def _audit_view(request: AuthenticatedHttpRequest, run: EvaluationRun, what: str) -> None:
    record(
        Action.VIEW_EVALUATION,
        request=request,
        object_type="evaluation_run",
        object_id=run.pk,
        detail={"what": what},
    )


def _run_context(request: AuthenticatedHttpRequest, run: EvaluationRun | None) -> dict[str, Any]:
    return {
        "shown": run,
        "shown_row": run_row(run) if run is not None else None,
        "details": details(run) if run is not None else [],
        "fewer_replicates": run is not None and fewer_replicates(run),
        "body": report_body(run) if run is not None and run.status == EvaluationStatus.DONE else "",
        "small_numbers": SMALL_NUMBERS,
        "may_run": has_role(request.user, *RUNNING_ROLES),
    }


@role_required(*VIEWING_ROLES)
def overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    service = _own_service(request)
    runs = list(
        EvaluationRun.objects.filter(service=service)
        .select_related("unit_costs")
        .defer("result")[:RECENT_RUNS]
    )
    latest = runs[0] if runs else None
    finished = (
        EvaluationRun.objects.filter(service=service, status=EvaluationStatus.DONE)
        .select_related("unit_costs")
        .first()
    )
    if finished is not None:
        _audit_view(request, finished, "page")
    context = {
        **_run_context(request, finished),
        "service": service,
        "latest": run_row(latest) if latest is not None else None,
        "runs": [run_row(run) for run in runs],
        "overview": True,
    }
    return render(request, "evaluation/overview.jinja", context)


@role_required(*VIEWING_ROLES)
def run(request: AuthenticatedHttpRequest, run_id: int) -> HttpResponse:
    found = _own_run(request, run_id)
    if found.status == EvaluationStatus.DONE:
        _audit_view(request, found, "page")
    context = {**_run_context(request, found), "service": found.service, "overview": False}
    return render(request, "evaluation/run.jinja", context)


def _finished(request: AuthenticatedHttpRequest, run_id: int) -> tuple[EvaluationRun, Any]:
    """A finished run and its result; a run still going, or failed, has nothing to download."""
    found = _own_run(request, run_id)
    if found.status != EvaluationStatus.DONE or found.result is None:
        raise Http404("This evaluation has no result")
    return found, found.result


@role_required(*VIEWING_ROLES)
def download_json(request: AuthenticatedHttpRequest, run_id: int) -> HttpResponse:
    found, result = _finished(request, run_id)
    _audit_view(request, found, "evaluation.json")
    response = HttpResponse(
        json.dumps(result, indent=2, ensure_ascii=False) + "\n",
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="evaluation.json"'
    return response


@role_required(*VIEWING_ROLES)
def download_html(request: AuthenticatedHttpRequest, run_id: int) -> HttpResponse:
    found, result = _finished(request, run_id)
    _audit_view(request, found, "evaluation.html")
    response = HttpResponse(
        render_html(result, note=SMALL_NUMBERS), content_type="text/html; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="evaluation.html"'
    return response


@role_required(*RUNNING_ROLES)
def start(request: AuthenticatedHttpRequest) -> HttpResponse:
    """POST starts a run (the button on the evaluation page); a GET goes back to that page."""
    service = _own_service(request)
    if request.method != "POST":
        return redirect("evaluation:overview")
    started = start_evaluation(service, request.user)
    record(
        Action.RUN_EVALUATION,
        request=request,
        object_type="evaluation_run",
        object_id=started.pk,
        detail={
            "rule_set": started.rule_set,
            "unit_costs_version": started.unit_costs.version if started.unit_costs else None,
        },
    )
    return redirect("evaluation:run", run_id=started.pk)


@role_required(*RUNNING_ROLES)
def unit_costs(request: AuthenticatedHttpRequest) -> HttpResponse:
    service = _own_service(request)
    current = current_costs(service)
    activities = [item.activity for item in current.costs.items] or list(ACTIVITIES)
    if request.method != "POST":
        initial = UnitCostForm.initial_from(current.costs, current.running_costs)
        form = UnitCostForm(initial=initial, activities=activities)
        return _unit_cost_page(request, service, form, current)
    form = UnitCostForm(request.POST, activities=activities)
    if not form.is_valid():
        return _unit_cost_page(request, service, form, current)
    saved = save_unit_costs(service, form.items(), form.cleaned_data["running_costs"], request.user)
    record(
        Action.CHANGE_UNIT_COSTS,
        request=request,
        object_type="unit_cost_table",
        object_id=saved.pk,
        detail={"version": saved.version},
    )
    messages.success(request, f"Unit costs saved as version {saved.version}")
    return redirect("evaluation:unit_costs")


def _unit_cost_page(
    request: AuthenticatedHttpRequest, service: Service, form: UnitCostForm, current: Any
) -> HttpResponse:
    versions = UnitCostTable.objects.filter(service=service).order_by("-version")[:20]
    context = {
        "service": service,
        "form": form,
        "rows": form.rows(),
        "current": current,
        "versions": versions,
    }
    return render(request, "evaluation/unit_costs.jinja", context, status=200)
