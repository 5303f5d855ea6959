"""Starting an evaluation: queued for the worker from the page, or at once for the demo."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction

from hiu.web.accounts.models import Service
from hiu.web.evaluation.models import EvaluationRun
from hiu.web.evaluation.running import run_evaluation_job
from hiu.web.evaluation.tasks import run_evaluation
from hiu.web.evaluation.unit_costs import latest_table

#: Bootstrap replicates behind each 95% interval (hiu evaluate's default).
REPLICATES = 1000


def _new_run(service: Service, user: User | None, replicates: int) -> EvaluationRun:
    return EvaluationRun.objects.create(
        service=service,
        started_by=user,
        started_by_username=user.get_username() if user is not None else "",
        rule_set=service.rule_set,
        unit_costs=latest_table(service),
        replicates=replicates,
    )


def start_evaluation(
    service: Service, user: User | None, *, replicates: int = REPLICATES
) -> EvaluationRun:
    """Record a run with the service's rule set and latest unit costs, and queue it."""
    # One transaction: the run and its task are committed together.
    with transaction.atomic():
        run = _new_run(service, user, replicates)
        run_evaluation.enqueue(run.pk)
    return run


def evaluate_now(
    service: Service, user: User | None, *, replicates: int = REPLICATES
) -> EvaluationRun:
    """Run an evaluation in this process, without the worker (the demo)."""
    run = _new_run(service, user, replicates)
    run_evaluation_job(run.pk)
    run.refresh_from_db()
    return run
