"""Workflow changes for imports: start one, and find what a finished one left behind."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from hiu.store.manifest import Manifest
from hiu.web.accounts.models import Service
from hiu.web.imports.files import activity_store, display_name, save_upload
from hiu.web.imports.models import ImportJob
from hiu.web.imports.tasks import run_import


def start_import(
    *, service: Service, user: User, kind: str, profile: str, upload: UploadedFile[bytes]
) -> ImportJob:
    """Keep the upload, record the job and queue its import for the worker."""
    saved = save_upload(upload)
    # One transaction: the job and its queued task are committed together, so the worker never
    # sees a task whose job is missing and no job is left without a task.
    with transaction.atomic():
        job = ImportJob.objects.create(
            service=service,
            uploaded_by=user,
            uploaded_by_username=user.get_username(),
            kind=kind,
            profile=profile,
            original_name=display_name(upload.name or ""),
            upload_path=saved,
            size_bytes=upload.size or 0,
        )
        run_import.enqueue(job.pk)
    return job


def quarantine_file(job: ImportJob) -> Path | None:
    """The rows the job's batch rejected; None when there are none or the batch is gone."""
    if job.batch_id is None:
        return None
    try:
        path = activity_store().quarantine_path(job.batch_id)
    except KeyError:
        return None
    return path if path is not None and path.is_file() else None


def batch_manifest(job: ImportJob) -> Manifest | None:
    """The manifest of the job's batch; None before it has one, or if the store lost it."""
    if job.batch_id is None:
        return None
    try:
        return activity_store().batch(job.batch_id)
    except KeyError:
        return None
