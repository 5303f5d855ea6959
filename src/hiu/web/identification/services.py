"""Workflow changes for identification: a service's settings, starting a run (on demand, from
the schedule, or at once for the demo), and the default as-of date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from hiu.identify.rules import RuleError
from hiu.web.accounts.models import ListFrequency, Service
from hiu.web.identification.activity import latest_activity_date
from hiu.web.identification.models import IdentificationRun
from hiu.web.identification.rulesets import load_for_service
from hiu.web.identification.running import run_identification_job
from hiu.web.identification.schedule import due_as_of
from hiu.web.identification.status import Trigger
from hiu.web.identification.tasks import run_identification
from hiu.web.imports.files import activity_store


def change_settings(service: Service, *, rule_set: str, list_frequency: str) -> None:
    service.rule_set = rule_set
    service.list_frequency = list_frequency
    service.save(update_fields=["rule_set", "list_frequency"])


def default_as_of() -> dt.date | None:
    """The day of the latest activity in the store: a list as of then uses everything imported."""
    return latest_activity_date(activity_store())


def _new_run(
    service: Service, as_of: dt.date, trigger: Trigger, user: User | None
) -> IdentificationRun:
    try:
        title = load_for_service(service.rule_set).title
    except RuleError:
        title = ""  # the run fails with the rule set's own message, where people will see it
    return IdentificationRun.objects.create(
        service=service,
        rule_set=service.rule_set,
        rule_set_title=title,
        as_of=as_of,
        trigger=trigger,
        requested_by=user,
        requested_by_username=user.get_username() if user is not None else "",
    )


def start_run(
    *, service: Service, as_of: dt.date, user: User | None, trigger: Trigger = Trigger.ON_DEMAND
) -> IdentificationRun:
    """Record a run with the service's rule set and queue it for the worker."""
    # One transaction: the run and its queued task are committed together, so the worker never
    # sees a task whose run is missing and no run is left without a task.
    with transaction.atomic():
        run = _new_run(service, as_of, trigger, user)
        run_identification.enqueue(run.pk)
    return run


def make_list_now(service: Service, as_of: dt.date, user: User | None) -> IdentificationRun:
    """Make a list in this process, without the worker: for the demo, which needs its lists
    before the server starts."""
    run = _new_run(service, as_of, Trigger.ON_DEMAND, user)
    run_identification_job(run.pk)
    run.refresh_from_db()
    return run


class Outcome(Enum):
    QUEUED = "queued"
    ALREADY_MADE = "already made"
    WAITING_FOR_DATA = "waiting for data"


@dataclass(frozen=True)
class DueList:
    service: Service
    as_of: dt.date
    outcome: Outcome
    run: IdentificationRun | None = None


def queue_due_lists(today: dt.date, *, wait_for_data: bool = True) -> list[DueList]:
    """Queue the scheduled list of every service whose list is due and not yet made.

    A monthly service's list for a month is as of the last day of the month before; a
    quarterly one's, the last day of the quarter before. A service that already has a
    scheduled run for that date (whatever became of it) gets no other, so this can run as
    often as you like. With ``wait_for_data``, a list waits until the activity store holds
    activity up to its as-of date: until then last month's extracts have not all arrived.
    """
    latest = default_as_of() if wait_for_data else None
    due: list[DueList] = []
    scheduled = Service.objects.exclude(list_frequency=ListFrequency.ON_DEMAND).order_by("name")
    for service in scheduled:
        as_of = due_as_of(service.list_frequency, today)
        if as_of is None:
            continue
        made = IdentificationRun.objects.filter(
            service=service, trigger=Trigger.SCHEDULED, as_of=as_of
        )
        if made.exists():
            due.append(DueList(service, as_of, Outcome.ALREADY_MADE, made.first()))
            continue
        if wait_for_data and (latest is None or latest < as_of):
            due.append(DueList(service, as_of, Outcome.WAITING_FOR_DATA))
            continue
        try:
            run = start_run(service=service, as_of=as_of, user=None, trigger=Trigger.SCHEDULED)
        except IntegrityError:
            # Another copy of the command queued it a moment ago (the unique constraint).
            due.append(DueList(service, as_of, Outcome.ALREADY_MADE))
            continue
        due.append(DueList(service, as_of, Outcome.QUEUED, run))
    return due
