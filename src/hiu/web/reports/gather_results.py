"""What a report takes from the service's results: its outcome figures for the period
(counted as the outcome summary counts them, ``hiu.web.outcomes.kpis``), its latest finished
evaluation and the size of its team."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.utils import timezone

from hiu.outcomes import INSTRUMENTS
from hiu.report.facts import EvaluationFacts, InstrumentFacts, OutcomeFacts, ShareFacts
from hiu.web.accounts.models import Service
from hiu.web.accounts.roles import Role
from hiu.web.evaluation.models import EvaluationRun, EvaluationStatus
from hiu.web.outcomes.history import headline_value
from hiu.web.outcomes.kpis import Figure, Span, outcome_figures
from hiu.web.outcomes.models import PremResponse
from hiu.web.outcomes.querysets import service_records

#: The roles that count as the service's leads when a target is "per lead" (002 EK-F KPI 4.1:
#: two case studies a quarter per lead): the people who hold caseloads and run the team.
LEAD_ROLES = (Role.SERVICE_LEAD, Role.CASE_MANAGER)


def outcome_facts(service: Service, period: Span) -> OutcomeFacts:
    figures, counts = outcome_figures(service, period)
    by_target = {figure.target.key: figure for figure in figures}
    completed = _people_scored(service, period)
    return OutcomeFacts(
        less_lonely=_share(by_target["less_lonely"]),
        better_wellbeing=_share(by_target["better_wellbeing"]),
        positive_experience=_share(by_target["positive_experience"]),
        progressing_goal=_share(by_target["progressing_goal"]),
        prems_completed=PremResponse.objects.filter(
            client__service=service, completed_on__range=(period.start, period.end)
        ).count(),
        instruments=tuple(
            InstrumentFacts(
                name=count.instrument.name,
                completed=completed.get(count.instrument.code, 0),
                compared=count.compared,
                reliable_improvement=count.reliable_improvement,
                no_reliable_change=count.no_reliable_change,
                reliable_deterioration=count.reliable_deterioration,
                no_figure=count.no_figure,
            )
            for count in counts
        ),
    )


def _share(figure: Figure) -> ShareFacts:
    return ShareFacts(met=figure.met_count, counted=figure.denominator)


def _people_scored(service: Service, period: Span) -> dict[str, int]:
    """People with a score recorded in the period, per instrument. A score is what the
    comparisons use (the total, or ONS4's life satisfaction), so everyone compared in the
    period is also counted here."""
    people: dict[str, set[int]] = {code: set() for code in INSTRUMENTS}
    for record in service_records(service):
        if (
            record.instrument in people
            and period.holds(record.completed_on)
            and headline_value(record) is not None
        ):
            people[record.instrument].add(record.client_id)
    return {code: len(found) for code, found in people.items()}


def evaluation(service: Service) -> EvaluationFacts | None:
    """The service's latest evaluation that finished with a result; a later run that failed
    or is still running does not replace it."""
    run = (
        EvaluationRun.objects.filter(
            service=service, status=EvaluationStatus.DONE, result__isnull=False
        )
        .select_related("unit_costs")
        .order_by("-finished_at", "-id")
        .first()
    )
    if run is None or run.result is None:
        return None
    finished = run.finished_at or run.created_at
    return EvaluationFacts(
        finished_on=timezone.localdate(finished),
        rule_set=run.rule_set,
        unit_costs=f"version {run.unit_costs.version}" if run.unit_costs is not None else "",
        result=run.result,
    )


def leads(service: Service) -> int:
    """Active staff of the service in a lead or case manager role; at least one, so that a
    per-lead target is never divided by nought."""
    count = (
        User.objects.filter(
            is_active=True,
            staff_profile__service=service,
            groups__name__in=[role.label for role in LEAD_ROLES],
        )
        .distinct()
        .count()
    )
    return max(1, count)
