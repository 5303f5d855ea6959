"""What the consent and plans pages show, shaped for the templates, and the functions other
apps call: ``plan_summary`` (the client summary), ``latest_assessment``, and
``goal_progress_share`` (reports).

The client is always one the caller opened through ``Client.objects.visible_to``; the service
passed to ``goal_progress_share`` is the caller's own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db.models import Count, OuterRef, Subquery

from hiu.web.accounts.models import Service
from hiu.web.clients.models import Client
from hiu.web.corrections.presenters import corrected_ids
from hiu.web.formatting import display_name
from hiu.web.plans.models import (
    CONSENT_STATEMENTS,
    ActionPlan,
    Assessment,
    Consent,
    CrisisPlan,
    EDPlan,
    Goal,
    Progress,
    current_consent,
    sharing_stopped_on,
)
from hiu.web.plans.querysets import (
    current_crisis_plan,
    current_ed_plan,
    current_plan,
    latest_assessment_of,
)

#: Tag colours for goal progress and risk levels.
PROGRESS_COLOURS = {
    Progress.NOT_STARTED: "grey",
    Progress.IN_PROGRESS: "blue",
    Progress.ACHIEVED: "green",
    Progress.NO_LONGER_RELEVANT: "white",
}
RISK_COLOURS = {"none": "white", "low": "green", "medium": "orange", "high": "red"}
#: Goals that count as progressing (BRC KPI 5.2, 002 EK-F: 90% progressing a goal).
PROGRESSING = (Progress.IN_PROGRESS, Progress.ACHIEVED)


def person(user: User | None) -> str:
    if user is None:
        return "Not known"
    return display_name(user)


# -- For other apps ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanSummary:
    """The current action plan in numbers: its version, review date and goals by progress."""

    version: int
    review_on: dt.date
    # Goal counts by progress code, every code present (0 when none).
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def text(self) -> str:
        """E.g. "4 goals: 1 achieved, 2 in progress, 1 not started"."""
        parts = [
            f"{self.counts[code]} {label.lower()}"
            for code, label in reversed(Progress.choices)
            if self.counts.get(code)
        ]
        noun = "goal" if self.total == 1 else "goals"
        return f"{self.total} {noun}: {', '.join(parts)}" if parts else "No goals"


def plan_summary(client: Client) -> PlanSummary | None:
    """The current action plan's goal counts by progress, or None when there is no plan."""
    plan = current_plan(client)
    if plan is None:
        return None
    counts = dict.fromkeys(Progress.values, 0)
    for goal in plan.goals.all():
        counts[goal.progress] = counts.get(goal.progress, 0) + 1
    return PlanSummary(version=plan.version, review_on=plan.review_on, counts=counts)


def latest_assessment(client: Client) -> Assessment | None:
    """The client's latest assessment (by the day it was done), or None."""
    return latest_assessment_of(client)


def goal_progress_share(service: Service) -> tuple[int, int]:
    """(clients whose current action plan has at least one goal in progress or achieved,
    clients of ``service`` with an action plan). The current plan is the latest version."""
    latest_version = (
        ActionPlan.objects.filter(client=OuterRef("client")).order_by("-version").values("version")
    )
    current = ActionPlan.objects.filter(
        client__service=service, version=Subquery(latest_version[:1])
    )
    with_plan = current.count()
    progressing = (
        current.filter(goals__progress__in=PROGRESSING).values("client_id").distinct().count()
    )
    return progressing, with_plan


# -- The consent page -------------------------------------------------------------------------


@dataclass(frozen=True)
class Statement:
    text: str
    agreed: bool


@dataclass(frozen=True)
class ConsentPage:
    client: Client
    current: Consent | None
    statements: list[Statement]
    history: list[Consent]
    review_overdue: bool
    sharing_stopped_on: dt.date | None
    recorded_by: str
    withdrawal_recorded_by: str
    # Corrections (ADR 0019): consents marked entered in error, shown only when asked for.
    in_error: list[Consent]
    show_in_error: bool
    corrected: set[int]


def statements_of(consent: Consent) -> list[Statement]:
    return [
        Statement(text=text, agreed=bool(getattr(consent, name)))
        for name, text in CONSENT_STATEMENTS.items()
    ]


def consent_page(client: Client, today: dt.date, *, show_in_error: bool = False) -> ConsentPage:
    current = current_consent(client)
    history = list(
        client.consents.select_related("recorded_by", "withdrawal_recorded_by").order_by(
            "-given_on", "-id"
        )
    )
    in_error = list(
        Consent.all_with_errors.filter(client=client)
        .in_error()
        .select_related("entered_in_error_by")
    )
    return ConsentPage(
        client=client,
        current=current,
        statements=statements_of(current) if current is not None else [],
        history=history,
        review_overdue=(
            current is not None and current.withdrawn_on is None and current.review_on < today
        ),
        sharing_stopped_on=sharing_stopped_on(client),
        recorded_by=person(current.recorded_by) if current is not None else "",
        withdrawal_recorded_by=(
            person(current.withdrawal_recorded_by)
            if current is not None and current.withdrawn_on
            else ""
        ),
        in_error=in_error,
        show_in_error=show_in_error,
        corrected=corrected_ids("consent", [*history, *in_error]),
    )


# -- The overview page ------------------------------------------------------------------------


@dataclass(frozen=True)
class Overview:
    client: Client
    assessment: Assessment | None
    plan: ActionPlan | None
    goals: list[Goal]
    summary: PlanSummary | None
    crisis: CrisisPlan | None
    ed: EDPlan | None
    sharing_stopped_on: dt.date | None
    plan_review_overdue: bool
    people: dict[str, str] = field(default_factory=dict)


def overview(client: Client, today: dt.date) -> Overview:
    assessment = latest_assessment_of(client)
    plan = current_plan(client)
    crisis = current_crisis_plan(client)
    ed = current_ed_plan(client)
    return Overview(
        client=client,
        assessment=assessment,
        plan=plan,
        goals=list(plan.goals.all()) if plan is not None else [],
        summary=plan_summary(client) if plan is not None else None,
        crisis=crisis,
        ed=ed,
        sharing_stopped_on=sharing_stopped_on(client),
        plan_review_overdue=plan is not None and plan.review_on < today,
        people={
            "assessment": person(assessment.by) if assessment else "",
            "plan": person(plan.made_by) if plan else "",
            "crisis": person(crisis.made_by) if crisis else "",
            "ed": person(ed.made_by) if ed else "",
        },
    )


# -- Plan history -----------------------------------------------------------------------------


@dataclass(frozen=True)
class VersionRow:
    pk: int
    version: int
    made_by: str
    made_at: dt.datetime
    review_on: dt.date
    goal_count: int


def plan_versions(client: Client) -> list[VersionRow]:
    plans = (
        client.action_plans.select_related("made_by")
        .annotate(goal_count=Count("goals"))
        .order_by("-version")
    )
    return [
        VersionRow(
            pk=plan.pk,
            version=plan.version,
            made_by=person(plan.made_by),
            made_at=plan.made_at,
            review_on=plan.review_on,
            goal_count=plan.goal_count,
        )
        for plan in plans
    ]


@dataclass(frozen=True)
class VersionCorrections:
    """What a versioned plan's page shows of its corrections (ADR 0019): the versions marked
    entered in error, hidden unless asked for. A version is only ever marked in error (never
    amended nor moved), so a version that stands has no history and links "Correct"."""

    kind: str
    in_error: list[ActionPlan | CrisisPlan | EDPlan]
    show_in_error: bool


def version_corrections(
    kind: str, model: type[ActionPlan | CrisisPlan | EDPlan], client: Client, *, show: bool
) -> VersionCorrections:
    in_error: list[ActionPlan | CrisisPlan | EDPlan] = list(
        model.all_with_errors.in_error()
        .filter(client=client)
        .select_related("entered_in_error_by")
        .order_by("-version")
    )
    return VersionCorrections(kind=kind, in_error=in_error, show_in_error=show)
