"""Background tasks (django-tasks; run by ``manage db_worker``, see settings.TASKS)."""

from __future__ import annotations

from django_tasks import task

from hiu.web.imports.running import run_import_job


@task()
def run_import(job_id: int) -> None:
    """Import an uploaded extract. Takes the job's id only: the job row holds the rest."""
    run_import_job(job_id)
