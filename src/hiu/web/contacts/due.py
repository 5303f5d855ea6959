"""Tasks this app puts on workers' lists (see ``hiu.web.clients.due``):

- the next contact attempt, the day after an unreached one, while a client is being contacted
  and fewer than the service's number of attempts have been made ("Contact attempt 2 of 3");
- the no-contact letters, once that number of attempts have not reached the client
  (000 §2.4.3), due on the day of the last attempt;
- checking out of a visit that is past its expected return time (001 §9), due that day.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from hiu.web.clients.due import Task
from hiu.web.clients.querysets import ClientQuerySet
from hiu.web.contacts.attempts import runs_for_episodes
from hiu.web.contacts.models import Visit
from hiu.web.contacts.querysets import visits_in_progress
from hiu.web.episodes.models import Episode
from hiu.web.episodes.phases import ACTIVE, Phase


def tasks_due(clients: ClientQuerySet, today: dt.date) -> list[Task]:
    tasks: list[Task] = []
    episodes = list(
        Episode.objects.filter(client__in=clients, phase__in=list(ACTIVE)).select_related(
            "client__service"
        )
    )
    runs = runs_for_episodes(episodes)
    for episode in episodes:
        client = episode.client
        run = runs[episode.pk]
        last = run.last_attempt
        if last is None:
            continue
        if run.letters_due:
            url = reverse("contacts:client", kwargs={"client_id": client.pk})
            what = "Send the no-contact letters"
            due_on = timezone.localdate(last)
            tasks.append(Task(client.pk, client.full_name, what, due_on, url, "letter"))
        elif episode.phase == Phase.CONTACTING:
            url = reverse("contacts:new", kwargs={"client_id": client.pk})
            what = f"Contact attempt {run.count + 1} of {run.needed}"
            due_on = timezone.localdate(last) + dt.timedelta(days=1)
            tasks.append(Task(client.pk, client.full_name, what, due_on, url, "contact"))
    overdue = visits_in_progress(Visit.objects.filter(client__in=clients)).filter(
        expected_back_at__lt=timezone.now()
    )
    for visit in overdue.select_related("client"):
        assert visit.expected_back_at is not None
        url = reverse("contacts:check_out", kwargs={"visit_id": visit.pk})
        what = "Check out of your visit"
        due_on = timezone.localdate(visit.expected_back_at)
        tasks.append(Task(visit.client_id, visit.client.full_name, what, due_on, url, "visit"))
    return tasks
