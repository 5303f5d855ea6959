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
from hiu.web.record_views import bind, open_record, record_form, record_page
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
    def initial() -> dict[str, Any]:
        if item is None:
            return {"active": "yes"}
        return {
            "name": item.name,
            "kind": item.kind,
            "provider": item.provider,
            "planned_sessions": item.planned_sessions,
            "max_sessions": item.max_sessions,
            "active": "yes" if item.active else "no",
        }

    def save(form: InterventionTypeForm) -> InterventionType:
        data = form.cleaned_data
        return save_type(
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

    return record_form(
        request,
        bind(request, InterventionTypeForm, initial),
        save=save,
        saved=lambda saved: f"{saved.name} saved in the catalogue",
        then=redirect("interventions:catalogue"),
        show=lambda form: render(
            request,
            "interventions/type.jinja",
            {"service": service, "item": item, "form": form},
        ),
    )


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
    found = open_record(request, client_id, "new_intervention")
    episode = open_episode_of(found)
    if episode is None:
        return record_page(request, found, "new_intervention", _NEW, no_episode=True)
    types = list(catalogue_for(found.service).active())

    def save(form: InterventionForm) -> Intervention:
        data = form.cleaned_data
        return make_intervention(
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

    return record_form(
        request,
        bind(request, InterventionForm, types=types, opened_on=episode.opened_on),
        save=save,
        saved=lambda made: f"Referral to {made.type.name} recorded",
        then=lambda made: redirect("interventions:detail", intervention_id=made.pk),
        show=lambda form: record_page(
            request, found, "new_intervention", _NEW, form=form, types=types, episode=episode
        ),
    )


_NEW = "interventions/new.jinja"


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
        "page": intervention_detail(
            intervention, show_in_error=request.GET.get("in_error") == "show"
        ),
        "form": form,
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

    def saved(added: Any) -> str:
        text = "Session recorded"
        if added.planned_reached:
            text += f": {added.attended} sessions attended, the number planned"
        return text

    def show(form: SessionForm) -> HttpResponse:
        intervention.refresh_from_db()
        return _detail_page(request, found, intervention, form)

    return record_form(
        request,
        SessionForm(request.POST),
        save=lambda form: add_session(
            intervention,
            by=request.user,
            on=form.cleaned_data["on"],
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
            request=request,
        ),
        saved=saved,
        then=redirect("interventions:detail", intervention_id=intervention.pk),
        show=show,
    )


@role_required(*CASEWORK)
def end(request: AuthenticatedHttpRequest, intervention_id: int) -> HttpResponse:
    intervention = _intervention(request, intervention_id)
    found = open_record(request, intervention.client_id, "intervention_end")
    return record_form(
        request,
        bind(request, EndForm),
        save=lambda form: end_intervention(
            intervention,
            by=request.user,
            on=form.cleaned_data["ended_on"],
            reason=form.cleaned_data["end_reason"],
            note=form.cleaned_data["end_note"],
            request=request,
        ),
        saved=f"{intervention.type.name} ended",
        then=redirect("interventions:client", client_id=found.pk),
        show=lambda form: record_page(
            request,
            found,
            "intervention_end",
            "interventions/end.jinja",
            intervention=intervention,
            form=form,
        ),
    )


@role_required(*CASEWORK)
def referral(request: AuthenticatedHttpRequest, intervention_id: int) -> HttpResponse:
    """The case manager's notes for the volunteers on an open befriending referral."""
    intervention = _intervention(request, intervention_id)
    found = open_record(request, intervention.client_id, "befriending_referral")
    return record_form(
        request,
        bind(
            request,
            BefriendingReferralForm,
            lambda: {
                "befriending_note": intervention.befriending_note,
                "risk_note": intervention.risk_note,
            },
        ),
        save=lambda form: change_befriending_referral(
            intervention,
            by=request.user,
            befriending_note=form.cleaned_data["befriending_note"],
            risk_note=form.cleaned_data["risk_note"],
            request=request,
        ),
        saved="Befriending referral updated",
        then=redirect("interventions:detail", intervention_id=intervention.pk),
        show=lambda form: record_page(
            request,
            found,
            "befriending_referral",
            "interventions/referral.jinja",
            intervention=intervention,
            form=form,
        ),
    )


@role_required(*CASEWORK)
def onward(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    found = open_record(request, client_id, "onward_referral")
    form = bind(request, OnwardForm)
    episode = open_episode_of(found)

    def show(form: OnwardForm) -> HttpResponse:
        return record_page(
            request,
            found,
            "onward_referral",
            "interventions/onward.jinja",
            form=form,
            no_episode=episode is None,
        )

    if episode is None:  # nothing to record it against: the page says so
        return show(form)

    def save(form: OnwardForm) -> None:
        data = form.cleaned_data
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

    return record_form(
        request,
        form,
        save=save,
        saved="Signposting or referral out recorded",
        then=redirect("interventions:client", client_id=found.pk),
        show=show,
    )


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
        "volunteer_form": volunteer_form,
    }
    return render(request, "interventions/befriending_detail.jinja", context)


def _visits(intervention: Intervention) -> int:
    return intervention.sessions.filter(status=SessionStatus.ATTENDED).count()
