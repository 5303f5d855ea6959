"""Where an import job has got to. Apart from the model so that querysets can use it too."""

from __future__ import annotations

from django.db import models


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Importing"
    SUCCEEDED = "succeeded", "Imported"
    PARTLY_QUARANTINED = "partly_quarantined", "Imported, some rows quarantined"
    FAILED = "failed", "Not imported"
    ALREADY_IMPORTED = "already_imported", "Already imported"


UNFINISHED = frozenset({ImportStatus.QUEUED, ImportStatus.RUNNING})
#: Statuses of jobs whose import wrote a new batch to the activity store.
MADE_A_BATCH = frozenset({ImportStatus.SUCCEEDED, ImportStatus.PARTLY_QUARANTINED})
