"""Screening and referral pages. Thin: lists and people come from scoped querysets, display from
presenters, work from services. Pages that show people on a list are audited here."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from hiu.web.accounts.models import Service
from hiu.web.accounts.permissions import AuthenticatedHttpRequest, role_required, service_of
from hiu.web.accounts.roles import Role, has_role
from hiu.web.audit.models import Action
from hiu.web.audit.service import record, record_client_view
from hiu.web.clients.models import Client
from hiu.web.corrections.forms import ReasonForm
from hiu.web.corrections.registry import kind_named
from hiu.web.corrections.services import mark_in_error
from hiu.web.identification.models import IdentificationRun, IdentifiedPerson
from hiu.web.identification.status import RunStatus
from hiu.web.record_views import bind, record_form
from hiu.web.refused import Refused
from hiu.web.screening.forms import (
    AddReasonForm,
    ReferralForm,
    RenameReasonForm,
    ScreeningForm,
)
from hiu.web.screening.models import Decision, Referral, ScreeningDecision
from hiu.web.screening.presenters import (
    person_screening_page,
    quarter_heading,
    reason_rows,
    referral_page,
    referral_rows,
    referral_url,
    screening_list_page,
)
from hiu.web.screening.services import (
    add_reason,
    allocatable_staff,
    already_supported,
    clock_for,
    earlier_decisions,
    first_contacts,
    quarter_share,
    reasons_for,
    record_referral,
    rename_reason,
    screen_person,
    set_reason_active,
)

PAGE_SIZE = 50
#: Who screens lists: accepts and declines.
SCREENS = (Role.SERVICE_LEAD, Role.CASE_MANAGER)
#: Who sees the screening pages: data coordinators see them without the form.
SEES_SCREENING = (Role.SERVICE_LEAD, Role.CASE_MANAGER, Role.DATA_COORDINATOR)
#: Who records and follows live referrals.
REFERRAL_ROLES = (Role.SERVICE_LEAD, Role.CASE_MANAGER, Role.DATA_COORDINATOR)


def _own_service(request: AuthenticatedHttpRequest) -> Service:
    service = service_of(request)
    if service is None:
        raise PermissionDenied
    return service


# Screening a list --------------------------------------------------------------------------


@role_required(*SEES_SCREENING)
def run(request: AuthenticatedHttpRequest, run_id: int) -> HttpResponse:
    # Another service's run is a 404, not a 403: its existence is not disclosed.
    found = get_object_or_404(IdentificationRun.objects.visible_to(request.user), pk=run_id)
    if found.status != RunStatus.DONE:
        return redirect("identification:run", run_id=found.pk)
    listed = IdentifiedPerson.objects.visible_to(request.user).filter(run=found).listed()
    show = "all" if request.GET.get("show") == "all" else "unscreened"
    people = listed.in_list_order()
    if show == "unscreened":
        people = people.filter(screening_decision__isnull=True)
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    numbers = [person.nhs_number for person in shown]
    decisions = {
        decision.identified_person_id: decision
        for decision in ScreeningDecision.objects.visible_to(request.user)
        .filter(identified_person__in=shown)
        .select_related("reason")
        if decision.identified_person_id is not None
    }
    record(
        Action.VIEW_IDENTIFIED_LIST,
        request=request,
        object_type="identification_run",
        object_id=found.pk,
        detail={"view": "screening", "page": page.number, "people_shown": len(shown)},
    )
    screening = screening_list_page(
        found,
        shown,
        show=show,
        listed=listed.count(),
        screened=listed.filter(screening_decision__isnull=False).count(),
        decisions=decisions,
        earlier=earlier_decisions(found.service_id, found.pk, numbers),
        supported=already_supported(found.service_id, numbers),
        may_screen=has_role(request.user, *SCREENS),
    )
    links = {
        "previous": {"href": f"?show={show}&page={page.previous_page_number()}"}
        if page.has_previous()
        else None,
        "next": {"href": f"?show={show}&page={page.next_page_number()}"}
        if page.has_next()
        else None,
    }
    context = {
        "screening": screening,
        "page": page,
        "links": links,
        "may_change_reasons": has_role(request.user, Role.SERVICE_LEAD),
    }
    return render(request, "screening/run.jinja", context)


@role_required(*SEES_SCREENING)
def person(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    found = get_object_or_404(
        IdentifiedPerson.objects.visible_to(request.user).listed().select_related("run__service"),
        pk=person_id,
    )
    may_screen = has_role(request.user, *SCREENS)
    if request.method == "POST" and not may_screen:
        raise PermissionDenied
    service = found.run.service
    reasons = [reason for reason in reasons_for(service) if reason.active]
    staff = allocatable_staff(service)

    def saved(made: ScreeningDecision) -> str:
        name = found.full_name or "The person"
        if made.decision == Decision.ACCEPT:
            return f"{name} accepted: their episode of support is open, in contacting"
        return f"{name} declined, with the reason recorded"

    return record_form(
        request,
        bind(request, ScreeningForm, reasons=reasons, staff=staff),
        save=lambda form: screen_person(found, form.screening(), by=request.user, request=request),
        saved=saved,
        then=redirect("screening:run", run_id=found.run_id),
        show=lambda form: _person_page(request, found, form, may_screen),
    )


def _person_page(
    request: AuthenticatedHttpRequest,
    found: IdentifiedPerson,
    form: ScreeningForm,
    may_screen: bool,
) -> HttpResponse:
    service = found.run.service
    if request.method != "POST":
        record(
            Action.VIEW_IDENTIFIED_LIST,
            request=request,
            object_type="identification_run",
            object_id=found.run_id,
            detail={"view": "screening_person", "person": found.pk},
        )
    decision = (
        ScreeningDecision.objects.visible_to(request.user)
        .filter(identified_person=found)
        .select_related("reason")
        .first()
    )
    client = Client.objects.visible_to(request.user).filter(nhs_number=found.nhs_number).first()
    supported = client is not None and client.episodes.exclude(phase="closed").exists()
    page = person_screening_page(
        found,
        decision=decision,
        earlier=earlier_decisions(service.pk, found.run_id, [found.nhs_number]).get(
            found.nhs_number
        ),
        client_id=client.pk if client else None,
        supported=supported,
    )
    # Decisions on this list marked entered in error (ADR 0019): kept, shown struck through.
    in_error = list(
        ScreeningDecision.all_with_errors.in_error()
        .filter(service=service, nhs_number=found.nhs_number, list_as_of=found.run.as_of)
        .select_related("entered_in_error_by", "reason")
    )
    context: dict[str, Any] = {
        "page": page,
        "form": form,
        "may_screen": may_screen and decision is None,
        "may_correct": may_screen and decision is not None,
        "in_error": in_error,
    }
    return render(request, "screening/person.jinja", context)


@role_required(*SCREENS)
def decision_in_error(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    """Mark the decision on this list entered in error (ADR 0019): the person can then be
    screened again. An accepted person's client record and episode stay: close the episode
    from their record if they should not have one."""
    found = get_object_or_404(
        IdentifiedPerson.objects.visible_to(request.user).listed().select_related("run__service"),
        pk=person_id,
    )
    decision = get_object_or_404(
        ScreeningDecision.objects.visible_to(request.user).filter(identified_person=found)
    )
    if request.method != "POST":
        record(
            Action.VIEW_IDENTIFIED_LIST,
            request=request,
            object_type="identification_run",
            object_id=found.run_id,
            detail={"view": "screening_decision_in_error", "person": found.pk},
        )
    kind = kind_named("screening_decision")
    return record_form(
        request,
        bind(request, ReasonForm),
        save=lambda form: mark_in_error(
            kind, decision, reason=form.cleaned_data["reason"], by=request.user, request=request
        ),
        saved="The decision is marked entered in error: screen the person again",
        then=redirect("screening:person", person_id=found.pk),
        show=lambda form: render(
            request,
            "screening/decision_in_error.jinja",
            {
                "person": found,
                "decision": decision,
                "form": form,
                "described": kind.describe(decision),
            },
        ),
    )


# Decline reasons ---------------------------------------------------------------------------


@role_required(Role.SERVICE_LEAD)
def reasons(request: AuthenticatedHttpRequest) -> HttpResponse:
    service = _own_service(request)
    everything = list(reasons_for(service))
    add_form = AddReasonForm(prefix="add")
    rename_form = RenameReasonForm(prefix="rename", reasons=everything)
    problem = ""
    if request.method == "POST":
        action = request.POST.get("action")
        by_id = {str(reason.pk): reason for reason in everything}
        try:
            if action == "add":
                add_form = AddReasonForm(request.POST, prefix="add")
                if add_form.is_valid():
                    add_reason(
                        service, add_form.cleaned_data["label"], by=request.user, request=request
                    )
                    messages.success(request, "Reason added")
                    return redirect("screening:reasons")
            elif action == "rename":
                rename_form = RenameReasonForm(request.POST, prefix="rename", reasons=everything)
                if rename_form.is_valid():
                    rename_reason(
                        rename_form.chosen(),
                        rename_form.cleaned_data["label"],
                        by=request.user,
                        request=request,
                    )
                    messages.success(request, "Reason changed")
                    return redirect("screening:reasons")
            elif action in {"retire", "restore"} and request.POST.get("reason") in by_id:
                chosen = by_id[str(request.POST.get("reason"))]
                set_reason_active(chosen, action == "restore", by=request.user, request=request)
                messages.success(
                    request, "Reason retired" if action == "retire" else "Reason offered again"
                )
                return redirect("screening:reasons")
            else:
                problem = "Choose what to change"
        except Refused as refused:
            if action == "add":
                add_form.add_error("label", str(refused))
            elif action == "rename":
                rename_form.add_error("label", str(refused))
            else:
                problem = str(refused)
    used = dict(
        ScreeningDecision.objects.visible_to(request.user)
        .filter(reason__isnull=False)
        .values_list("reason")
        .annotate(n=Count("id"))
        .values_list("reason", "n")
    )
    context = {
        "service": service,
        "rows": reason_rows(everything, used),
        "add_form": add_form,
        "rename_form": rename_form,
        "problem": problem,
    }
    return render(request, "screening/reasons.jinja", context)


# Live referrals ----------------------------------------------------------------------------


@role_required(*REFERRAL_ROLES)
def referrals(request: AuthenticatedHttpRequest) -> HttpResponse:
    found = Referral.objects.visible_to(request.user).select_related("client")
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    contacts = first_contacts(shown)
    clocks = {referral.pk: clock_for(referral, contacts[referral.pk]) for referral in shown}
    share = quarter_share(Referral.objects.visible_to(request.user))
    links = {
        "previous": {"href": f"?page={page.previous_page_number()}"}
        if page.has_previous()
        else None,
        "next": {"href": f"?page={page.next_page_number()}"} if page.has_next() else None,
    }
    context = {
        "page": page,
        "rows": referral_rows(shown, clocks),
        "share": share,
        "quarter": quarter_heading(share),
        "links": links,
        "service": service_of(request),
    }
    return render(request, "screening/referrals.jinja", context)


@role_required(*REFERRAL_ROLES)
def new_referral(request: AuthenticatedHttpRequest) -> HttpResponse:
    service = _own_service(request)
    return record_form(
        request,
        bind(request, ReferralForm, ReferralForm.initial_now),
        save=lambda form: record_referral(
            service, form.details(), by=request.user, request=request
        ),
        saved="Referral recorded",
        then=lambda referral: redirect(referral_url(referral)),
        show=lambda form: _referral_form(request, form),
    )


def _referral_form(request: AuthenticatedHttpRequest, form: ReferralForm) -> HttpResponse:
    context = {"form": form}
    return render(request, "screening/new_referral.jinja", context)


@role_required(*REFERRAL_ROLES)
def referral(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    found = get_object_or_404(
        Referral.objects.visible_to(request.user).select_related("client"), pk=referral_id
    )
    # The page shows who the person is: a read of their record.
    record_client_view(request, found.client_id, page="referral")
    clock = clock_for(found, first_contacts([found])[found.pk])
    return render(request, "screening/referral.jinja", {"page": referral_page(found, clock)})
