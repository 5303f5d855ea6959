"""Consent, assessment and plans pages of the client record. Thin: the client is opened through
``clients.record`` (scoped to the user's service, every read audited), display comes from
presenters, every change from services (which audit it). POST, redirect, GET."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from hiu.web.accounts.permissions import AuthenticatedHttpRequest, role_required
from hiu.web.accounts.roles import Role
from hiu.web.clients.models import Client
from hiu.web.clients.record import client_to_change, client_to_read, record_header
from hiu.web.episodes.services import pathway_for
from hiu.web.form_errors import error_texts
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
    CONSENT_STATEMENTS,
    ConsentLevel,
    Need,
    Progress,
    Readiness,
    RiskLevel,
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
)
from hiu.web.plans.querysets import current_crisis_plan, current_ed_plan, current_plan, plan_version
from hiu.web.plans.services import Refused, default_plan_review_on, default_review_on

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
        context["errors"] = error_texts(form)
    context.update(
        header=record_header(request, client, audit_page),
        progress_colours=PROGRESS_COLOURS,
        risk_colours=RISK_COLOURS,
        today=timezone.localdate(),
    )
    return render(request, f"plans/{template}.jinja", context)


def _refuse(form: forms.Form, refusal: Refused, fallback: str) -> None:
    refusal.put_on(form, fallback)


# -- Consent ----------------------------------------------------------------------------------


@role_required(*CASEWORK)
def consent(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    client = client_to_read(request, client_id, page="consent")
    return _render(request, client, "consent", "consent", page=consent_page(client, _today()))


@role_required(*CASEWORK)
def record_consent(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    extra = {"statements": CONSENT_STATEMENTS, "levels": ConsentLevel.choices}
    if request.method != "POST":
        client = client_to_read(request, client_id, page="record_consent")
        form = ConsentForm(initial={"given_on": _today()})
        return _consent_form(request, client, form, extra)
    client = client_to_change(request, client_id)
    form = ConsentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
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
        except Refused as refusal:
            _refuse(form, refusal, "given_on")
        else:
            messages.success(request, "Consent recorded")
            return redirect("plans:consent", client_id=client.pk)
    return _consent_form(request, client, form, extra)


def _consent_form(
    request: AuthenticatedHttpRequest, client: Client, form: ConsentForm, extra: dict[str, Any]
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
        **extra,
    )


@role_required(*CASEWORK)
def withdraw_consent(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    if request.method != "POST":
        client = client_to_read(request, client_id, page="withdraw_consent")
        form = WithdrawConsentForm(initial={"withdrawn_on": _today()})
    else:
        client = client_to_change(request, client_id)
        form = WithdrawConsentForm(request.POST)
        if form.is_valid():
            try:
                services.withdraw_consent(
                    client,
                    by=request.user,
                    on=form.cleaned_data["withdrawn_on"],
                    note=form.cleaned_data["note"],
                    request=request,
                )
            except Refused as refusal:
                _refuse(form, refusal, "withdrawn_on")
            else:
                messages.success(request, "Withdrawal of consent recorded")
                return redirect("plans:consent", client_id=client.pk)
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


# -- Overview and assessment -------------------------------------------------------------------


@role_required(*CASEWORK)
def client_plans(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    client = client_to_read(request, client_id, page="plans")
    return _render(request, client, "client", "plans", view=overview(client, _today()))


@role_required(*CASEWORK)
def assess(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    if request.method != "POST":
        client = client_to_read(request, client_id, page="assess")
        form = AssessmentForm(initial={"assessed_on": _today()})
    else:
        client = client_to_change(request, client_id)
        form = AssessmentForm(request.POST)
        if form.is_valid():
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
            try:
                services.assess(client, answers, by=request.user, request=request)
            except Refused as refusal:
                _refuse(form, refusal, "own_account")
            else:
                messages.success(request, "Assessment saved")
                return redirect("plans:client", client_id=client.pk)
    return _render(
        request,
        client,
        "assess",
        "assess",
        form,
        needs=Need.choices,
        readiness=Readiness.choices,
        risk_levels=RiskLevel.choices,
        risk_fields=[
            ("risk_to_self", "Risk to themselves"),
            ("risk_to_others", "Risk to others"),
            ("risk_to_staff", "Risk to staff (lone working)"),
        ],
    )


# -- Action plan ------------------------------------------------------------------------------


@role_required(*CASEWORK)
def edit_plan(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    if request.method != "POST":
        client = client_to_read(request, client_id, page="edit_plan")
        plan = current_plan(client)
        goals = list(plan.goals.all()) if plan is not None else []
        initial: dict[str, Any] = {
            "summary": plan.summary if plan is not None else "",
            "review_on": default_plan_review_on(client),
            "rows": len(goals) + BLANK_GOALS,
        }
        for i, goal in enumerate(goals):
            initial[f"goal_{i}_description"] = goal.description
            initial[f"goal_{i}_progress"] = goal.progress
            initial[f"goal_{i}_note"] = goal.note
        form = PlanForm(initial=initial, rows=len(goals) + BLANK_GOALS)
    else:
        client = client_to_change(request, client_id)
        plan = current_plan(client)
        form = PlanForm(request.POST, rows=BLANK_GOALS)
        if form.is_valid():
            try:
                saved = services.save_plan(
                    client,
                    by=request.user,
                    summary=form.cleaned_data["summary"],
                    review_on=form.cleaned_data["review_on"],
                    goals=[
                        services.GoalLine(description=d, progress=p, note=n)
                        for d, p, n in form.goal_lines()
                    ],
                    request=request,
                )
            except Refused as refusal:
                _refuse(form, refusal, "goal_0_description")
            else:
                messages.success(request, f"Action plan version {saved.version} saved")
                return redirect("plans:client", client_id=client.pk)
    return _render(
        request,
        client,
        "edit_plan",
        "edit_plan",
        form,
        plan=plan,
        progress=Progress.choices,
        rows=range(form.row_count),
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


@role_required(*CASEWORK)
def crisis(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    if request.method != "POST":
        client = client_to_read(request, client_id, page="crisis_plan")
        current = current_crisis_plan(client)
        form = CrisisPlanForm(
            initial={
                name: getattr(current, name)
                for name in ("triggers", "early_warning_signs", "what_helps", "who_to_contact")
            }
            if current is not None
            else {}
        )
    else:
        client = client_to_change(request, client_id)
        form = CrisisPlanForm(request.POST)
        if form.is_valid():
            try:
                saved = services.save_crisis_plan(
                    client, by=request.user, request=request, **form.cleaned_data
                )
            except Refused as refusal:
                _refuse(form, refusal, "triggers")
            else:
                messages.success(request, f"Crisis plan version {saved.version} saved")
                return redirect("plans:crisis", client_id=client.pk)
    versions = list(client.crisis_plans.select_related("made_by").order_by("-version"))
    shown = _pick(versions, _asked_version(request))
    return _render(
        request,
        client,
        "crisis",
        "crisis_plan",
        form,
        versions=[(plan, person(plan.made_by)) for plan in versions],
        shown=shown,
    )


@role_required(*CASEWORK)
def ed_plan(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    if request.method != "POST":
        client = client_to_read(request, client_id, page="ed_plan")
        current = current_ed_plan(client)
        form = EDPlanForm(
            initial={"response": current.response, "agreed_with": current.agreed_with}
            if current is not None
            else {}
        )
    else:
        client = client_to_change(request, client_id)
        form = EDPlanForm(request.POST)
        if form.is_valid():
            try:
                saved = services.save_ed_plan(
                    client, by=request.user, request=request, **form.cleaned_data
                )
            except Refused as refusal:
                _refuse(form, refusal, "response")
            else:
                messages.success(request, f"ED plan version {saved.version} saved")
                return redirect("plans:ed_plan", client_id=client.pk)
    versions = list(client.ed_plans.select_related("made_by").order_by("-version"))
    shown = _pick(versions, _asked_version(request))
    return _render(
        request,
        client,
        "ed_plan",
        "ed_plan",
        form,
        versions=[(plan, person(plan.made_by)) for plan in versions],
        shown=shown,
        stopped=sharing_stopped_on(client),
    )


def _pick(versions: list[Any], asked: int | None) -> Any:
    if asked is None:
        return versions[0] if versions else None
    for plan in versions:
        if plan.version == asked:
            return plan
    raise Http404("No such version")


# -- HIU alert --------------------------------------------------------------------------------


@role_required(*CASEWORK)
def alert(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    if request.method != "POST":
        client = client_to_read(request, client_id, page="alert")
        form = AlertForm(
            initial={"active": "yes" if client.alert_active else "no", "note": client.alert_note}
        )
    else:
        client = client_to_change(request, client_id)
        form = AlertForm(request.POST)
        if form.is_valid():
            active = form.cleaned_data["active"] == "yes"
            try:
                services.set_alert(
                    client,
                    by=request.user,
                    active=active,
                    note=form.cleaned_data["note"],
                    request=request,
                )
            except Refused as refusal:
                _refuse(form, refusal, "note")
            else:
                messages.success(request, "HIU alert set" if active else "HIU alert cleared")
                return redirect("plans:client", client_id=client.pk)
    return _render(request, client, "alert", "alert", form)


def _today() -> dt.date:
    return timezone.localdate()
