"""Background tasks (django-tasks; run by ``manage db_worker``, see settings.TASKS)."""

from __future__ import annotations

from django_tasks import task

from hiu.web.identification.running import run_identification_job


@task()
def run_identification(run_id: int) -> None:
    """Make an identification run's list. Takes the run's id only: the run row holds the rest."""
    run_identification_job(run_id)
