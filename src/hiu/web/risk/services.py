"""Raising a risk alert when a questionnaire holds a risk answer, and recording its review.

``raise_for`` is called by ``hiu.web.outcomes.services.record_measure`` inside its transaction:
the questionnaire, the alert, its audit event and the notifications to the case manager and the
service's leads are saved together or not at all. The review task needs no row of its own: it is
derived from the open alert (``hiu.web.risk.due``) and ends when the review is recorded.

Audit events carry the instrument and item numbers and ids, never the answer or the review text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from hiu.outcomes.risk import RiskFinding
from hiu.web.audit.models import Action
from hiu.web.audit.service import record
from hiu.web.clients.models import Client
from hiu.web.notifications.models import Kind
from hiu.web.notifications.services import case_manager_and_leads, notify
from hiu.web.refused import Refused
from hiu.web.risk.models import RiskAlert

#: What the worker is asked to do, on the task list and the record.
REVIEW_TASK = "Review risk and the crisis plan"


def raise_for(
    client: Client,
    findings: Iterable[RiskFinding],
    *,
    outcome_record_id: int | None,
    by: User,
    request: HttpRequest | None = None,
) -> list[RiskAlert]:
    findings = list(findings)
    if not findings:
        return []
    today = timezone.localdate()
    raised = []
    for finding in findings:
        alert = RiskAlert.objects.create(
            client=client,
            outcome_record_id=outcome_record_id,
            instrument=finding.instrument,
            item=finding.item,
            answer=finding.answer,
            answer_label=finding.answer_label,
            staff_text=finding.staff_text,
            raised_on=today,
            raised_by=by,
        )
        record(
            Action.RAISE_RISK_ALERT,
            request=request,
            actor=by,
            object_type="client",
            object_id=client.pk,
            detail={
                "alert": alert.pk,
                "instrument": finding.instrument,
                "item": finding.item,
                "outcome_record": outcome_record_id,
            },
        )
        raised.append(alert)
        notify(
            Kind.RISK_ANSWER,
            case_manager_and_leads(client),
            client,
            text=f"Risk answer for {client.full_name}: {finding.staff_text}",
            link=reverse("risk:review", kwargs={"client_id": client.pk, "alert_id": alert.pk}),
            event=f"risk:{alert.pk}",
        )
    return raised


@transaction.atomic
def record_review(
    alert: RiskAlert,
    *,
    by: User,
    reviewed_on: dt.date,
    what_was_done: str,
    crisis_plan_updated: bool,
    request: HttpRequest | None = None,
) -> RiskAlert:
    """Record that the risk was reviewed: the alert closes, its banner, flag and task go."""
    locked = RiskAlert.objects.select_for_update().get(pk=alert.pk)
    if locked.reviewed_at is not None:
        raise Refused("This risk alert has already been reviewed", "what_was_done")
    if reviewed_on > timezone.localdate():
        raise Refused("The date of the review must be today or in the past", "reviewed_on")
    if reviewed_on < locked.raised_on:
        raise Refused(
            "The date of the review must be on or after the day the risk answer was recorded",
            "reviewed_on",
        )
    if not what_was_done.strip():
        raise Refused("Enter what was done", "what_was_done")
    locked.reviewed_at = timezone.now()
    locked.reviewed_on = reviewed_on
    locked.reviewed_by = by
    locked.review_outcome = what_was_done.strip()
    locked.crisis_plan_updated = crisis_plan_updated
    locked.save(
        update_fields=[
            "reviewed_at",
            "reviewed_on",
            "reviewed_by",
            "review_outcome",
            "crisis_plan_updated",
        ]
    )
    record(
        Action.REVIEW_RISK_ALERT,
        request=request,
        actor=by,
        object_type="client",
        object_id=locked.client_id,
        detail={"alert": locked.pk, "crisis_plan_updated": crisis_plan_updated},
    )
    return locked
