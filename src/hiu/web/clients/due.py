"""Tasks due: what each casework app says needs doing, joined into one list per worker.

Each app has a ``due.py`` with ``tasks_due(clients, today)`` returning its own ``Task``s (next
contacts, plan reviews, consent renewal, holding checks, follow-ups, ...). The home page and
the team view call ``tasks_for`` and never ask the apps one by one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hiu.web.clients.querysets import ClientQuerySet


@dataclass(frozen=True)
class Task:
    client_id: int
    client_name: str
    what: str  # e.g. "Third contact attempt", "Review the action plan"
    due_on: dt.date
    url: str  # where the task is done
    kind: str  # the app's short name for the task, for filtering: "contact", "consent", ...

    def is_overdue(self, today: dt.date) -> bool:
        return self.due_on < today


TaskSource = Callable[["ClientQuerySet", dt.date], Iterable[Task]]

SOURCES = (
    "hiu.web.episodes.due",
    "hiu.web.screening.due",
    "hiu.web.contacts.due",
    "hiu.web.plans.due",
    "hiu.web.interventions.due",
)


def tasks_for(clients: ClientQuerySet, today: dt.date) -> list[Task]:
    """Every task due for ``clients``, soonest first."""
    tasks: list[Task] = []
    for module in SOURCES:
        source: TaskSource = import_module(module).tasks_due
        tasks.extend(source(clients, today))
    return sorted(tasks, key=lambda t: (t.due_on, t.client_name, t.what))
