"""The Reports pages. Thin: reports come from the service's own rows, display from presenters,
work from services. Every view and download of a report, draft or issued, is audited here.

The service lead and data coordinator preview the live (draft) report for a period, download
it and issue it. Commissioners see issued reports only: exactly what was issued, never a draft.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from hiu.report.period import Period, PeriodError, parse_period
from hiu.report.render_html import render_body
from hiu.web.accounts.models import Service
from hiu.web.accounts.permissions import AuthenticatedHttpRequest, role_required, service_of
from hiu.web.accounts.roles import Role, has_role
from hiu.web.audit.models import Action
from hiu.web.audit.service import record
from hiu.web.identification.activity import latest_activity_date
from hiu.web.imports.files import activity_store
from hiu.web.reports import presenters, services
from hiu.web.reports.models import IssuedReport

#: Leads and data coordinators make, check and issue reports; commissioners read issued ones.
MAKING_ROLES = (Role.SERVICE_LEAD, Role.DATA_COORDINATOR)
READING_ROLES = (*MAKING_ROLES, Role.COMMISSIONER)
#: The files are big; the pages never need them.
FILES = ("body_html", "pdf", "xlsx", "html", "figures")


def _own_service(request: AuthenticatedHttpRequest) -> Service:
    service = service_of(request)
    if service is None:
        raise PermissionDenied
    return service


def _period(key: str) -> Period:
    """A period someone may look at: one that has begun. Anything else is not found."""
    try:
        period = parse_period(key)
    except PeriodError:
        raise Http404("No such period") from None
    if period.start > services.today():
        raise Http404("That period has not begun")
    return period


def _file_format(key: str) -> services.FileFormat:
    if key not in services.FORMATS:
        raise Http404("No such format")
    return services.FORMATS[key]


def _issued(request: AuthenticatedHttpRequest, report_id: int) -> IssuedReport:
    """One of the service's issued reports; another service's (or none, for someone in no
    service) is not found."""
    service = service_of(request)
    if service is None:
        raise Http404("No such report")
    return get_object_or_404(
        IssuedReport.objects.select_related("service"), pk=report_id, service=service
    )


def _attachment(content: bytes, file_format: services.FileFormat, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=file_format.content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@role_required(*READING_ROLES)
def report_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    service = service_of(request)
    may_make = has_role(request.user, *MAKING_ROLES)
    context: dict[str, object] = {
        "service": service,
        "may_make": may_make,
        "may_set_targets": has_role(request.user, Role.SERVICE_LEAD),
        "issued": [],
    }
    if service is not None:
        issued = IssuedReport.objects.filter(service=service).defer(*FILES)
        context["issued"] = [presenters.issued_row(row) for row in issued]
        if may_make:
            on = services.today()
            chosen = presenters.default_period(on, latest_activity_date(activity_store()))
            context["periods"] = [
                {
                    "value": period.key,
                    "text": presenters.period_choice(period, on),
                    "selected": period == chosen,
                }
                for period in presenters.offered_periods(on, chosen)
            ]
    return render(request, "reports/list.jinja", context)


@role_required(*MAKING_ROLES)
def draft(request: AuthenticatedHttpRequest) -> HttpResponse:
    service = _own_service(request)
    key = request.GET.get("period", "")
    if not key:
        return redirect("reports:list")
    period = _period(key)
    on = services.today()
    report = services.draft_report(service, period, on=on)
    record(
        Action.VIEW_REPORT,
        request=request,
        object_type="report",
        object_id=period.key,
        detail={"period": period.key, "version": "draft"},
    )
    issued = IssuedReport.objects.filter(service=service, period_key=period.key).defer(*FILES)
    context = {
        "service": service,
        "period": period,
        "downloads": presenters.draft_downloads(period),
        "may_issue": services.may_issue(period, on=on),
        "issue_from": presenters.issue_from(period),
        "issued": [presenters.issued_row(row) for row in issued],
        "body": presenters.report_body(render_body(report)),
    }
    return render(request, "reports/draft.jinja", context)


@role_required(*MAKING_ROLES)
def draft_download(
    request: AuthenticatedHttpRequest, period_key: str, file_format: str
) -> HttpResponse:
    service = _own_service(request)
    period = _period(period_key)
    chosen = _file_format(file_format)
    content = chosen.draw(services.draft_report(service, period, on=services.today()))
    record(
        Action.DOWNLOAD_REPORT,
        request=request,
        object_type="report",
        object_id=period.key,
        detail={"period": period.key, "format": chosen.key, "version": "draft"},
    )
    return _attachment(content, chosen, services.file_name(service, period.key, chosen.key, None))


@role_required(*MAKING_ROLES)
def issue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """POST issues the period's report (the button on the draft); a GET goes back to Reports."""
    service = _own_service(request)
    if request.method != "POST":
        return redirect("reports:list")
    period = _period(request.POST.get("period", ""))
    try:
        issued = services.issue_report(service, period, request.user, on=services.today())
    except services.CannotIssueError as error:
        raise BadRequest(str(error)) from None
    record(
        Action.ISSUE_REPORT,
        request=request,
        object_type="report",
        object_id=issued.pk,
        detail={"period": period.key, "version": issued.version},
    )
    messages.success(request, f"Report for {period.label} issued as version {issued.version}")
    return redirect("reports:issued", report_id=issued.pk)


@role_required(*READING_ROLES)
def issued(request: AuthenticatedHttpRequest, report_id: int) -> HttpResponse:
    found = _issued(request, report_id)
    record(
        Action.VIEW_REPORT,
        request=request,
        object_type="report",
        object_id=found.pk,
        detail={"period": found.period_key, "version": found.version},
    )
    later = (
        IssuedReport.objects.filter(
            service=found.service, period_key=found.period_key, version__gt=found.version
        )
        .defer(*FILES)
        .order_by("-version")
        .first()
    )
    context = {
        "service": found.service,
        "issued": found,
        "details": presenters.issued_details(found),
        "downloads": presenters.downloads_of(found),
        "later": presenters.issued_row(later) if later is not None else None,
        "body": presenters.report_body(found.body_html),
    }
    return render(request, "reports/issued.jinja", context)


@role_required(*READING_ROLES)
def issued_download(
    request: AuthenticatedHttpRequest, report_id: int, file_format: str
) -> HttpResponse:
    found = _issued(request, report_id)
    chosen = _file_format(file_format)
    record(
        Action.DOWNLOAD_REPORT,
        request=request,
        object_type="report",
        object_id=found.pk,
        detail={"period": found.period_key, "format": chosen.key, "version": found.version},
    )
    name = services.file_name(found.service, found.period_key, chosen.key, found.version)
    return _attachment(services.issued_file(found, chosen.key), chosen, name)
