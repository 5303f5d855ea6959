"""Running an import job in the tasks worker, and recording how far it has got.

The importer is the analytics core's (``hiu.ingest.pipeline.import_file``), the same one
``hiu import`` and the demo use; this module only wraps it in a job a person can watch.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from django.utils import timezone

from hiu.ingest.errors import ProfileError, UnreadableFile
from hiu.ingest.pipeline import ImportProgress, ImportResult, import_file
from hiu.ingest.profiles import load_profile
from hiu.web.episodes.relapse import alerts_from_new_activity
from hiu.web.imports.files import activity_store, data_dir, delete_upload, profile_search_path
from hiu.web.imports.models import ImportJob
from hiu.web.imports.status import ImportStatus

logger = logging.getLogger(__name__)

#: Progress is written to the job at most this often: the page asks every two seconds, and a
#: write for every chunk of a fast import would only load the casework database.
PROGRESS_INTERVAL_SECONDS = 0.5
UNEXPECTED_FAILURE = (
    "The import stopped because of a problem in the service, and nothing from the file was "
    "imported. Try again. If it happens again, contact your administrator."
)


class ProgressRecorder:
    """The importer's progress callback: writes rows read and the fraction done to the job."""

    def __init__(
        self,
        job_id: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        interval: float = PROGRESS_INTERVAL_SECONDS,
    ) -> None:
        self.job_id = job_id
        self.clock = clock
        self.interval = interval
        self.last_written: float | None = None

    def __call__(self, progress: ImportProgress) -> None:
        now = self.clock()
        if self.last_written is not None and now - self.last_written < self.interval:
            return
        self.last_written = now
        ImportJob.objects.filter(pk=self.job_id).update(
            rows_read=progress.rows_read, progress=progress.fraction
        )


def run_import_job(job_id: int) -> None:
    """Import a job's upload into the activity store and record the outcome on the job.

    Every failure ends as a job marked failed with a message that is safe to show: the
    importer's own messages name files, columns and rows, never a value; anything unexpected is
    logged by type and stack only (``hiu.web.log_filters``) and shown as a plain apology. No
    exception reaches the task framework, which would keep its text in the database.
    """
    # Claim the job first: a task run twice (a worker restarted while claiming) imports once.
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return
    job = ImportJob.objects.get(pk=job_id)
    try:
        profile = load_profile(job.profile, search=profile_search_path()) if job.profile else None
        result = import_file(
            activity_store(),
            job.kind,
            data_dir() / job.upload_path,
            imported_by=job.uploaded_by_username,
            profile=profile,
            file_name=job.original_name,
            progress=ProgressRecorder(job.pk),
        )
    except (UnreadableFile, ProfileError) as error:
        _finish(job, ImportStatus.FAILED, error=_as_uploaded(str(error), job))
    except Exception:
        logger.exception("Import job %s stopped unexpectedly", job.pk)
        _finish(job, ImportStatus.FAILED, error=UNEXPECTED_FAILURE)
    else:
        _finish(job, _status_of(result), result=result)
        _check_relapses()
    finally:
        # The accepted rows are in the store and the rejected ones in its quarantine file:
        # one more copy of a file of patient data serves no one. To retry, upload it again.
        delete_upload(job.upload_path)
        ImportJob.objects.filter(pk=job.pk).update(upload_path="")


def _check_relapses() -> None:
    """New activity may be a stepped-down client using urgent care again: raise the alerts.
    The import has succeeded whatever happens here; a failure is logged, not shown."""
    try:
        alerts_from_new_activity(activity_store())
    except Exception:
        logger.exception("Checking for relapses after an import stopped unexpectedly")


def _as_uploaded(message: str, job: ImportJob) -> str:
    """The reader's message names the file as we keep it (``extract.csv``); the uploader knows
    it by the name it had on their computer."""
    return message.replace(Path(job.upload_path).name, job.original_name)


def _status_of(result: ImportResult) -> ImportStatus:
    if result.already_imported:
        return ImportStatus.ALREADY_IMPORTED
    if result.manifest.rejected:
        return ImportStatus.PARTLY_QUARANTINED
    return ImportStatus.SUCCEEDED


def _finish(
    job: ImportJob, status: ImportStatus, *, error: str = "", result: ImportResult | None = None
) -> None:
    job.status = status
    job.error = error
    job.finished_at = timezone.now()
    if result is not None:
        job.batch_id = result.manifest.batch_id
        job.rows_read = result.manifest.rows_read
        job.progress = 1.0
    job.save(update_fields=["status", "error", "finished_at", "batch_id", "rows_read", "progress"])
