"""Outcome tasks on workers' lists (see ``hiu.web.clients.due``):

- "Record baseline questionnaires" two weeks after the client engaged, when nothing has been
  recorded since the episode opened (the baseline is what every later score is compared with).
- "Record step-down questionnaires" on the day the client stepped down, when no questionnaire
  has been recorded since (the BRC KPIs measure "at the end of our support", 002 EK-F).

Only for the open episode's phase (engaged, or stepped down); one query, whatever the caseload.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef

from hiu.web.clients.due import Task, full_name, link_to
from hiu.web.clients.querysets import ClientQuerySet
from hiu.web.episodes.models import Episode
from hiu.web.episodes.phases import Phase
from hiu.web.outcomes.models import OutcomeRecord

#: Days after engagement by which the baseline questionnaires are expected.
BASELINE_DAYS = 14
HORIZON = dt.timedelta(days=14)


def tasks_due(clients: ClientQuerySet, today: dt.date) -> list[Task]:
    since_opened = OutcomeRecord.objects.filter(
        client_id=OuterRef("client_id"), completed_on__gte=OuterRef("opened_on")
    )
    since_stepped_down = OutcomeRecord.objects.filter(
        client_id=OuterRef("client_id"), completed_on__gte=OuterRef("stepped_down_on")
    )
    rows = (
        Episode.objects.filter(client__in=clients, phase__in=[Phase.ENGAGED, Phase.STEPPED_DOWN])
        .annotate(baseline=Exists(since_opened), step_down=Exists(since_stepped_down))
        .values_list(
            "client_id",
            "client__given_name",
            "client__family_name",
            "phase",
            "engaged_on",
            "stepped_down_on",
            "baseline",
            "step_down",
        )
    )
    link = link_to("outcomes:record", "client_id")
    horizon = today + HORIZON
    tasks = []
    for client_id, given, family, phase, engaged_on, stepped_on, baseline, step_down in rows:
        if phase == Phase.ENGAGED and engaged_on is not None and not baseline:
            due_on, what = engaged_on + dt.timedelta(days=BASELINE_DAYS), "baseline"
        elif phase == Phase.STEPPED_DOWN and stepped_on is not None and not step_down:
            due_on, what = stepped_on, "step-down"
        else:
            continue
        if due_on <= horizon:
            tasks.append(
                Task(
                    client_id,
                    full_name(given, family),
                    f"Record {what} questionnaires",
                    due_on,
                    link(client_id),
                    "outcomes",
                )
            )
    return tasks
