"""Intervention pages. Thin: records come from scoped querysets, display from presenters, changes
from services (which audit them).

Client pages are for the casework roles and open the client through ``client_to_read`` /
``client_to_change``. The befriending pages are for the volunteer coordinator (and the service
lead): they reach interventions only through ``Intervention.objects.befriending_for`` and show
only what matching a volunteer needs; each view that shows a person is audited here.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from hiu.web.accounts.models import Service
from hiu.web.accounts.permissions import AuthenticatedHttpRequest, role_required, service_of
from hiu.web.accounts.roles import Role
from hiu.web.audit.models import Action
from hiu.web.audit.service import record
from hiu.web.clients.models import Client
from hiu.web.clients.record import client_to_change, client_to_read, record_header
from hiu.web.interventions.forms import (
    BefriendingReferralForm,
    EndForm,
    InterventionForm,
    InterventionTypeForm,
    OnwardForm,
    SessionForm,
    VisitForm,
    VolunteerForm,
)
from hiu.web.interventions.models import Intervention, InterventionType, SessionStatus
from hiu.web.interventions.presenters import (
    befriending_referral,
    befriending_referrals,
    befriending_visits,
    catalogue_rows,
    client_interventions,
    intervention_detail,
)
from hiu.web.interventions.services import (
    add_session,
    catalogue_for,
    change_befriending_referral,
    end_intervention,
    make_intervention,
    match_volunteer,
    open_episode_of,
    record_onward,
    save_type,
)
from hiu.web.refused import Refused

CASEWORK = (Role.SERVICE_LEAD, Role.CASE_MANAGER, Role.DATA_COORDINATOR)
BEFRIENDING = (Role.VOLUNTEER_COORDINATOR, Role.SERVICE_LEAD)


def _own_service(request: AuthenticatedHttpRequest) -> Service:
    service = service_of(request)
    if service is None:
        raise PermissionDenied
    return service


# The catalogue (service lead) ------------------------------------------------------------


@role_required(Role.SERVICE_LEAD)
def catalogue(request: AuthenticatedHttpRequest) -> HttpResponse:
    service = _own_service(request)
    rows = catalogue_rows(list(catalogue_for(service)))
    return render(request, "interventions/catalogue.jinja", {"service": service, "rows": rows})


@role_required(Role.SERVICE_LEAD)
def new_type(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _type_page(request, _own_service(request), None)


@role_required(Role.SERVICE_LEAD)
def edit_type(request: AuthenticatedHttpRequest, type_id: int) -> HttpResponse:
    service = _own_service(request)
    # Another service's line is a 404: catalogues are per service.
    item = get_object_or_404(InterventionType.objects.filter(service=service), pk=type_id)
    return _type_page(request, service, item)


def _type_page(
    request: AuthenticatedHttpRequest, service: Service, item: InterventionType | None
) -> HttpResponse:
    if request.method != "POST":
        initial: dict[str, Any] = {"active": "yes"}
        if item is not None:
            initial = {
                "name": item.name,
                "kind": item.kind,
                "provider": item.provider,
                "planned_sessions": item.planned_sessions,
                "max_sessions": item.max_sessions,
                "active": "yes" if item.active else "no",
            }
        form = InterventionTypeForm(initial=initial)
        return _render_type(request, service, item, form)
    form = InterventionTypeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            saved = save_type(
                service,
                by=request.user,
                existing=item,
                name=data["name"],
                kind=data["kind"],
                provider=data["provider"],
                planned_sessions=data["planned_sessions"],
                max_sessions=data["max_sessions"],
                active=data["active"] == "yes",
                request=request,
            )
        except Refused as refusal:
            refusal.put_on(form)
        else:
            messages.success(request, f"{saved.name} saved in the catalogue")
            return redirect("interventions:catalogue")
    return _render_type(request, service, item, form)


def _render_type(
    request: AuthenticatedHttpRequest,
    service: Service,
    item: InterventionType | None,
    form: InterventionTypeForm,
) -> HttpResponse:
    context = {"service": service, "item": item, "form": form, "errors": form.error_texts()}
    return render(request, "interventions/type.jinja", context)


# Client pages (casework roles) ---------------------------------------------------------


@role_required(*CASEWORK)
def client(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    found = client_to_read(request, client_id, page="interventions")
    context = {
        "header": record_header(request, found, "interventions"),
        "page": client_interventions(found),
    }
    return render(request, "interventions/client.jinja", context)


@role_required(*CASEWORK)
def new(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    if request.method != "POST":
        found = client_to_read(request, client_id, page="new_intervention")
    else:
        found = client_to_change(request, client_id)
    episode = open_episode_of(found)
    if episode is None:
        context = {"header": record_header(request, found, "new_intervention"), "no_episode": True}
        return render(request, "interventions/new.jinja", context)
    types = list(catalogue_for(found.service).active())
    form = InterventionForm(
        request.POST if request.method == "POST" else None,
        types=types,
        opened_on=episode.opened_on,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = make_intervention(
                found,
                by=request.user,
                type=data["intervention_type"],
                referred_on=data["referred_on"],
                started_on=data["started_on"],
                provider=data["provider"],
                note=data["note"],
                befriending_note=data["befriending_note"],
                risk_note=data["risk_note"],
                request=request,
            )
        except Refused as refusal:
            refusal.put_on(form)
        else:
            messages.success(request, f"Referral to {made.type.name} recorded")
            return redirect("interventions:detail", intervention_id=made.pk)
    context = {
        "header": record_header(request, found, "new_intervention"),
        "form": form,
        "errors": form.error_texts(),
        "types": types,
        "episode": episode,
    }
    return render(request, "interventions/new.jinja", context)


def _intervention(request: AuthenticatedHttpRequest, intervention_id: int) -> Intervention:
    # Another service's intervention is a 404, like its client.
    return get_object_or_404(
        Intervention.objects.visible_to(request.user).select_related("type", "episode"),
        pk=intervention_id,
    )


def _detail_page(
    request: AuthenticatedHttpRequest,
    found: Client,
    intervention: Intervention,
    form: SessionForm | None = None,
) -> HttpResponse:
    form = form or SessionForm()
    context = {
        "header": record_header(request, found, "intervention"),
        "page": intervention_detail(intervention),
        "form": form,
        "errors": form.error_texts() if form.is_bound else {},
    }
    return render(request, "interventions/detail.jinja", context)


@role_required(*CASEWORK)
def detail(request: AuthenticatedHttpRequest, intervention_id: int) -> HttpResponse:
    intervention = _intervention(request, intervention_id)
    found = client_to_read(request, intervention.client_id, page="intervention")
    return _detail_page(request, found, intervention)


@role_required(*CASEWORK)
def new_session(request: AuthenticatedHttpRequest, intervention_id: int) -> HttpResponse:
    intervention = _intervention(request, intervention_id)
    if request.method != "POST":
        return redirect("interventions:detail", intervention_id=intervention.pk)
    found = client_to_change(request, intervention.client_id)
    form = SessionForm(request.POST)
    if form.is_valid():
        try:
            added = add_session(
                intervention,
                by=request.user,
                on=form.cleaned_data["on"],
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                request=request,
            )
        except Refused as refusal:
            refusal.put_on(form)
        else:
            text = "Session recorded"
            if added.planned_reached:
                text += f": {added.attended} sessions attended, the number planned"
            messages.success(request, text)
            return redirect("interventions:detail", intervention_id=intervention.pk)
    intervention.refresh_from_db()
    return _detail_page(request, found, intervention, form)


@role_required(*CASEWORK)
def end(request: AuthenticatedHttpRequest, intervention_id: int) -> HttpResponse:
    intervention = _intervention(request, intervention_id)
    if request.method != "POST":
        found = client_to_read(request, intervention.client_id, page="intervention_end")
        form = EndForm()
    else:
        found = client_to_change(request, intervention.client_id)
        form = EndForm(request.POST)
        if form.is_valid():
            try:
                end_intervention(
                    intervention,
                    by=request.user,
                    on=form.cleaned_data["ended_on"],
                    reason=form.cleaned_data["end_reason"],
                    note=form.cleaned_data["end_note"],
                    request=request,
                )
            except Refused as refusal:
                refusal.put_on(form)
            else:
                messages.success(request, f"{intervention.type.name} ended")
                return redirect("interventions:client", client_id=found.pk)
    context = {
        "header": record_header(request, found, "intervention_end"),
        "intervention": intervention,
        "form": form,
        "errors": form.error_texts() if form.is_bound else {},
    }
    return render(request, "interventions/end.jinja", context)


@role_required(*CASEWORK)
def referral(request: AuthenticatedHttpRequest, intervention_id: int) -> HttpResponse:
    """The case manager's notes for the volunteers on an open befriending referral."""
    intervention = _intervention(request, intervention_id)
    if request.method != "POST":
        found = client_to_read(request, intervention.client_id, page="befriending_referral")
        form = BefriendingReferralForm(
            initial={
                "befriending_note": intervention.befriending_note,
                "risk_note": intervention.risk_note,
            }
        )
    else:
        found = client_to_change(request, intervention.client_id)
        form = BefriendingReferralForm(request.POST)
        if form.is_valid():
            try:
                change_befriending_referral(
                    intervention,
                    by=request.user,
                    befriending_note=form.cleaned_data["befriending_note"],
                    risk_note=form.cleaned_data["risk_note"],
                    request=request,
                )
            except Refused as refusal:
                refusal.put_on(form)
            else:
                messages.success(request, "Befriending referral updated")
                return redirect("interventions:detail", intervention_id=intervention.pk)
    context = {
        "header": record_header(request, found, "befriending_referral"),
        "intervention": intervention,
        "form": form,
        "errors": form.error_texts() if form.is_bound else {},
    }
    return render(request, "interventions/referral.jinja", context)


@role_required(*CASEWORK)
def onward(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    if request.method != "POST":
        found = client_to_read(request, client_id, page="onward_referral")
        form = OnwardForm()
    else:
        found = client_to_change(request, client_id)
        form = OnwardForm(request.POST)
    episode = open_episode_of(found)
    if episode is not None and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record_onward(
                found,
                by=request.user,
                kind=data["kind"],
                organisation=data["organisation"],
                reason=data["reason"],
                on=data["on"],
                outcome=data["outcome"],
                request=request,
            )
        except Refused as refusal:
            refusal.put_on(form)
        else:
            messages.success(request, "Signposting or referral out recorded")
            return redirect("interventions:client", client_id=found.pk)
    context = {
        "header": record_header(request, found, "onward_referral"),
        "form": form,
        "errors": form.error_texts() if form.is_bound else {},
        "no_episode": episode is None,
    }
    return render(request, "interventions/onward.jinja", context)


# Befriending (volunteer coordinator, service lead) -------------------------------------------


@role_required(*BEFRIENDING)
def befriending(request: AuthenticatedHttpRequest) -> HttpResponse:
    referrals = befriending_referrals(Intervention.objects.befriending_for(request.user))
    # Each person shown is a read of part of their record: one event each, by id.
    for referral in referrals:
        record(
            Action.VIEW_BEFRIENDING_REFERRAL,
            request=request,
            object_type="client",
            object_id=referral.client_id,
            detail={"intervention": referral.intervention_id},
        )
    context = {"service": service_of(request), "referrals": referrals}
    return render(request, "interventions/befriending.jinja", context)


@role_required(*BEFRIENDING)
def befriending_detail(request: AuthenticatedHttpRequest, intervention_id: int) -> HttpResponse:
    # Scoped to the user's own service's open befriending referrals: anything else is a 404.
    intervention = get_object_or_404(
        Intervention.objects.befriending_for(request.user).select_related("client", "type"),
        pk=intervention_id,
    )
    visit_form = VisitForm()
    volunteer_form = VolunteerForm(initial={"volunteer_name": intervention.volunteer_name})
    if request.method == "POST":
        if request.POST.get("form") == "volunteer":
            volunteer_form = VolunteerForm(request.POST)
            if volunteer_form.is_valid():
                match_volunteer(
                    intervention,
                    by=request.user,
                    volunteer_name=volunteer_form.cleaned_data["volunteer_name"],
                    request=request,
                )
                messages.success(request, "Volunteer recorded")
                return redirect("interventions:befriending_detail", intervention_id=intervention.pk)
        else:
            visit_form = VisitForm(request.POST)
            if visit_form.is_valid():
                try:
                    add_session(
                        intervention,
                        by=request.user,
                        on=visit_form.cleaned_data["on"],
                        status=visit_form.cleaned_data["status"],
                        note=visit_form.cleaned_data["note"],
                        request=request,
                    )
                except Refused as refusal:
                    refusal.put_on(visit_form)
                else:
                    messages.success(request, "Visit recorded")
                    return redirect(
                        "interventions:befriending_detail", intervention_id=intervention.pk
                    )
    referral = befriending_referral(intervention, visits=_visits(intervention))
    # The page shows the person (again, after a form with a mistake): recorded each time.
    record(
        Action.VIEW_BEFRIENDING_REFERRAL,
        request=request,
        object_type="client",
        object_id=intervention.client_id,
        detail={"intervention": intervention.pk},
    )
    context = {
        "referral": referral,
        "visits": befriending_visits(intervention),
        "visit_form": visit_form,
        "visit_errors": visit_form.error_texts() if visit_form.is_bound else {},
        "volunteer_form": volunteer_form,
        "volunteer_errors": volunteer_form.error_texts() if volunteer_form.is_bound else {},
    }
    return render(request, "interventions/befriending_detail.jinja", context)


def _visits(intervention: Intervention) -> int:
    return intervention.sessions.filter(status=SessionStatus.ATTENDED).count()
