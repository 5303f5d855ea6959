"""Tasks this app puts on workers' lists (see ``hiu.web.clients.due``).

- "Renew consent" on the current consent's review date, unless it was withdrawn.
- "Take written consent" 14 days after verbal consent, while the current consent is verbal:
  written consent is taken at the first face-to-face meeting (001 §9).
- "Review the action plan" on the current plan's review date (000 §2.3.3: a live document).

Only for clients whose episode is not closed, and the plan review only while the episode is
active (screening to holding): a client who has stepped down has no plan to review, though their
consent still covers the follow-ups. Tasks show from 14 days before they are due, and stay until
done.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import OuterRef, Subquery

from hiu.web.clients.due import Task, full_name, link_to
from hiu.web.clients.querysets import ClientQuerySet
from hiu.web.episodes.models import Episode
from hiu.web.episodes.phases import ACTIVE, Phase
from hiu.web.plans.models import ActionPlan, Consent, ConsentLevel
from hiu.web.plans.querysets import with_open_episode

#: How far ahead tasks show.
SHOW_DAYS_AHEAD = 14
#: Written consent is expected this many days after verbal consent.
WRITTEN_CONSENT_DAYS = 14


def tasks_due(clients: ClientQuerySet, today: dt.date) -> list[Task]:
    horizon = today + dt.timedelta(days=SHOW_DAYS_AHEAD)
    # Each client's current consent (the first of theirs in the model's order) and current
    # action plan (the latest version), as subqueries: one query, whatever the caseload.
    consent = Consent.objects.filter(client_id=OuterRef("pk")).order_by("-given_on", "-id")
    plan = ActionPlan.objects.filter(client_id=OuterRef("pk")).order_by("-version")
    phase = Episode.objects.filter(client_id=OuterRef("pk")).exclude(phase=Phase.CLOSED)
    rows = list(
        with_open_episode(clients)
        .annotate(
            consent_given_on=Subquery(consent.values("given_on")[:1]),
            consent_review_on=Subquery(consent.values("review_on")[:1]),
            consent_level=Subquery(consent.values("level")[:1]),
            consent_withdrawn_on=Subquery(consent.values("withdrawn_on")[:1]),
            plan_review_on=Subquery(plan.values("review_on")[:1]),
            open_phase=Subquery(phase.values("phase")[:1]),
        )
        .order_by("id")
        .values_list(
            "id",
            "given_name",
            "family_name",
            "consent_given_on",
            "consent_review_on",
            "consent_level",
            "consent_withdrawn_on",
            "plan_review_on",
            "open_phase",
        )
    )
    consent_link = link_to("plans:record_consent", "client_id")
    plan_link = link_to("plans:edit_plan", "client_id")
    tasks: list[Task] = []
    for client_id, given, family, given_on, review_on, level, withdrawn_on, *_ in rows:
        if given_on is None or withdrawn_on is not None:
            continue
        name = full_name(given, family)
        url = consent_link(client_id)
        if review_on <= horizon:
            tasks.append(Task(client_id, name, "Renew consent", review_on, url, "consent"))
        written_due = given_on + dt.timedelta(days=WRITTEN_CONSENT_DAYS)
        if level == ConsentLevel.VERBAL and written_due <= horizon:
            tasks.append(Task(client_id, name, "Take written consent", written_due, url, "consent"))
    for client_id, given, family, *_, plan_review_on, open_phase in rows:
        if open_phase not in ACTIVE:
            continue
        if plan_review_on is not None and plan_review_on <= horizon:
            tasks.append(
                Task(
                    client_id,
                    full_name(given, family),
                    "Review the action plan",
                    plan_review_on,
                    plan_link(client_id),
                    "plan",
                )
            )
    return tasks
