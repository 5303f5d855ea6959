"""Case study pages: the client's Case studies tab and its forms, and the service's list.
Thin: the client is opened through ``clients.record`` (scoped to the user's service), display
comes from presenters, every change from services (which audit it). POST, redirect, GET.

Every page of a client's record is rendered by ``_record_page``, whose frame writes the
VIEW_CLIENT audit event, on a GET and on a form sent back with its errors alike. A case study
of another client, or of another service, is a 404; one the user may not change (only its
author and the service lead may) is a 403.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from hiu.web.accounts.models import Service
from hiu.web.accounts.permissions import AuthenticatedHttpRequest, role_required, service_of
from hiu.web.accounts.roles import Role, has_role
from hiu.web.casestudies import services
from hiu.web.casestudies.forms import CaseStudyForm, ConsentForm, SharingForm, WithdrawForm
from hiu.web.casestudies.models import CaseStudy
from hiu.web.casestudies.presenters import client_case_studies, list_rows
from hiu.web.casestudies.querysets import (
    case_studies_in_error_of_client,
    case_studies_of,
    case_studies_of_client,
    case_study_of,
)
from hiu.web.clients.models import Client
from hiu.web.clients.record import client_to_change
from hiu.web.corrections.presenters import corrected_ids
from hiu.web.corrections.services import moved_out_of
from hiu.web.record_views import bind, record_form, record_page

READERS = (Role.SERVICE_LEAD, Role.CASE_MANAGER, Role.DATA_COORDINATOR)
WRITERS = (Role.SERVICE_LEAD, Role.CASE_MANAGER)
LIST_READERS = (Role.SERVICE_LEAD, Role.DATA_COORDINATOR)
PAGE_SIZE = 25


def _record_page(
    request: AuthenticatedHttpRequest, client: Client, template: str, page: str, **context: Any
) -> HttpResponse:
    """Render a page of the client's record; its frame writes that it was viewed."""
    return record_page(request, client, page, f"casestudies/{template}.jinja", **context)


def _case_study(request: AuthenticatedHttpRequest, client: Client, case_study_id: int) -> CaseStudy:
    """The client's case study, if the user may change it: another's is a 404, one the user
    did not write (unless they lead the service) a 403."""
    case_study = case_study_of(client, case_study_id)
    if case_study is None:
        raise Http404("No such case study")
    if not services.may_change(request.user, case_study):
        raise PermissionDenied
    return case_study


# -- The client's Case studies tab --------------------------------------------------------------


@role_required(*READERS)
def client_page(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    client = client_to_change(request, client_id)
    stories = case_studies_of_client(client)
    in_error = case_studies_in_error_of_client(client)
    return _record_page(
        request,
        client,
        "client",
        "case_studies",
        views=client_case_studies(stories, request.user),
        may_write=has_role(request.user, *WRITERS),
        in_error=in_error,
        show_in_error=request.GET.get("in_error") == "show",
        corrected=corrected_ids("case_study", [*stories, *in_error]),
        moved=moved_out_of(client, "case_study"),
    )


@role_required(*WRITERS)
def write(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    client = client_to_change(request, client_id)
    return record_form(
        request,
        bind(request, CaseStudyForm, lambda: {"written_on": timezone.localdate()}),
        save=lambda form: services.write_case_study(
            client,
            by=request.user,
            title=form.cleaned_data["title"],
            text=form.cleaned_data["text"],
            written_on=form.cleaned_data["written_on"],
            request=request,
        ),
        saved="Case study saved",
        then=redirect("casestudies:client", client_id=client.pk),
        show=lambda form: _record_page(
            request, client, "write", "write_case_study", form=form, case_study=None
        ),
    )


@role_required(*WRITERS)
def edit(request: AuthenticatedHttpRequest, client_id: int, case_study_id: int) -> HttpResponse:
    client = client_to_change(request, client_id)
    case_study = _case_study(request, client, case_study_id)
    had_consent = case_study.consent_given_on is not None

    def saved(changed: list[str]) -> str:
        if not changed:
            return "Nothing changed"
        if case_study.consent_given_on is None and had_consent:
            return (
                "Case study saved. The client's consent was for the words as they were: "
                "record their consent to this version before it can be shared"
            )
        return "Case study saved"

    return record_form(
        request,
        bind(
            request,
            CaseStudyForm,
            lambda: {
                "title": case_study.title,
                "text": case_study.text,
                "written_on": case_study.written_on,
            },
        ),
        save=lambda form: services.edit_case_study(
            case_study,
            by=request.user,
            title=form.cleaned_data["title"],
            text=form.cleaned_data["text"],
            written_on=form.cleaned_data["written_on"],
            request=request,
        ),
        saved=saved,
        then=redirect("casestudies:client", client_id=client.pk),
        show=lambda form: _record_page(
            request, client, "write", "edit_case_study", form=form, case_study=case_study
        ),
    )


# -- Consent and sharing ------------------------------------------------------------------------


@role_required(*WRITERS)
def consent(request: AuthenticatedHttpRequest, client_id: int, case_study_id: int) -> HttpResponse:
    client = client_to_change(request, client_id)
    case_study = _case_study(request, client, case_study_id)
    return record_form(
        request,
        bind(request, ConsentForm, lambda: {"given_on": timezone.localdate()}),
        save=lambda form: services.record_consent(
            case_study,
            by=request.user,
            given_on=form.cleaned_data["given_on"],
            way=form.cleaned_data["way"],
            request=request,
        ),
        saved="Consent to share the case study recorded",
        then=redirect("casestudies:client", client_id=client.pk),
        show=lambda form: _record_page(
            request,
            client,
            "consent",
            "case_study_consent",
            form=form,
            case_study=case_study,
        ),
    )


@role_required(*WRITERS)
def withdraw(request: AuthenticatedHttpRequest, client_id: int, case_study_id: int) -> HttpResponse:
    client = client_to_change(request, client_id)
    case_study = _case_study(request, client, case_study_id)
    return record_form(
        request,
        bind(request, WithdrawForm, lambda: {"withdrawn_on": timezone.localdate()}),
        save=lambda form: services.withdraw_consent(
            case_study, by=request.user, on=form.cleaned_data["withdrawn_on"], request=request
        ),
        saved="Withdrawal of consent recorded",
        then=redirect("casestudies:client", client_id=client.pk),
        show=lambda form: _record_page(
            request, client, "withdraw", "case_study_withdraw", form=form, case_study=case_study
        ),
    )


@role_required(*WRITERS)
def sharing(request: AuthenticatedHttpRequest, client_id: int, case_study_id: int) -> HttpResponse:
    client = client_to_change(request, client_id)
    case_study = _case_study(request, client, case_study_id)

    def save(form: SharingForm) -> bool:
        shareable: bool = form.cleaned_data["shareable"] == "yes"
        services.set_shareable(case_study, by=request.user, shareable=shareable, request=request)
        return shareable

    return record_form(
        request,
        bind(request, SharingForm, lambda: {"shareable": "yes" if case_study.shareable else "no"}),
        save=save,
        saved=lambda shareable: (
            "Case study marked as ready to share"
            if shareable
            else "Case study marked as not to be shared"
        ),
        then=redirect("casestudies:client", client_id=client.pk),
        show=lambda form: _record_page(
            request, client, "sharing", "case_study_sharing", form=form, case_study=case_study
        ),
    )


# -- The service's case studies -----------------------------------------------------------------


def _own_service(request: AuthenticatedHttpRequest) -> Service:
    service = service_of(request)
    if service is None:
        raise PermissionDenied
    return service


@role_required(*LIST_READERS)
def case_study_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every case study of the service, or only those that may go into a report. Like the
    clients list, it names clients without opening their records: it is not audited; the
    link opens the record, which is."""
    service = _own_service(request)
    only_shareable = request.GET.get("show") == "shareable"
    found = case_studies_of(service)
    if only_shareable:
        found = found.shareable()
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "casestudies/list.jinja",
        {
            "service": service,
            "page": page,
            "rows": list_rows(list(page.object_list)),
            "only_shareable": only_shareable,
        },
    )
