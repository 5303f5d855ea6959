"""Workflow changes for consent, assessment and plans. Every write happens here, in one
transaction with its audit event, so no view can change a record without the audit log.

The rules are checked here too (not only in the forms), so every caller keeps them: written
consent names its witness (001 §10.3), consent is not dated in the future, an action plan is
never edited in place (000 §2.3.3: a live document, kept as versions), an ED plan is not shared
after the client withdrew consent, an HIU alert says why it is set (000 §2.3.6).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from hiu.web.audit.models import Action
from hiu.web.audit.service import record
from hiu.web.clients.models import Client
from hiu.web.episodes.models import Episode
from hiu.web.episodes.phases import Phase
from hiu.web.episodes.services import add_months, pathway_for
from hiu.web.plans.models import (
    CONSENT_STATEMENTS,
    ActionPlan,
    Assessment,
    Consent,
    ConsentLevel,
    CrisisPlan,
    EDPlan,
    Goal,
    Need,
    Progress,
    Readiness,
    RiskLevel,
    current_consent,
    sharing_stopped_on,
)
from hiu.web.refused import Refused as Refused


def _audit(client: Client, by: User, request: HttpRequest | None, **detail: Any) -> None:
    record(
        Action.UPDATE_CLIENT,
        request=request,
        actor=by,
        object_type="client",
        object_id=client.pk,
        detail=detail,
    )


def _open_episode(client: Client) -> Episode | None:
    return client.episodes.exclude(phase=Phase.CLOSED).first()


def _lock(client: Client) -> None:
    # Two people saving a new version at once must not both take the same number.
    Client.objects.select_for_update().filter(pk=client.pk).first()


def _next_version(model: type[ActionPlan | CrisisPlan | EDPlan], client: Client) -> int:
    """The next version's number, counting versions marked entered in error too (ADR 0019,
    the plans trap): the default manager leaves them out, so it would hand out the number of
    one in error again and break the (client, version) constraint."""
    found = model.all_with_errors.filter(client=client).aggregate(n=Max("version"))["n"]
    return int(found or 0) + 1


def _not_future(day: dt.date, message: str, field: str) -> None:
    if day > timezone.localdate():
        raise Refused(message, field)


# -- Consent ----------------------------------------------------------------------------------


def default_review_on(client: Client, given_on: dt.date) -> dt.date:
    """When consent given on ``given_on`` is due for renewal: the service's review period."""
    return add_months(given_on, pathway_for(client.service).consent_review_months)


@transaction.atomic
def record_consent(
    client: Client,
    *,
    by: User,
    level: ConsentLevel | str,
    statements: set[str],
    given_on: dt.date,
    witnessed_by: str = "",
    review_on: dt.date | None = None,
    request: HttpRequest | None = None,
) -> Consent:
    """Consent as the client gave it: verbally (by phone, 001 §9) or in writing (the RightCare
    form, 001 §10.3). Recording consent after a withdrawal is the client consenting again."""
    _lock(client)
    level = ConsentLevel(level)
    unknown = statements - set(CONSENT_STATEMENTS)
    if unknown:
        raise Refused("Select statements from the consent form", "statements")
    _not_future(given_on, "The date consent was given must be today or in the past", "given_on")
    witnessed_by = witnessed_by.strip()
    if level == ConsentLevel.WRITTEN and not witnessed_by:
        raise Refused("Enter who witnessed the written consent", "witnessed_by")
    latest = current_consent(client)
    if latest is not None:
        # The new consent must be the latest, or it would not count as the client's consent.
        since = latest.withdrawn_on or latest.given_on
        if given_on < since:
            what = "the withdrawal" if latest.withdrawn_on else "the latest consent"
            raise Refused(
                f"The date consent was given must be on or after {what}, {since.day} {since:%B %Y}",
                "given_on",
            )
    review_on = review_on or default_review_on(client, given_on)
    if review_on <= given_on:
        raise Refused("The review date must be after the date consent was given", "review_on")
    consent = Consent.objects.create(
        client=client,
        episode=_open_episode(client),
        level=level,
        given_on=given_on,
        witnessed_by=witnessed_by,
        review_on=review_on,
        recorded_by=by,
        **{name: name in statements for name in CONSENT_STATEMENTS},
    )
    _audit(client, by, request, what="consent", consent=consent.pk)
    return consent


@transaction.atomic
def withdraw_consent(
    client: Client,
    *,
    by: User,
    on: dt.date,
    note: str = "",
    request: HttpRequest | None = None,
) -> Consent:
    """The client withdraws their consent (001 §10.3): from ``on``, nothing is shared."""
    _lock(client)
    consent = current_consent(client)
    if consent is None:
        raise Refused("There is no consent to withdraw: none has been recorded", "withdrawn_on")
    if consent.withdrawn_on is not None:
        raise Refused("The client's consent is already withdrawn", "withdrawn_on")
    _not_future(on, "The date of the withdrawal must be today or in the past", "withdrawn_on")
    if on < consent.given_on:
        raise Refused(
            "The date of the withdrawal must be on or after the day consent was given, "
            f"{consent.given_on.day} {consent.given_on:%B %Y}",
            "withdrawn_on",
        )
    consent.withdrawn_on = on
    consent.withdrawal_note = note.strip()
    consent.withdrawal_recorded_by = by
    consent.save(update_fields=["withdrawn_on", "withdrawal_note", "withdrawal_recorded_by"])
    _audit(client, by, request, what="consent_withdrawn", consent=consent.pk)
    return consent


# -- Assessment -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AssessmentAnswers:
    assessed_on: dt.date
    own_account: str
    needs: list[str]
    readiness: str
    risk_to_self: str
    risk_to_others: str
    risk_to_staff: str
    needs_note: str = ""
    risk_note: str = ""
    # A code from ``Need``, or "" when not decided.
    primary_need: str = ""


@transaction.atomic
def assess(
    client: Client,
    answers: AssessmentAnswers,
    *,
    by: User,
    request: HttpRequest | None = None,
) -> Assessment:
    """A new assessment (000 §2.3.2). Earlier ones are kept; the latest is shown. A main need
    that was not ticked among the needs is added to them."""
    _not_future(
        answers.assessed_on,
        "The date of the assessment must be today or in the past",
        "assessed_on",
    )
    if not answers.own_account.strip():
        raise Refused("Enter the client's own account of why they attend", "own_account")
    if not set(answers.needs) <= set(Need.values):
        raise Refused("Select needs from the list", "needs")
    if answers.primary_need and answers.primary_need not in Need.values:
        raise Refused("Select the main need from the list", "primary_need")
    if answers.readiness not in Readiness.values:
        raise Refused("Select how ready the client is to engage", "readiness")
    for field in ("risk_to_self", "risk_to_others", "risk_to_staff"):
        if getattr(answers, field) not in RiskLevel.values:
            raise Refused("Select a risk level: none, low, medium or high", field)
    # The main need is one of the needs: one chosen but not ticked is ticked for the worker
    # (the report counts clients by main need and reads needs beside it).
    ticked = set(answers.needs) | ({answers.primary_need} if answers.primary_need else set())
    # Stored in the order of the list, once each.
    needs = [code for code in Need.values if code in ticked]
    assessment = Assessment.objects.create(
        client=client,
        episode=_open_episode(client),
        assessed_on=answers.assessed_on,
        by=by,
        own_account=answers.own_account.strip(),
        needs=needs,
        primary_need=answers.primary_need,
        needs_note=answers.needs_note.strip(),
        readiness=answers.readiness,
        risk_to_self=answers.risk_to_self,
        risk_to_others=answers.risk_to_others,
        risk_to_staff=answers.risk_to_staff,
        risk_note=answers.risk_note.strip(),
    )
    _audit(client, by, request, what="assessment", assessment=assessment.pk)
    return assessment


# -- Action plan ------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoalLine:
    description: str
    progress: str = Progress.NOT_STARTED
    note: str = ""


def default_plan_review_on(client: Client, today: dt.date | None = None) -> dt.date:
    today = today or timezone.localdate()
    return today + dt.timedelta(weeks=pathway_for(client.service).plan_review_weeks)


@transaction.atomic
def save_plan(
    client: Client,
    *,
    by: User,
    summary: str,
    review_on: dt.date,
    goals: list[GoalLine],
    request: HttpRequest | None = None,
) -> ActionPlan:
    """A new version of the action plan with these goals. Earlier versions are never changed:
    the plan is a live document (000 §2.3.3) whose history stays readable."""
    _lock(client)
    if not summary.strip():
        raise Refused("Enter a summary of the plan", "summary")
    if review_on < timezone.localdate():
        raise Refused("The review date must be today or in the future", "review_on")
    kept = [goal for goal in goals if goal.description.strip()]
    if not kept:
        raise Refused("Enter at least one goal", "goals")
    if any(goal.progress not in Progress.values for goal in kept):
        raise Refused("Select the progress of each goal", "goals")
    plan = ActionPlan.objects.create(
        client=client,
        episode=_open_episode(client),
        version=_next_version(ActionPlan, client),
        summary=summary.strip(),
        review_on=review_on,
        made_by=by,
    )
    Goal.objects.bulk_create(
        Goal(
            plan=plan,
            position=position,
            description=goal.description.strip(),
            progress=goal.progress,
            note=goal.note.strip(),
        )
        for position, goal in enumerate(kept, start=1)
    )
    _audit(client, by, request, what="action_plan", plan=plan.pk, version=plan.version)
    return plan


# -- Crisis and ED plans ----------------------------------------------------------------------


@transaction.atomic
def save_crisis_plan(
    client: Client,
    *,
    by: User,
    triggers: str,
    early_warning_signs: str,
    what_helps: str,
    who_to_contact: str,
    request: HttpRequest | None = None,
) -> CrisisPlan:
    """A new version of the crisis and relapse plan; the latest is current."""
    _lock(client)
    parts = [triggers, early_warning_signs, what_helps, who_to_contact]
    if not any(part.strip() for part in parts):
        raise Refused("Enter at least one part of the crisis plan", "triggers")
    plan = CrisisPlan.objects.create(
        client=client,
        episode=_open_episode(client),
        version=_next_version(CrisisPlan, client),
        triggers=triggers.strip(),
        early_warning_signs=early_warning_signs.strip(),
        what_helps=what_helps.strip(),
        who_to_contact=who_to_contact.strip(),
        made_by=by,
    )
    _audit(client, by, request, what="crisis_plan", plan=plan.pk, version=plan.version)
    return plan


@transaction.atomic
def save_ed_plan(
    client: Client,
    *,
    by: User,
    response: str,
    agreed_with: str = "",
    shared_on: dt.date | None = None,
    request: HttpRequest | None = None,
) -> EDPlan:
    """A new version of the ED engagement plan (000 §2.3.5). A plan is not shared with ED once
    the client has withdrawn consent (001 §10.3)."""
    _lock(client)
    if not response.strip():
        raise Refused("Enter how ED and urgent care should respond", "response")
    if shared_on is not None:
        stopped = sharing_stopped_on(client)
        if stopped is not None:
            raise Refused(
                "The plan cannot be shared with ED: the client withdrew consent on "
                f"{stopped.day} {stopped:%B %Y}",
                "shared_on",
            )
        _not_future(shared_on, "The date it was shared must be today or in the past", "shared_on")
    plan = EDPlan.objects.create(
        client=client,
        episode=_open_episode(client),
        version=_next_version(EDPlan, client),
        response=response.strip(),
        agreed_with=agreed_with.strip(),
        shared_on=shared_on,
        made_by=by,
    )
    _audit(client, by, request, what="ed_plan", plan=plan.pk, version=plan.version)
    return plan


# -- HIU alert --------------------------------------------------------------------------------


@transaction.atomic
def set_alert(
    client: Client,
    *,
    by: User,
    active: bool,
    note: str = "",
    request: HttpRequest | None = None,
) -> Client:
    """Set the HIU alert (000 §2.3.6) with why, or clear it."""
    note = note.strip()
    if active and not note:
        raise Refused("Enter why the HIU alert is set", "note")
    client.alert_active = active
    client.alert_note = note
    client.alert_changed_on = timezone.localdate()
    client.save(update_fields=["alert_active", "alert_note", "alert_changed_on", "updated_at"])
    _audit(client, by, request, what="alert", active=active)
    return client
