"""The "Report targets" pages: the service lead sees each KPI's target in force, and sets the
service's own. Thin: rows come from ``targets``, every change goes through
``targets.set_target`` (which audits it). POST, redirect, GET."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from hiu.report.kpis import KPIS, Kpi, Unit
from hiu.web.accounts.models import Service
from hiu.web.accounts.permissions import AuthenticatedHttpRequest, role_required, service_of
from hiu.web.accounts.roles import Role
from hiu.web.record_views import bind, record_form
from hiu.web.reports import targets
from hiu.web.reports.targets import MAX_NUMBER


class TargetForm(forms.Form):
    """A new target, typed as the page asks: a whole percentage for a share, else a number."""

    def __init__(self, *args: Any, kpi: Kpi, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kpi = kpi
        top = 100 if kpi.unit is Unit.PROPORTION else MAX_NUMBER
        what = "percentage" if kpi.unit is Unit.PROPORTION else "number"
        out_of_range = f"The target must be a {what} from 0 to {top:,}"
        self.fields["value"] = forms.IntegerField(
            min_value=0,
            max_value=top,
            error_messages={
                "required": "Enter the new target",
                "invalid": f"Enter the target as a whole {what}, like {_example(kpi)}",
                "min_value": out_of_range,
                "max_value": out_of_range,
            },
        )

    def stored(self) -> float:
        return targets.from_entered(self.kpi, float(self.cleaned_data["value"]))


def _example(kpi: Kpi) -> str:
    return targets.entered_value(kpi, kpi.default)


def _own_service(request: AuthenticatedHttpRequest) -> Service:
    service = service_of(request)
    if service is None:
        raise PermissionDenied
    return service


@role_required(Role.SERVICE_LEAD)
def target_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    service = _own_service(request)
    return render(
        request,
        "reports/targets.jinja",
        {"service": service, "rows": targets.target_rows(service)},
    )


@role_required(Role.SERVICE_LEAD)
def change_target(request: AuthenticatedHttpRequest, kpi: str) -> HttpResponse:
    service = _own_service(request)
    found = KPIS.get(kpi)
    if found is None:
        raise Http404("No such KPI")
    row = targets.target_row(service, kpi)
    assert row is not None

    def saved(_: object) -> str:
        now = targets.target_row(service, kpi)
        assert now is not None
        return f"{found.title}: the target is now {now.text}"

    return record_form(
        request,
        bind(
            request,
            TargetForm,
            lambda: {"value": targets.entered_value(found, row.value)},
            kpi=found,
        ),
        save=lambda form: targets.set_target(
            service, kpi, form.stored(), by=request.user, request=request
        ),
        saved=saved,
        then=redirect("reports:targets"),
        show=lambda form: render(
            request,
            "reports/targets_change.jinja",
            {
                "service": service,
                "row": row,
                "form": form,
                "is_percentage": found.unit is Unit.PROPORTION,
            },
        ),
        fallback="value",
    )
