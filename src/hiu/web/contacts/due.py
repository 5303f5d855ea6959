"""Tasks this app puts on workers' lists (see ``hiu.web.clients.due``):

- the next contact attempt, the day after an unreached one, while a client is being contacted
  and fewer than the service's number of attempts have been made ("Contact attempt 2 of 3");
- the no-contact letters, once that number of attempts have not reached the client
  (000 §2.4.3), due on the day of the last attempt;
- checking out of a visit that is past its expected return time (001 §9), due that day.

The first two are for active episodes only, so stepping down or closing ends them. The visit
check-out is the one task that outlives a closed episode: it is about the worker's safety on
a lone visit, not the client's support, and ends only when the worker checks out.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Subquery
from django.utils import timezone

from hiu.web.clients.due import Task, full_name, link_to, pathways_by_service
from hiu.web.clients.querysets import ClientQuerySet
from hiu.web.contacts.models import NO_CONTACT_KINDS, Channel, Contact, Letter, Visit
from hiu.web.contacts.querysets import visits_in_progress
from hiu.web.episodes.models import Episode
from hiu.web.episodes.phases import ACTIVE, Phase


def tasks_due(clients: ClientQuerySet, today: dt.date) -> list[Task]:
    tasks: list[Task] = []
    # Each episode's run of attempts (``rules.attempt_run``) counted in the database: the
    # unreached attempts (letters aside) with no reached contact and no no-contact letter at
    # or after them, i.e. those since the last of either.
    attempts = (
        Contact.objects.filter(episode_id=OuterRef("pk"), reached=False)
        .exclude(channel=Channel.LETTER)
        .exclude(
            Exists(
                Contact.objects.filter(
                    episode_id=OuterRef("episode_id"), reached=True, at__gte=OuterRef("at")
                ).exclude(channel=Channel.LETTER)
            )
        )
        .exclude(
            Exists(
                Letter.objects.filter(
                    episode_id=OuterRef("episode_id"),
                    kind__in=NO_CONTACT_KINDS,
                    made_at__gte=OuterRef("at"),
                )
            )
        )
    )
    episodes = list(
        Episode.objects.filter(client__in=clients, phase__in=list(ACTIVE))
        .annotate(
            attempts=Subquery(
                attempts.order_by().values("episode_id").annotate(n=Count("id")).values("n")
            ),
            last_attempt=Subquery(attempts.order_by("-at").values("at")[:1]),
        )
        .values_list(
            "client_id",
            "client__given_name",
            "client__family_name",
            "client__service_id",
            "client__service__pathway__contact_attempts_before_letter",
            "phase",
            "attempts",
            "last_attempt",
        )
    )
    # The service's pathway came with the rows; one is made only if the service has none yet.
    missing = {row[3] for row in episodes if row[4] is None}
    made = pathways_by_service(missing) if missing else {}
    letters_link = link_to("contacts:client", "client_id")
    new_link = link_to("contacts:new", "client_id")
    for client_id, given, family, service_id, needed, phase, count, last in episodes:
        if last is None:
            continue
        if needed is None:
            needed = made[service_id].contact_attempts_before_letter
        if needed > 0 and count >= needed:
            what = "Send the no-contact letters"
            due_on = timezone.localdate(last)
            name = full_name(given, family)
            tasks.append(Task(client_id, name, what, due_on, letters_link(client_id), "letter"))
        elif phase == Phase.CONTACTING:
            what = f"Contact attempt {count + 1} of {needed}"
            due_on = timezone.localdate(last) + dt.timedelta(days=1)
            name = full_name(given, family)
            tasks.append(Task(client_id, name, what, due_on, new_link(client_id), "contact"))
    overdue = visits_in_progress(Visit.objects.filter(client__in=clients)).filter(
        expected_back_at__lt=timezone.now()
    )
    check_out_link = link_to("contacts:check_out", "visit_id")
    for visit_id, client_id, given, family, expected_back_at in overdue.values_list(
        "id", "client_id", "client__given_name", "client__family_name", "expected_back_at"
    ):
        assert expected_back_at is not None
        what = "Check out of your visit"
        due_on = timezone.localdate(expected_back_at)
        tasks.append(
            Task(
                client_id,
                full_name(given, family),
                what,
                due_on,
                check_out_link(visit_id),
                "visit",
            )
        )
    return tasks
