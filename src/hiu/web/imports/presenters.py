"""What the import pages show, shaped for the templates, so views stay thin."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse

from hiu.schemas import EXTRACTS, KINDS
from hiu.store.manifest import Manifest
from hiu.store.store import Store
from hiu.web.formatting import (
    display_username,
    format_count,
    format_datetime,
    format_size,
)
from hiu.web.imports.models import ImportJob
from hiu.web.imports.querysets import ImportJobQuerySet
from hiu.web.imports.status import ImportStatus

#: NHS.UK tag colours for each status.
TAG_CLASSES = {
    ImportStatus.QUEUED: "nhsuk-tag--grey",
    ImportStatus.RUNNING: "nhsuk-tag--blue",
    ImportStatus.SUCCEEDED: "nhsuk-tag--green",
    ImportStatus.PARTLY_QUARANTINED: "nhsuk-tag--yellow",
    ImportStatus.FAILED: "nhsuk-tag--red",
    ImportStatus.ALREADY_IMPORTED: "nhsuk-tag--white",
}
RECENT_UPLOADS = 20
RECENT_BATCHES = 50


@dataclass(frozen=True)
class Row:
    key: str
    value: str


@dataclass(frozen=True)
class Tag:
    text: str
    classes: str


def status_tag(job: ImportJob) -> Tag:
    status = ImportStatus(job.status)
    return Tag(status.label, TAG_CLASSES[status])


def kind_title(kind: str) -> str:
    extract = EXTRACTS.get(kind)
    return extract.title if extract else kind


def manifest_time(stamp: str) -> str:
    """Manifests keep ISO 8601 times in UTC; pages show them in UK local time."""
    try:
        return format_datetime(dt.datetime.fromisoformat(stamp))
    except ValueError:
        return stamp


# The data coordinator's page ---------------------------------------------------------------


@dataclass(frozen=True)
class KindRows:
    title: str
    rows: str


@dataclass(frozen=True)
class UploadRow:
    job: ImportJob
    kind: str
    tag: Tag
    href: str


@dataclass(frozen=True)
class BatchRow:
    manifest: Manifest
    kind: str
    finished: str
    href: str


@dataclass(frozen=True)
class DataPage:
    kinds: list[KindRows]
    uploads: list[UploadRow]
    batches: list[BatchRow]
    total_batches: int


def data_page(store: Store, jobs: ImportJobQuerySet, elsewhere: set[int]) -> DataPage:
    """Rows per kind, the service's recent uploads, and the store's batches, newest first.

    ``jobs`` are the service's own; ``elsewhere`` are batches other services' uploads made,
    which are theirs to look at and are left out.
    """
    counts = store.row_counts()
    kinds = [KindRows(EXTRACTS[kind].title, format_count(counts[kind])) for kind in KINDS]
    uploads = [
        UploadRow(job, kind_title(job.kind), status_tag(job), job_url(job))
        for job in jobs[:RECENT_UPLOADS]
    ]
    manifests = [m for m in store.batches() if m.batch_id not in elsewhere]
    shown = manifests[:RECENT_BATCHES]
    made_here = {job.batch_id: job for job in jobs.that_made(m.batch_id for m in shown)}
    batches = [
        BatchRow(
            manifest=m,
            kind=kind_title(m.kind),
            finished=manifest_time(m.finished_at),
            href=job_url(made_here[m.batch_id])
            if m.batch_id in made_here
            else reverse("imports:batch", args=[m.batch_id]),
        )
        for m in shown
    ]
    return DataPage(kinds, uploads, batches, total_batches=len(manifests))


def job_url(job: ImportJob) -> str:
    return reverse("imports:job", args=[job.pk])


# One job or batch --------------------------------------------------------------------------


@dataclass(frozen=True)
class ManifestSummary:
    manifest: Manifest
    counts: list[Row]
    details: list[Row]
    reasons: list[Row]


def manifest_summary(manifest: Manifest) -> ManifestSummary:
    counts = [
        Row("Rows read", format_count(manifest.rows_read)),
        Row("Accepted", format_count(manifest.accepted)),
        Row("Of which replaced earlier rows", format_count(manifest.replaced)),
        Row("Rejected and quarantined", format_count(manifest.rejected)),
    ]
    details = [
        Row("Batch", str(manifest.batch_id)),
        Row("What the file holds", kind_title(manifest.kind)),
        Row("File", manifest.file_name),
        Row("Size", format_size(manifest.size_bytes)),
        Row("Format", manifest.format),
        Row("Encoding", manifest.encoding or "Not applicable"),
        Row("Mapping profile", manifest.profile or "None"),
        Row("SHA-256", manifest.sha256),
        Row("Imported by", manifest.imported_by),
        Row("Started", manifest_time(manifest.started_at)),
        Row("Finished", manifest_time(manifest.finished_at)),
    ]
    reasons = [Row(reason, format_count(rows)) for reason, rows in manifest.reasons.items()]
    return ManifestSummary(manifest, counts, details, reasons)


@dataclass(frozen=True)
class JobPage:
    job: ImportJob
    heading: str
    tag: Tag
    details: list[Row]
    progress: str
    summary: ManifestSummary | None
    quarantine_size: str | None


def job_page(job: ImportJob, manifest: Manifest | None, quarantine_bytes: int | None) -> JobPage:
    details = [
        Row("What the file holds", kind_title(job.kind)),
        Row("Mapping profile", job.profile or "None"),
        Row("Size", format_size(job.size_bytes)),
        Row("Uploaded by", display_username(job.uploaded_by_username)),
        Row("Uploaded", format_datetime(job.created_at)),
    ]
    return JobPage(
        job=job,
        heading=_job_heading(job),
        tag=status_tag(job),
        details=details,
        progress=progress_text(job),
        summary=manifest_summary(manifest) if manifest else None,
        quarantine_size=format_size(quarantine_bytes) if quarantine_bytes is not None else None,
    )


def _job_heading(job: ImportJob) -> str:
    name = job.original_name
    return {
        ImportStatus.QUEUED: f"Importing {name}",
        ImportStatus.RUNNING: f"Importing {name}",
        ImportStatus.SUCCEEDED: f"{name} is imported",
        ImportStatus.PARTLY_QUARANTINED: f"{name} is imported, with some rows quarantined",
        ImportStatus.FAILED: f"{name} was not imported",
        ImportStatus.ALREADY_IMPORTED: f"{name} was already imported",
    }[ImportStatus(job.status)]


def progress_text(job: ImportJob) -> str:
    if job.status == ImportStatus.QUEUED:
        return "Waiting for the import to start."
    if job.status == ImportStatus.RUNNING and job.rows_read == 0:
        return "Checking the file."  # its hash, encoding and header come before any row
    rows = f"{format_count(job.rows_read)} {'row' if job.rows_read == 1 else 'rows'} read"
    if job.progress is not None and not job.is_finished:
        return f"{rows}, about {job.progress:.0%} of the file."
    return f"{rows}."
