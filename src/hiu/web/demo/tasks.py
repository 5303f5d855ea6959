"""A believable week of tasks for the demo caseload.

The caseload's history ends at the demo's "now" (the end of the synthetic activity), but tasks
fall due against the real today, so left alone the home page would list months of overdue
work. A real team would have done most of it: here, through the same services the task pages
use, the older tasks are completed by the client's case manager (as done on their due day),
some are snoozed into the coming week, and only the last few days' stay overdue. Then each case
manager gets a few tasks of their own ("Chase the housing officer").

Everything is deterministic: choices come from each task's reference. Only ``manage demo``
calls this; a service with task rows already is left as it is.
"""

from __future__ import annotations

import datetime as dt
import zlib

from django.db import transaction
from django.utils import timezone

from hiu.web.accounts.models import Service
from hiu.web.clients import tasks
from hiu.web.clients.models import Client, WorkerTask
from hiu.web.demo.service import DemoTeam

#: Tasks overdue by at most this many days stay overdue: last week's work not yet done.
RECENT = dt.timedelta(days=4)
#: At most this many of those stay overdue per worker; the rest are snoozed into the week.
OVERDUE_PER_WORKER = 2
OWN_TASKS = (
    ("Chase the housing officer about the repairs", 1),
    ("Ring the GP surgery about the repeat prescription", 0),
    ("Book the benefits advice appointment", 3),
    ("Send the befriending referral form", 2),
    ("Check the food bank voucher arrived", 5),
)


def _pick(item: tasks.WorkItem, choices: int) -> int:
    return zlib.crc32(f"{item.client_id}:{item.ref}".encode()) % choices


@transaction.atomic
def settle_tasks(service: Service, team: DemoTeam) -> int:
    """Complete or snooze the demo's old tasks and add a few own tasks; returns how many own
    tasks were added."""
    if WorkerTask.objects.filter(client__service=service).exists():
        return 0
    today = timezone.localdate()
    clients = Client.objects.filter(service=service).select_related("case_manager", "service")
    by_id = {client.pk: client for client in clients}
    overdue_left: dict[int | None, int] = {}
    for item in tasks.work_for(clients, today):
        if item.due_on >= today:
            continue
        client = by_id[item.client_id]
        worker = client.case_manager or team.lead
        recent = today - item.due_on <= RECENT
        if recent and overdue_left.get(item.assignee_id, 0) < OVERDUE_PER_WORKER:
            overdue_left[item.assignee_id] = overdue_left.get(item.assignee_id, 0) + 1
            continue
        if recent or _pick(item, 4) == 0:
            # Put off to a day this week: the week has work in it, not a wall.
            until = today + dt.timedelta(days=1 + _pick(item, 6))
            tasks.snooze(client, item, until, by=worker)
        else:
            row = tasks.complete(client, item, by=worker)
            done = timezone.make_aware(dt.datetime.combine(item.due_on, dt.time(16, 0)))
            WorkerTask.objects.filter(pk=row.pk).update(completed_at=done)
    added = 0
    for index, worker in enumerate(team.managers):
        theirs = [
            client for client in clients.active().filter(case_manager=worker).order_by("id")[:3]
        ]
        for offset, client in enumerate(theirs):
            what, days = OWN_TASKS[(index + offset) % len(OWN_TASKS)]
            tasks.add_task(client, what, today + dt.timedelta(days=days), worker, by=worker)
            added += 1
    return added
