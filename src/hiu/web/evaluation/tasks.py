"""Background tasks (django-tasks; run by ``manage db_worker``, see settings.TASKS)."""

from __future__ import annotations

from django_tasks import task

from hiu.web.evaluation.running import run_evaluation_job


@task()
def run_evaluation(run_id: int) -> None:
    """Run an evaluation. Takes the run's id only: the run row holds the rest."""
    run_evaluation_job(run_id)
