"""Episode pages: the client's periods of support, moving between phases, holding checks,
follow-ups and relapse alerts; and the service's pathway settings. Thin: the record comes
through ``hiu.web.clients.record`` (scoped, reads audited), changes through ``services``
(which record the phase change and the audit event)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from hiu.web.accounts.permissions import AuthenticatedHttpRequest, role_required, service_of
from hiu.web.accounts.roles import Role
from hiu.web.audit.models import Action
from hiu.web.audit.service import record
from hiu.web.clients.models import Client
from hiu.web.clients.record import client_to_change, record_header
from hiu.web.episodes import services
from hiu.web.episodes.forms import (
    ComplexityForm,
    DismissForm,
    FollowUpForm,
    HoldingCheckForm,
    MoveForm,
    PathwayForm,
    ReopenForm,
)
from hiu.web.episodes.models import Episode, FollowUp, RelapseAlert
from hiu.web.episodes.phases import Complexity, Phase
from hiu.web.episodes.presenters import episodes_page
from hiu.web.imports.files import activity_store
from hiu.web.record_views import record_form

CASEWORK = (Role.SERVICE_LEAD, Role.CASE_MANAGER, Role.DATA_COORDINATOR)


def _page_url(client_id: int) -> str:
    return reverse("episodes:client", kwargs={"client_id": client_id})


def _open_episode(client_id: int, request: AuthenticatedHttpRequest) -> Episode:
    client = client_to_change(request, client_id)
    episode = client.episodes.exclude(phase=Phase.CLOSED).first()
    if episode is None:
        raise PermissionDenied
    return episode


def _render(
    request: AuthenticatedHttpRequest, template: str, client: Any, **context: Any
) -> HttpResponse:
    """A page of the client's record. Each shows who they are, so each showing is audited."""
    page = template.removeprefix("episodes/").removesuffix(".jinja")
    return render(request, template, {"header": record_header(request, client, page), **context})


@role_required(*CASEWORK)
def client_episodes(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    client = client_to_change(request, client_id)
    page = episodes_page(client, timezone.localdate())
    today = timezone.localdate()
    move_form = MoveForm(moves=page.moves, initial={"on": today, "letters": True})
    return _render(
        request,
        "episodes/client.jinja",
        client,
        page=page,
        move_form=move_form,
        complexity_form=ComplexityForm(
            initial={"complexity": page.current.complexity if page.current else ""}
        ),
        complexities=Complexity.choices,
    )


@role_required(*CASEWORK)
def move(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    episode = _open_episode(client_id, request)
    client = episode.client
    moves = services.moves_for(episode)

    def save(form: MoveForm) -> str:
        to = Phase(form.cleaned_data["to"])
        services.move(
            episode,
            to,
            by=request.user,
            reason=form.cleaned_data["reason"],
            on=form.cleaned_data["on"],
            request=request,
        )
        note = f"{client.given_name} is now {to.label.lower()}."
        if to == Phase.STEPPED_DOWN and form.cleaned_data["letters"]:
            note += " " + services.step_down_letters(client, by=request.user, request=request)
        return note

    return record_form(
        request,
        MoveForm(request.POST or None, moves=moves, initial={"on": timezone.localdate()}),
        save=save,
        saved=lambda note: note,
        then=redirect(_page_url(client.pk)),
        show=lambda form: _render(
            request, "episodes/move.jinja", client, form=form, episode=episode
        ),
    )


@role_required(Role.SERVICE_LEAD, Role.CASE_MANAGER)
def complexity(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    episode = _open_episode(client_id, request)
    form = ComplexityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.change_complexity(
            episode, Complexity(form.cleaned_data["complexity"]), by=request.user, request=request
        )
        messages.success(request, "The complexity tier has been changed.")
    return redirect(_page_url(episode.client_id))


@role_required(*CASEWORK)
def holding_check(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    episode = _open_episode(client_id, request)
    if episode.phase != Phase.HOLDING:
        raise PermissionDenied

    def saved(check: Any) -> str:
        events = (
            check.ed_attendances + check.ambulance_incidents + check.nhs111_calls + check.admissions
        )
        return f"Holding check recorded: {events} urgent care event(s) in the month before it."

    return record_form(
        request,
        HoldingCheckForm(request.POST or None, initial={"checked_on": timezone.localdate()}),
        save=lambda form: services.record_holding_check(
            episode,
            by=request.user,
            checked_on=form.cleaned_data["checked_on"],
            note=form.cleaned_data["note"],
            store=activity_store(),
            request=request,
        ),
        saved=saved,
        then=redirect(_page_url(episode.client_id)),
        show=lambda form: _render(
            request, "episodes/holding_check.jinja", episode.client, form=form
        ),
    )


@role_required(*CASEWORK)
def follow_up(request: AuthenticatedHttpRequest, follow_up_id: int) -> HttpResponse:
    due = get_object_or_404(
        FollowUp.objects.select_related("episode__client"),
        pk=follow_up_id,
        episode__client__in=Client.objects.visible_to(request.user),
    )
    client = due.episode.client
    return record_form(
        request,
        FollowUpForm(request.POST or None, initial={"done_on": timezone.localdate()}),
        save=lambda form: services.record_follow_up(
            due,
            by=request.user,
            done_on=form.cleaned_data["done_on"],
            note=form.cleaned_data["note"],
            store=activity_store(),
            request=request,
        ),
        saved=f"The {due.months}-month follow-up has been recorded.",
        then=redirect(_page_url(client.pk)),
        show=lambda form: _render(request, "episodes/follow_up.jinja", client, form=form, due=due),
    )


@role_required(Role.SERVICE_LEAD, Role.CASE_MANAGER)
def reopen(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    client = client_to_change(request, client_id)
    return record_form(
        request,
        ReopenForm(request.POST or None),
        save=lambda form: services.reopen_after_relapse(
            client, by=request.user, reason=form.cleaned_data["reason"], request=request
        ),
        saved=f"{client.given_name}'s case is open again, as a new episode.",
        then=redirect(_page_url(client.pk)),
        show=lambda form: _render(request, "episodes/reopen.jinja", client, form=form),
        fallback="reason",
    )


@role_required(Role.SERVICE_LEAD, Role.CASE_MANAGER)
def dismiss(request: AuthenticatedHttpRequest, alert_id: int) -> HttpResponse:
    alert = get_object_or_404(
        RelapseAlert.objects.select_related("client", "episode"),
        pk=alert_id,
        client__in=Client.objects.visible_to(request.user),
    )
    return record_form(
        request,
        DismissForm(request.POST or None),
        save=lambda form: services.dismiss_alert(
            alert, by=request.user, reason=form.cleaned_data["reason"], request=request
        ),
        saved="The relapse alert has been dismissed.",
        then=redirect(_page_url(alert.client_id)),
        show=lambda form: _render(
            request,
            "episodes/dismiss.jinja",
            alert.client,
            form=form,
            alert=alert,
        ),
        fallback="reason",
    )


@role_required(Role.SERVICE_LEAD)
def pathway(request: AuthenticatedHttpRequest) -> HttpResponse:
    service = service_of(request)
    if service is None:
        raise PermissionDenied
    current = services.pathway_for(service)
    form = PathwayForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        form.save()
        record(
            Action.CHANGE_SERVICE_SETTINGS,
            request=request,
            object_type="service",
            object_id=service.pk,
            detail={"what": "pathway", "fields": sorted(form.changed_data)},
        )
        messages.success(request, "The pathway settings have been saved.")
        return redirect(reverse("episodes:pathway"))
    return render(
        request,
        "episodes/pathway.jinja",
        {"form": form, "service": service},
    )
