"""Tasks this app puts on workers' lists (see ``hiu.web.clients.due``)."""

from __future__ import annotations

import datetime as dt

from hiu.web.clients.due import Task
from hiu.web.clients.querysets import ClientQuerySet


def tasks_due(clients: ClientQuerySet, today: dt.date) -> list[Task]:
    # Filled in by this app as it is built.
    return []
