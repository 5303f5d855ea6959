"""Tasks a worker can finish: the derived tasks of ``hiu.web.clients.due`` joined with what
workers did to them (``WorkerTask``), and the tasks workers add themselves.

A derived task ends by itself when its reason ends (the plan is reviewed, the client stepped
down); until then a worker may complete it (it stays completed), snooze it to a date (it comes
back that day) or give it to another worker of the service (it leaves the case manager's list
for theirs). Own tasks ("Chase the housing officer") have the same three actions and can be
edited; closing the client's episode cancels them (``hiu.web.episodes.services.move``).

Every change is a change to the client's record: audited as ``UPDATE_CLIENT`` with the task's
id and kind, never its words or the note.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone

from hiu.web.audit.models import Action
from hiu.web.audit.service import record
from hiu.web.clients.caseload import allocatable_workers, person_name
from hiu.web.clients.due import Task, full_name, link_to, tasks_for
from hiu.web.clients.models import Client, TaskOrigin, WorkerTask
from hiu.web.clients.querysets import ClientQuerySet
from hiu.web.refused import Refused

OWN_KIND = "own"
#: "This week": due after today and within this many days.
WEEK = dt.timedelta(days=7)
WHAT_MAX = WorkerTask._meta.get_field("what").max_length or 200


@functools.cache
def _client_link() -> Callable[[int], str]:
    return link_to("clients:detail", "client_id")


def derived_ref(task: Task) -> str:
    """A derived task's reference in URLs: a digest of its key (kind, what, due date), so the
    words of the task never go into an address."""
    key = f"{task.kind}|{task.what[:WHAT_MAX]}|{task.due_on.isoformat()}"
    return "d" + hashlib.sha256(key.encode()).hexdigest()[:16]


def own_ref(task_id: int) -> str:
    return f"o{task_id}"


@dataclass(frozen=True)
class WorkItem:
    """One task on a worker's list, as the pages show it."""

    ref: str
    client_id: int
    client_name: str
    what: str
    kind: str
    due_on: dt.date  # when it shows as due: the snooze date, if snoozed past its own date
    url: str  # where the work is done
    assignee_id: int | None
    assignee_name: str
    reassigned: bool  # given to someone other than the client's case manager
    snoozed: bool
    own_id: int | None = None

    @property
    def own(self) -> bool:
        return self.own_id is not None

    @property
    def page(self) -> str:
        """The task's own page: complete, snooze, reassign (and edit an own task)."""
        return task_link(self.client_id, self.ref)

    @property
    def client_url(self) -> str:
        return _client_link()(self.client_id)

    def is_overdue(self, today: dt.date) -> bool:
        return self.due_on < today


def _derived_rows(
    clients: ClientQuerySet, tasks: list[Task]
) -> dict[tuple[object, ...], WorkerTask]:
    if not tasks:
        return {}
    days = {task.due_on for task in tasks}
    rows = WorkerTask.objects.filter(
        client__in=clients,
        origin=TaskOrigin.DERIVED,
        due_on__gte=min(days),
        due_on__lte=max(days),
    )
    return {(row.client_id, row.kind, row.what, row.due_on): row for row in rows}


def work_for(clients: ClientQuerySet, today: dt.date) -> list[WorkItem]:
    """Every open task for ``clients``: derived tasks not completed and not snoozed past
    today, and open own tasks, each with whoever is to do it; soonest first."""
    derived = tasks_for(clients, today)
    done = _derived_rows(clients, derived)
    own = list(
        WorkerTask.objects.filter(
            client__in=clients,
            origin=TaskOrigin.OWN,
            completed_at__isnull=True,
            cancelled_at__isnull=True,
        ).values_list(
            "id",
            "client_id",
            "client__given_name",
            "client__family_name",
            "what",
            "due_on",
            "assigned_to_id",
            "snoozed_until",
        )
    )
    client_ids = {t.client_id for t in derived} | {row[1] for row in own}
    managers: dict[int, int | None] = dict(
        Client.objects.filter(pk__in=client_ids).values_list("id", "case_manager_id")
    )
    people = {
        user.pk: user
        for user in User.objects.filter(
            Q(pk__in={m for m in managers.values() if m})
            | Q(pk__in={r.assigned_to_id for r in done.values() if r.assigned_to_id})
            | Q(pk__in={row[6] for row in own if row[6]})
        )
    }

    def who(client_id: int, assigned: int | None) -> tuple[int | None, str, bool]:
        manager = managers.get(client_id)
        person = assigned or manager
        return (
            person,
            person_name(people.get(person) if person else None),
            bool(assigned and assigned != manager),
        )

    items: list[WorkItem] = []
    for task in derived:
        row = done.get((task.client_id, task.kind, task.what[:WHAT_MAX], task.due_on))
        if row is not None and not row.is_open:
            continue
        snoozed = row.snoozed_until if row is not None else None
        if snoozed is not None and snoozed > today:
            continue
        person, name, reassigned = who(task.client_id, row.assigned_to_id if row else None)
        items.append(
            WorkItem(
                ref=derived_ref(task),
                client_id=task.client_id,
                client_name=task.client_name,
                what=task.what,
                kind=task.kind,
                due_on=max(task.due_on, snoozed) if snoozed else task.due_on,
                url=task.url,
                assignee_id=person,
                assignee_name=name,
                reassigned=reassigned,
                snoozed=snoozed is not None,
            )
        )
    for task_id, client_id, given, family, what, due_on, assigned, snoozed in own:
        if snoozed is not None and snoozed > today:
            continue
        person, name, reassigned = who(client_id, assigned)
        ref = own_ref(task_id)
        items.append(
            WorkItem(
                ref=ref,
                client_id=client_id,
                client_name=full_name(given, family),
                what=what,
                kind=OWN_KIND,
                due_on=max(due_on, snoozed) if snoozed else due_on,
                url=task_link(client_id, ref),
                assignee_id=person,
                assignee_name=name,
                reassigned=reassigned,
                snoozed=snoozed is not None,
                own_id=task_id,
            )
        )
    return sorted(items, key=lambda i: (i.due_on, i.client_name, i.what))


def task_link(client_id: int, ref: str) -> str:
    """The task's own page, where it is completed, snoozed or given to someone else."""
    return reverse("clients:task", kwargs={"client_id": client_id, "ref": ref})


def clients_for_worker(visible: ClientQuerySet, worker: User) -> ClientQuerySet:
    """The clients whose tasks may be on ``worker``'s list: their own, and any with a task
    given to them."""
    given = WorkerTask.objects.filter(
        assigned_to=worker, completed_at__isnull=True, cancelled_at__isnull=True
    ).values("client_id")
    return visible.filter(Q(case_manager=worker) | Q(pk__in=given))


def work_of(worker: User, visible: ClientQuerySet, today: dt.date) -> list[WorkItem]:
    """``worker``'s own list: tasks of their clients not given to someone else, and tasks of
    any client given to them."""
    return [
        item
        for item in work_for(clients_for_worker(visible, worker), today)
        if item.assignee_id == worker.pk
    ]


@dataclass(frozen=True)
class Worklist:
    """Tasks by when they are due: overdue, today, the next seven days, later."""

    overdue: list[WorkItem]
    today: list[WorkItem]
    this_week: list[WorkItem]
    later: list[WorkItem]

    @property
    def count(self) -> int:
        return len(self.overdue) + len(self.today) + len(self.this_week) + len(self.later)


def worklist(items: Iterable[WorkItem], today: dt.date) -> Worklist:
    overdue, due_today, week, later = [], [], [], []
    for item in items:
        if item.due_on < today:
            overdue.append(item)
        elif item.due_on == today:
            due_today.append(item)
        elif item.due_on <= today + WEEK:
            week.append(item)
        else:
            later.append(item)
    return Worklist(overdue, due_today, week, later)


def by_worker(items: Iterable[WorkItem], today: dt.date) -> dict[int | None, tuple[int, int]]:
    """(open, overdue) tasks per worker (None: clients not allocated), for the team view."""
    counts: dict[int | None, tuple[int, int]] = {}
    for item in items:
        total, late = counts.get(item.assignee_id, (0, 0))
        counts[item.assignee_id] = (total + 1, late + item.is_overdue(today))
    return counts


# Finding one task ----------------------------------------------------------------------------
def find_item(client: Client, ref: str, today: dt.date) -> WorkItem:
    """The open task ``ref`` of ``client`` (a 404 when there is none: done, ended, or never)."""
    clients = Client.objects.filter(pk=client.pk)
    for item in work_for(clients, today):
        if item.ref == ref:
            return item
    # A snoozed task is not on the list but may still be opened (to complete it early).
    if ref.startswith("o") and ref[1:].isdigit():
        task = WorkerTask.objects.filter(
            pk=int(ref[1:]), client=client, origin=TaskOrigin.OWN
        ).first()
        if task is not None and task.is_open:
            return _own_item(client, task)
    raise Http404("No such task")


def _own_item(client: Client, task: WorkerTask) -> WorkItem:
    person = task.assigned_to or client.case_manager
    return WorkItem(
        ref=own_ref(task.pk),
        client_id=client.pk,
        client_name=client.full_name,
        what=task.what,
        kind=OWN_KIND,
        due_on=max(task.due_on, task.snoozed_until) if task.snoozed_until else task.due_on,
        url=task_link(client.pk, own_ref(task.pk)),
        assignee_id=person.pk if person else None,
        assignee_name=person_name(person),
        reassigned=bool(task.assigned_to_id and task.assigned_to_id != client.case_manager_id),
        snoozed=task.snoozed_until is not None,
        own_id=task.pk,
    )


def _row_for(client: Client, item: WorkItem) -> WorkerTask:
    """The row that keeps what was done to ``item``, made the first time for a derived task."""
    if item.own_id is not None:
        return WorkerTask.objects.select_for_update().get(pk=item.own_id, client=client)
    # The key is the task's own due date, not the snooze date it shows with.
    task = next(
        t
        for t in tasks_for(Client.objects.filter(pk=client.pk), timezone.localdate())
        if derived_ref(t) == item.ref
    )
    row, _ = WorkerTask.objects.select_for_update().get_or_create(
        client=client,
        origin=TaskOrigin.DERIVED,
        kind=task.kind,
        what=task.what[:WHAT_MAX],
        due_on=task.due_on,
    )
    return row


def _audit(
    what: str, client: Client, row: WorkerTask, by: User, request: HttpRequest | None
) -> None:
    record(
        Action.UPDATE_CLIENT,
        request=request,
        actor=by,
        object_type="client",
        object_id=client.pk,
        detail={"what": what, "task": row.pk, "kind": row.kind, "origin": row.origin},
    )


# Changes -------------------------------------------------------------------------------------
@transaction.atomic
def complete(
    client: Client, item: WorkItem, *, by: User, note: str = "", request: HttpRequest | None = None
) -> WorkerTask:
    row = _row_for(client, item)
    row.completed_at = timezone.now()
    row.completed_by = by
    row.completed_note = note.strip()
    row.save()
    _audit("complete_task", client, row, by, request)
    return row


@transaction.atomic
def snooze(
    client: Client,
    item: WorkItem,
    until: dt.date,
    *,
    by: User,
    request: HttpRequest | None = None,
) -> WorkerTask:
    if until <= timezone.localdate():
        raise Refused("The date to snooze to must be in the future", "until")
    row = _row_for(client, item)
    row.snoozed_until = until
    row.save()
    _audit("snooze_task", client, row, by, request)
    return row


def _check_worker(client: Client, worker: User, field: str) -> None:
    if worker not in allocatable_workers(client.service):
        raise Refused("Select someone from your service", field)


@transaction.atomic
def reassign(
    client: Client, item: WorkItem, to: User, *, by: User, request: HttpRequest | None = None
) -> WorkerTask:
    _check_worker(client, to, "worker")
    row = _row_for(client, item)
    row.assigned_to = None if to.pk == client.case_manager_id else to
    row.save()
    _audit("reassign_task", client, row, by, request)
    return row


@transaction.atomic
def add_task(
    client: Client,
    what: str,
    due_on: dt.date,
    assignee: User,
    *,
    by: User,
    request: HttpRequest | None = None,
) -> WorkerTask:
    _check_worker(client, assignee, "assignee")
    row = WorkerTask.objects.create(
        client=client,
        origin=TaskOrigin.OWN,
        kind=OWN_KIND,
        what=what.strip()[:WHAT_MAX],
        due_on=due_on,
        assigned_to=assignee,
        created_by=by,
    )
    _audit("add_task", client, row, by, request)
    return row


@transaction.atomic
def edit_task(
    client: Client,
    item: WorkItem,
    what: str,
    due_on: dt.date,
    assignee: User,
    *,
    by: User,
    request: HttpRequest | None = None,
) -> WorkerTask:
    if item.own_id is None:
        raise Refused("Only tasks added by a worker can be changed", "what")
    _check_worker(client, assignee, "assignee")
    row = _row_for(client, item)
    row.what = what.strip()[:WHAT_MAX]
    row.due_on = due_on
    row.assigned_to = assignee
    row.snoozed_until = None
    row.save()
    _audit("edit_task", client, row, by, request)
    return row


def snooze_choices(today: dt.date) -> dict[str, dt.date]:
    """The quick choices: tomorrow, and the next Monday ("next week")."""
    return {
        "tomorrow": today + dt.timedelta(days=1),
        "next_week": today + dt.timedelta(days=7 - today.weekday()),
    }
