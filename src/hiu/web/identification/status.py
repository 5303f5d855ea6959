"""Where a run has got to, what started it, and what a person's place on a list is. Apart from
the models so that querysets can use them too."""

from __future__ import annotations

from django.db import models


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Making the list"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


UNFINISHED = frozenset({RunStatus.QUEUED, RunStatus.RUNNING})


class Trigger(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    ON_DEMAND = "on_demand", "On demand"


class Mark(models.TextChoices):
    """A person's place on a list, against the service's previous completed list."""

    NEW = "new", "New"
    CONTINUING = "continuing", "Continuing"
    DROPPED = "dropped", "Dropped"


#: Marks of people on the list itself; dropped people were on the previous list only.
LISTED = frozenset({Mark.NEW, Mark.CONTINUING})
