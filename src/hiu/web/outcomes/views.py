"""Outcome pages. Thin: the client is opened through ``clients.record`` (scoped to the user's
service), display comes from presenters, every change from services (which audit it).
POST, redirect, GET.

Every page of a client's record is rendered by ``_record_page``, which writes the VIEW_CLIENT
audit event: on a GET, and on a POST whose form comes back with its errors (the page shows the
record again). One helper, so no way of rendering the record escapes the audit log.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from hiu.outcomes import INSTRUMENTS, Instrument
from hiu.web.accounts.models import Service
from hiu.web.accounts.permissions import AuthenticatedHttpRequest, role_required, service_of
from hiu.web.accounts.roles import Role, has_role
from hiu.web.audit.models import Action
from hiu.web.audit.service import record
from hiu.web.clients.models import Client
from hiu.web.clients.record import client_to_change
from hiu.web.outcomes import services
from hiu.web.outcomes.forms import (
    BLANK_QUESTIONS,
    GoalRatingForm,
    MeasureForm,
    PremForm,
    QuestionnaireForm,
)
from hiu.web.outcomes.kpis import parse_quarter, quarter_of, service_summary
from hiu.web.outcomes.models import OutcomeRecord, PointInCare
from hiu.web.outcomes.presenters import client_outcomes
from hiu.web.outcomes.querysets import current_goals, latest_result_day
from hiu.web.outcomes.questionnaire import current_questionnaire, version_rows
from hiu.web.record_views import bind, record_form, record_page

CASEWORK = (Role.SERVICE_LEAD, Role.CASE_MANAGER, Role.DATA_COORDINATOR)
SUMMARY = (Role.SERVICE_LEAD, Role.DATA_COORDINATOR)


def _today() -> dt.date:
    return timezone.localdate()


def _record_page(
    request: AuthenticatedHttpRequest,
    client: Client,
    template: str,
    page: str,
    **context: Any,
) -> HttpResponse:
    """Render a page of the client's record; its frame writes that it was viewed."""
    return record_page(
        request,
        client,
        page,
        f"outcomes/{template}.jinja",
        today=_today(),
        **context,
    )


def _own_service(request: AuthenticatedHttpRequest) -> Service:
    service = service_of(request)
    if service is None:
        raise PermissionDenied
    return service


# -- The client's Outcomes tab ------------------------------------------------------------------


@role_required(*CASEWORK)
def client_page(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    client = client_to_change(request, client_id)
    view = client_outcomes(client, show_in_error=request.GET.get("in_error") == "show")
    return _record_page(request, client, "client", "outcomes", view=view)


# -- Recording a questionnaire ------------------------------------------------------------------


@role_required(*CASEWORK)
def record_measure(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    client = client_to_change(request, client_id)
    source = request.POST if request.method == "POST" else request.GET
    code = source.get("instrument", "")
    instrument = INSTRUMENTS.get(code)
    if instrument is None:
        # First step: which questionnaire. A wrong or missing choice, once the choice was
        # sent ("chosen"), asks again with an error.
        sent = bool(code) or "chosen" in source or request.method == "POST"
        return _record_page(
            request,
            client,
            "choose",
            "record_outcome",
            instruments=list(INSTRUMENTS.values()),
            choice_error="Select the questionnaire the client completed" if sent else "",
        )
    form = bind(request, MeasureForm, lambda: {"completed_on": _today()}, instrument=instrument)

    return record_form(
        request,
        form,
        save=lambda form: services.record_measure(
            client,
            instrument,
            by=request.user,
            completed_on=form.cleaned_data["completed_on"],
            point=form.cleaned_data["point"],
            answers=form.answers(),
            request=request,
        ),
        saved=lambda made: (
            f"{instrument.name} "
            + ("scored" if made.scored else "recorded, but could not be scored")
            + (". A risk answer was recorded" if made.risk_alerts.exists() else "")
        ),
        then=lambda made: _after_measure(request, client, made),
        show=lambda form: _measure_form(request, client, instrument, form),
        fallback=f"item_{instrument.items[0].number}",
    )


def _after_measure(
    request: AuthenticatedHttpRequest, client: Client, made: OutcomeRecord
) -> HttpResponse:
    """Back to the Outcomes tab; when the questionnaire held a risk answer, say plainly what it
    was and what happens next, in the "important" banner above the record's red alert."""
    for alert in made.risk_alerts.all():
        messages.warning(
            request,
            f"Risk answer recorded: {alert.staff_text}, answered “{alert.answer_label}”. "
            "A risk alert is now on the client's record and caseload, the task “Review risk "
            "and the crisis plan” is due today, and the case manager and service lead have "
            "been notified. Review the risk today and record what was done.",
        )
    return redirect("outcomes:client", client_id=client.pk)


def _measure_form(
    request: AuthenticatedHttpRequest, client: Client, instrument: Instrument, form: MeasureForm
) -> HttpResponse:
    return _record_page(
        request, client, "record", "record_outcome", form=form, instrument=instrument
    )


# -- Goal ratings -------------------------------------------------------------------------------


@role_required(*CASEWORK)
def rate_goals(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    client = client_to_change(request, client_id)
    goals = current_goals(client)
    form = bind(request, GoalRatingForm, lambda: {"rated_on": _today()}, goals=goals)

    def show(form: GoalRatingForm) -> HttpResponse:
        return _record_page(request, client, "goals", "rate_goals", form=form, goals=goals)

    if not goals:  # nothing to rate: a sent form is only shown again
        return show(form)
    return record_form(
        request,
        form,
        save=lambda form: services.rate_goals(
            client,
            by=request.user,
            rated_on=form.cleaned_data["rated_on"],
            lines=[services.GoalLine(goal, rating) for goal, rating in form.ratings()],
            request=request,
        ),
        saved="Goal ratings saved",
        then=redirect("outcomes:client", client_id=client.pk),
        show=show,
        fallback="rated_on",
    )


# -- A client's experience questionnaire --------------------------------------------------------


@role_required(*CASEWORK)
def record_prem(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    client = client_to_change(request, client_id)
    questionnaire = current_questionnaire(client.service)
    form = bind(
        request,
        PremForm,
        lambda: {"completed_on": _today(), "point": PointInCare.STEP_DOWN},
        questions=questionnaire.questions,
    )
    shown = form.cleaned_data.get("version") if form.is_bound and form.is_valid() else None
    if shown is not None and shown != questionnaire.version:
        # The lead saved a new version while this one was being filled in: its answers
        # may mean something else now. Show the new version to check.
        form = PremForm(
            {**request.POST.dict(), "version": questionnaire.version},
            questions=questionnaire.questions,
        )
        form.is_valid()
        form.add_error(
            f"answer_{questionnaire.questions[0].key}",
            "The service's questionnaire changed while you were filling it in: check the "
            "answers and save again",
        )
    return record_form(
        request,
        form,
        save=lambda form: services.record_prem(
            client,
            questionnaire,
            by=request.user,
            completed_on=form.cleaned_data["completed_on"],
            point=form.cleaned_data["point"],
            answers=form.answers(),
            request=request,
        ),
        saved="Experience questionnaire recorded",
        then=redirect("outcomes:client", client_id=client.pk),
        show=lambda form: _record_page(
            request, client, "prem", "record_experience", form=form, questionnaire=questionnaire
        ),
        fallback="completed_on",
    )


# -- The service's experience questionnaire (service lead) --------------------------------------


@role_required(Role.SERVICE_LEAD)
def questionnaire(request: AuthenticatedHttpRequest) -> HttpResponse:
    service = _own_service(request)
    current = current_questionnaire(service)
    rows = len(current.questions) + BLANK_QUESTIONS

    def initial() -> dict[str, Any]:
        values: dict[str, Any] = {"rows": rows}
        for i, question in enumerate(current.questions):
            values[f"question_{i}_key"] = question.key
            values[f"question_{i}_text"] = question.text
            values[f"question_{i}_options"] = "\n".join(o.label for o in question.options)
            values[f"question_{i}_positive"] = len(question.positive_values)
            if question.headline:
                values["headline"] = str(i)
        return values

    return record_form(
        request,
        bind(request, QuestionnaireForm, initial, rows=rows),
        save=lambda form: services.save_questionnaire(
            service, by=request.user, questions=form.questions(), request=request
        ),
        saved=lambda saved: f"Experience questionnaire version {saved.version} saved",
        then=redirect("outcomes:questionnaire"),
        show=lambda form: render(
            request,
            "outcomes/questionnaire.jinja",
            {
                "service": service,
                "current": current,
                "versions": version_rows(service),
                "form": form,
                "rows": range(form.row_count),
            },
        ),
        fallback="question_0_text",
    )


# -- The service's outcome summary (service lead, data coordinator) -----------------------------


@role_required(*SUMMARY)
def summary(request: AuthenticatedHttpRequest) -> HttpResponse:
    service = _own_service(request)
    today = _today()
    asked = request.GET.get("quarter", "")
    quarter = parse_quarter(asked, today) if asked else None
    if quarter is None:
        # Opened without a choice: the latest quarter with results, not an empty current one
        # (early in a quarter, or when measures are entered late), if it is among those offered.
        latest = latest_result_day(service)
        quarter = parse_quarter(quarter_of(latest).key, today) if latest else None
    if quarter is None:
        quarter = quarter_of(today)
    view = service_summary(service, quarter, today)
    record(
        Action.VIEW_OUTCOME_SUMMARY,
        request=request,
        object_type="service",
        object_id=service.pk,
        detail={"quarter": quarter.key},
    )
    return render(
        request,
        "outcomes/summary.jinja",
        {"view": view, "is_lead": has_role(request.user, Role.SERVICE_LEAD)},
    )
