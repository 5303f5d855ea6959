"""Consent, assessment and plans pages of the client record. Thin: the client is opened through
``clients.record`` (scoped to the user's service, every read audited), display comes from
presenters, every change from services (which audit it). POST, redirect, GET."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from hiu.web.accounts.permissions import AuthenticatedHttpRequest, role_required
from hiu.web.accounts.roles import Role
from hiu.web.clients.models import Client
from hiu.web.clients.record import client_to_read
from hiu.web.episodes.services import pathway_for
from hiu.web.plans import services
from hiu.web.plans.forms import (
    BLANK_GOALS,
    AlertForm,
    AssessmentForm,
    ConsentForm,
    CrisisPlanForm,
    EDPlanForm,
    PlanForm,
    WithdrawConsentForm,
)
from hiu.web.plans.models import (
    ActionPlan,
    CrisisPlan,
    EDPlan,
    current_consent,
    sharing_stopped_on,
)
from hiu.web.plans.presenters import (
    PROGRESS_COLOURS,
    RISK_COLOURS,
    consent_page,
    overview,
    person,
    plan_versions,
    version_corrections,
)
from hiu.web.plans.querysets import current_crisis_plan, current_ed_plan, current_plan, plan_version
from hiu.web.plans.services import default_plan_review_on, default_review_on
from hiu.web.record_views import bind, is_sent, open_record, record_form, record_page

CASEWORK = (Role.SERVICE_LEAD, Role.CASE_MANAGER, Role.DATA_COORDINATOR)


def _render(
    request: AuthenticatedHttpRequest,
    client: Client,
    template: str,
    audit_page: str,
    form: forms.Form | None = None,
    **context: Any,
) -> HttpResponse:
    if form is not None:
        context["form"] = form
    return record_page(
        request,
        client,
        audit_page,
        f"plans/{template}.jinja",
        progress_colours=PROGRESS_COLOURS,
        risk_colours=RISK_COLOURS,
        today=timezone.localdate(),
        **context,
    )


# -- Consent ----------------------------------------------------------------------------------


@role_required(*CASEWORK)
def consent(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    client = client_to_read(request, client_id, page="consent")
    page = consent_page(client, _today(), show_in_error=request.GET.get("in_error") == "show")
    return _render(request, client, "consent", "consent", page=page)


@role_required(*CASEWORK)
def record_consent(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    client = open_record(request, client_id, "record_consent")
    form = bind(request, ConsentForm, lambda: {"given_on": _today()})

    def save(form: ConsentForm) -> None:
        data = form.cleaned_data
        services.record_consent(
            client,
            by=request.user,
            level=data["level"],
            statements=set(data["statements"]),
            given_on=data["given_on"],
            witnessed_by=data["witnessed_by"],
            review_on=data["review_on"],
            request=request,
        )

    return record_form(
        request,
        form,
        save=save,
        saved="Consent recorded",
        then=redirect("plans:consent", client_id=client.pk),
        show=lambda form: _consent_form(request, client, form),
        fallback="given_on",
    )


def _consent_form(
    request: AuthenticatedHttpRequest, client: Client, form: ConsentForm
) -> HttpResponse:
    months = pathway_for(client.service).consent_review_months
    return _render(
        request,
        client,
        "record_consent",
        "record_consent",
        form,
        review_months=months,
        example_review=default_review_on(client, _today()),
        latest=current_consent(client),
    )


@role_required(*CASEWORK)
def withdraw_consent(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    client = open_record(request, client_id, "withdraw_consent")
    form = bind(request, WithdrawConsentForm, lambda: {"withdrawn_on": _today()})

    def show(form: WithdrawConsentForm) -> HttpResponse:
        current = current_consent(client)
        return _render(
            request,
            client,
            "withdraw_consent",
            "withdraw_consent",
            form,
            current=current,
            may_withdraw=current is not None and current.withdrawn_on is None,
        )

    return record_form(
        request,
        form,
        save=lambda form: services.withdraw_consent(
            client,
            by=request.user,
            on=form.cleaned_data["withdrawn_on"],
            note=form.cleaned_data["note"],
            request=request,
        ),
        saved="Withdrawal of consent recorded",
        then=redirect("plans:consent", client_id=client.pk),
        show=show,
        fallback="withdrawn_on",
    )


# -- Overview and assessment -------------------------------------------------------------------


@role_required(*CASEWORK)
def client_plans(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    client = client_to_read(request, client_id, page="plans")
    return _render(request, client, "client", "plans", view=overview(client, _today()))


@role_required(*CASEWORK)
def assess(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    client = open_record(request, client_id, "assess")
    form = bind(request, AssessmentForm, lambda: {"assessed_on": _today()})

    def save(form: AssessmentForm) -> None:
        data = form.cleaned_data
        answers = services.AssessmentAnswers(
            assessed_on=data["assessed_on"],
            own_account=data["own_account"],
            needs=list(data["needs"]),
            needs_note=data["needs_note"],
            primary_need=data["primary_need"],
            readiness=data["readiness"],
            risk_to_self=data["risk_to_self"],
            risk_to_others=data["risk_to_others"],
            risk_to_staff=data["risk_to_staff"],
            risk_note=data["risk_note"],
        )
        services.assess(client, answers, by=request.user, request=request)

    return record_form(
        request,
        form,
        save=save,
        saved="Assessment saved",
        then=redirect("plans:client", client_id=client.pk),
        show=lambda form: _render(
            request,
            client,
            "assess",
            "assess",
            form,
        ),
        fallback="own_account",
    )


# -- Action plan ------------------------------------------------------------------------------


@role_required(*CASEWORK)
def edit_plan(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    client = open_record(request, client_id, "edit_plan")
    plan = current_plan(client)
    goals = list(plan.goals.all()) if plan is not None and not is_sent(request) else []

    def initial() -> dict[str, Any]:
        values: dict[str, Any] = {
            "summary": plan.summary if plan is not None else "",
            "review_on": default_plan_review_on(client),
            "rows": len(goals) + BLANK_GOALS,
        }
        for i, goal in enumerate(goals):
            values[f"goal_{i}_description"] = goal.description
            values[f"goal_{i}_progress"] = goal.progress
            values[f"goal_{i}_note"] = goal.note
        return values

    # A sent form says how many rows it had; a new one has a row a goal and some blank ones.
    rows = BLANK_GOALS if is_sent(request) else len(goals) + BLANK_GOALS
    form = bind(request, PlanForm, initial, rows=rows)
    return record_form(
        request,
        form,
        save=lambda form: services.save_plan(
            client,
            by=request.user,
            summary=form.cleaned_data["summary"],
            review_on=form.cleaned_data["review_on"],
            goals=[
                services.GoalLine(description=d, progress=p, note=n)
                for d, p, n in form.goal_lines()
            ],
            request=request,
        ),
        saved=lambda saved: f"Action plan version {saved.version} saved",
        then=redirect("plans:client", client_id=client.pk),
        show=lambda form: _render(
            request,
            client,
            "edit_plan",
            "edit_plan",
            form,
            plan=plan,
            rows=range(form.row_count),
        ),
        fallback="goal_0_description",
    )


@role_required(*CASEWORK)
def plan_history(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    client = client_to_read(request, client_id, page="plan_history")
    asked = request.GET.get("version")
    if asked:
        if not asked.isdigit():
            raise Http404("No such version")
        shown = plan_version(client, int(asked))
        if shown is None:
            raise Http404("No such version")
    else:
        shown = current_plan(client)
    return _render(
        request,
        client,
        "plan_history",
        "plan_history",
        versions=plan_versions(client),
        corrections=version_corrections(
            "action_plan", ActionPlan, client, show=request.GET.get("in_error") == "show"
        ),
        shown=shown,
        shown_by=person(shown.made_by) if shown is not None else "",
        goals=list(shown.goals.all()) if shown is not None else [],
    )


# -- Crisis and ED plans ----------------------------------------------------------------------


def _asked_version(request: AuthenticatedHttpRequest) -> int | None:
    asked = request.GET.get("version")
    if not asked:
        return None
    if not asked.isdigit():
        raise Http404("No such version")
    return int(asked)


_CRISIS_FIELDS = ("triggers", "early_warning_signs", "what_helps", "who_to_contact")


@role_required(*CASEWORK)
def crisis(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    client = open_record(request, client_id, "crisis_plan")

    def initial() -> dict[str, Any]:
        current = current_crisis_plan(client)
        return {name: getattr(current, name) for name in _CRISIS_FIELDS} if current else {}

    def show(form: CrisisPlanForm) -> HttpResponse:
        return _render(
            request,
            client,
            "crisis",
            "crisis_plan",
            form,
            **_versions(request, client.crisis_plans.all()),
            corrections=version_corrections(
                "crisis_plan", CrisisPlan, client, show=request.GET.get("in_error") == "show"
            ),
        )

    return record_form(
        request,
        bind(request, CrisisPlanForm, initial),
        save=lambda form: services.save_crisis_plan(
            client, by=request.user, request=request, **form.cleaned_data
        ),
        saved=lambda saved: f"Crisis plan version {saved.version} saved",
        then=redirect("plans:crisis", client_id=client.pk),
        show=show,
        fallback="triggers",
    )


@role_required(*CASEWORK)
def ed_plan(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    client = open_record(request, client_id, "ed_plan")

    def initial() -> dict[str, Any]:
        current = current_ed_plan(client)
        if current is None:
            return {}
        return {"response": current.response, "agreed_with": current.agreed_with}

    def show(form: EDPlanForm) -> HttpResponse:
        return _render(
            request,
            client,
            "ed_plan",
            "ed_plan",
            form,
            **_versions(request, client.ed_plans.all()),
            corrections=version_corrections(
                "ed_plan", EDPlan, client, show=request.GET.get("in_error") == "show"
            ),
            stopped=sharing_stopped_on(client),
        )

    return record_form(
        request,
        bind(request, EDPlanForm, initial),
        save=lambda form: services.save_ed_plan(
            client, by=request.user, request=request, **form.cleaned_data
        ),
        saved=lambda saved: f"ED plan version {saved.version} saved",
        then=redirect("plans:ed_plan", client_id=client.pk),
        show=show,
        fallback="response",
    )


def _versions(request: AuthenticatedHttpRequest, plans: QuerySet[Any]) -> dict[str, Any]:
    """A versioned plan's history, newest first, with who made each, and the version shown:
    the one asked for (``?version=N``; a 404 when there is none), else the newest."""
    versions = list(plans.select_related("made_by").order_by("-version"))
    asked = _asked_version(request)
    shown = versions[0] if versions and asked is None else None
    if asked is not None:
        shown = next((plan for plan in versions if plan.version == asked), None)
        if shown is None:
            raise Http404("No such version")
    return {"versions": [(plan, person(plan.made_by)) for plan in versions], "shown": shown}


# -- HIU alert --------------------------------------------------------------------------------


@role_required(*CASEWORK)
def alert(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    client = open_record(request, client_id, "alert")

    def save(form: AlertForm) -> bool:
        active: bool = form.cleaned_data["active"] == "yes"
        services.set_alert(
            client, by=request.user, active=active, note=form.cleaned_data["note"], request=request
        )
        return active

    return record_form(
        request,
        bind(
            request,
            AlertForm,
            lambda: {"active": "yes" if client.alert_active else "no", "note": client.alert_note},
        ),
        save=save,
        saved=lambda active: "HIU alert set" if active else "HIU alert cleared",
        then=redirect("plans:client", client_id=client.pk),
        show=lambda form: _render(request, client, "alert", "alert", form),
        fallback="note",
    )


def _today() -> dt.date:
    return timezone.localdate()
