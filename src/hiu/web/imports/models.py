"""Import jobs: one upload of an activity extract by a data coordinator, and what became of it.

The rows themselves go to the activity store (``hiu.store``), which keeps each import's manifest;
a job records what only the web app knows: which service uploaded the file, who, and how far the
background import has got. Nothing here holds a row value.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from hiu.schemas import EXTRACTS, KINDS
from hiu.web.accounts.models import Service
from hiu.web.imports.querysets import ImportJobQuerySet
from hiu.web.imports.status import MADE_A_BATCH, UNFINISHED, ImportStatus

KIND_CHOICES = [(kind, EXTRACTS[kind].title) for kind in KINDS]


class ImportJob(models.Model):
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="import_jobs")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="import_jobs",
    )
    # The username as it was at upload: it is also the manifest's "imported by", and users change.
    uploaded_by_username = models.CharField(max_length=150)
    kind = models.CharField(max_length=40, choices=KIND_CHOICES)
    profile = models.CharField("mapping profile", max_length=200, blank=True)
    # The name the file had on the uploader's computer: shown, never used as a path.
    original_name = models.CharField(max_length=255)
    # Where the upload waits for the worker, relative to HIU_DATA_DIR; emptied once the import
    # has finished and the file is deleted.
    upload_path = models.CharField(max_length=300, blank=True)
    size_bytes = models.BigIntegerField()
    status = models.CharField(
        max_length=20, choices=ImportStatus.choices, default=ImportStatus.QUEUED, db_index=True
    )
    rows_read = models.BigIntegerField(default=0)
    # How far through the file the import is, 0 to 1; null while the reader cannot tell.
    progress = models.FloatField(null=True, blank=True)
    # The activity store's batch: the one this import wrote, or for a file already imported,
    # the batch that imported it first.
    batch_id = models.IntegerField(null=True, blank=True, db_index=True)
    # Shown to the uploader as it is: only messages written to be safe (they name files,
    # columns and rows, never a value) are stored here.
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Import {self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status not in UNFINISHED

    @property
    def made_a_batch(self) -> bool:
        return self.status in MADE_A_BATCH
