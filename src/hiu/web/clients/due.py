"""Tasks due: what each casework app says needs doing, joined into one list per worker.

Each app has a ``due.py`` with ``tasks_due(clients, today)`` returning its own ``Task``s (next
contacts, plan reviews, consent renewal, holding checks, follow-ups, ...). The home page and
the team view call ``tasks_for`` and never ask the apps one by one.

The home page answers on every visit, so the sources read only the fields their tasks need
(``values_list``, with counts and latest dates as subqueries) rather than whole model instances
and their related sets, and build each kind of link from one ``reverse`` (``link_to``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING

from django.urls import reverse

if TYPE_CHECKING:
    from hiu.web.clients.querysets import ClientQuerySet
    from hiu.web.episodes.models import Pathway


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


#: An id no database row has, reversed once and replaced by each row's id (``link_to``).
_PLACEHOLDER = 2_147_483_646


def link_to(url_name: str, kwarg: str) -> Callable[[int], str]:
    """``reverse(url_name, kwargs={kwarg: id})`` for many ids, with one ``reverse``: the URL is
    reversed with a placeholder id and the id put in its place."""
    before, after = reverse(url_name, kwargs={kwarg: _PLACEHOLDER}).split(str(_PLACEHOLDER))

    def link(object_id: int) -> str:
        return f"{before}{object_id}{after}"

    return link


def full_name(given_name: str, family_name: str) -> str:
    """As ``Client.full_name``, from the two fields read with ``values_list``."""
    return f"{given_name} {family_name}"


def pathways_by_service(service_ids: Iterable[int]) -> dict[int, Pathway]:
    """Each service's pathway in one query (``pathway_for`` creates a missing one)."""
    from hiu.web.accounts.models import Service
    from hiu.web.episodes.models import Pathway
    from hiu.web.episodes.services import pathway_for

    wanted = set(service_ids)
    found = {p.service_id: p for p in Pathway.objects.filter(service_id__in=wanted)}
    for service in Service.objects.filter(pk__in=wanted - found.keys()):
        found[service.pk] = pathway_for(service)
    return found


TaskSource = Callable[["ClientQuerySet", dt.date], Iterable[Task]]

SOURCES = (
    "hiu.web.episodes.due",
    "hiu.web.screening.due",
    "hiu.web.contacts.due",
    "hiu.web.plans.due",
    "hiu.web.interventions.due",
    "hiu.web.outcomes.due",
    "hiu.web.risk.due",
)


def tasks_for(clients: ClientQuerySet, today: dt.date) -> list[Task]:
    """Every task due for ``clients``, soonest first."""
    tasks: list[Task] = []
    for module in SOURCES:
        source: TaskSource = import_module(module).tasks_due
        tasks.extend(source(clients, today))
    return sorted(tasks, key=lambda t: (t.due_on, t.client_name, t.what))
