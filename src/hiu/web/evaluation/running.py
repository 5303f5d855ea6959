"""Running an evaluation in the tasks worker (or at once, for the demo).

The evaluation is the analytics core's (``hiu.evaluate.run.evaluate``), the same one
``hiu evaluate`` runs, on the service's engaged clients (``hiu.web.evaluation.cohort``), its
identification rule set, the activity store and its unit costs. The whole result is kept on
the run as JSON.
"""

from __future__ import annotations

import logging

from django.utils import timezone

from hiu.evaluate.run import EvaluationError, evaluate
from hiu.identify.rules import RuleError
from hiu.web.evaluation.cohort import service_cohort
from hiu.web.evaluation.models import EvaluationRun, EvaluationStatus
from hiu.web.evaluation.unit_costs import costs_of
from hiu.web.identification.activity import has_activity
from hiu.web.identification.rulesets import load_for_service
from hiu.web.imports.files import activity_store

logger = logging.getLogger(__name__)

UNEXPECTED_FAILURE = (
    "The evaluation could not be run because of a problem in the service. Try again. If it "
    "happens again, contact your administrator."
)
NO_ACTIVITY = (
    "The activity store holds no activity yet. Import the extracts on the activity data page, "
    "then run the evaluation again."
)
NO_COHORT = (
    "None of your service's clients has reached engaged yet, so there is no one to evaluate. "
    "The evaluation counts a client from the day they first engaged."
)


def run_evaluation_job(run_id: int) -> None:
    """Run an evaluation and record the outcome on the run.

    Failures end as a run marked failed with a message safe to show (the engine's and rule
    set's own messages name keys and files, never a row value); anything unexpected is logged
    by type and stack only and shown as a plain apology.
    """
    # Claim the run first: a task run twice runs once.
    claimed = EvaluationRun.objects.filter(pk=run_id, status=EvaluationStatus.QUEUED).update(
        status=EvaluationStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return
    run = EvaluationRun.objects.select_related("service", "unit_costs").get(pk=run_id)
    try:
        store = activity_store()
        if not has_activity(store):
            _fail(run, NO_ACTIVITY)
            return
        cohort = service_cohort(run.service)
        if cohort.people == 0:
            _fail(run, NO_COHORT)
            return
        rules = load_for_service(run.rule_set)
        costs = costs_of(run.unit_costs)
        running = float(costs.running_costs) if costs.running_costs is not None else None
        result = evaluate(
            store,
            cohort,
            rules,
            unit_costs=costs.costs,
            running_costs=running,
            replicates=run.replicates,
        )
    except RuleError as error:
        _fail(run, f"The rule set {run.rule_set} could not be used: {error}")
        return
    except EvaluationError as error:
        _fail(run, f"The evaluation could not be run: {error}.")
        return
    except Exception:
        logger.exception("Evaluation run %s stopped unexpectedly", run.pk)
        _fail(run, UNEXPECTED_FAILURE)
        return
    run.result = result
    run.status = EvaluationStatus.DONE
    run.error = ""
    run.finished_at = timezone.now()
    run.save(update_fields=["result", "status", "error", "finished_at"])


def _fail(run: EvaluationRun, message: str) -> None:
    run.status = EvaluationStatus.FAILED
    run.error = message
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "error", "finished_at"])
