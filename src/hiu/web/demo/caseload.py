"""A lived-in caseload for the demo service, derived from the synthetic population's truth.

``hiu synth`` says who its simulated service engaged and when (``cohort.csv``); the activity
store holds what those people did before and after. This module gives each demo client the
history a real team would have recorded by now, through the same services the pages use (so
phase changes, letters and audit events are what they would be):

- engaged recently: engaged, with contacts, consent, an assessment, a plan and interventions
  (hiu.web.demo.plans, hiu.web.demo.interventions);
- every cohort client: outcome questionnaires, goal ratings and, at step down, an experience
  questionnaire (hiu.web.demo.outcomes);
- engaged 3-6 months ago: in holding, with monthly holding checks from the store;
- engaged longer ago: stepped down, with the follow-ups that have fallen due recorded from the
  store; new activity after stepping down raises relapse alerts, as it would in service;
- people on the latest identified list who are not in the cohort (hiu.web.demo.screening).

Everything is deterministic for a given synthetic folder: choices come from a random generator
seeded by the NHS number. Only ``manage demo`` calls this.
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth.models import User
from django.db import transaction

from hiu.store.store import Store
from hiu.web.accounts.models import Service
from hiu.web.clients.models import Client
from hiu.web.contacts.models import Channel
from hiu.web.demo.corrections import add_corrections
from hiu.web.demo.factories import make_contact
from hiu.web.demo.interventions import add_interventions
from hiu.web.demo.outcomes import add_outcomes
from hiu.web.demo.plans import add_plans
from hiu.web.demo.screening import COMPLEXITIES, from_the_list
from hiu.web.demo.service import DemoTeam
from hiu.web.demo.timeline import HOLDING_DAYS, SUPPORT_DAYS, at, demo_today, seeded
from hiu.web.episodes import relapse, services
from hiu.web.episodes.models import Episode
from hiu.web.episodes.phases import Phase, WayIn
from hiu.web.identification.models import IdentificationRun
from hiu.web.plans.models import Consent, ConsentLevel

NOTES = (
    "Talked about the week; feeling more settled since the housing appointment.",
    "Called to say the befriender visited. Laughed about the dog.",
    "Worried about money again; agreed to go to the advice centre together on Thursday.",
    "Short call: on track, going to the walking group.",
    "Struggling with sleep; used the crisis plan instead of calling 999.",
    "Met at the café. Talked through what helps when the panic starts.",
)


@transaction.atomic
def build_caseload(
    service: Service,
    team: DemoTeam,
    store: Store,
    latest_run: IdentificationRun | None,
    engaged: dict[str, dt.date],
) -> dict[str, int]:
    """Give the service's demo clients their history; returns counts by phase.

    ``engaged`` is the synthetic truth: each cohort member's engagement day. Clients who
    already have an episode are left as they are, so running the demo again changes nothing.
    """
    today = demo_today(store)
    clients = list(
        Client.objects.filter(service=service, episodes__isnull=True).order_by("nhs_number")
    )
    for index, client in enumerate(clients):
        if client.nhs_number in engaged:
            _cohort_client(client, engaged[client.nhs_number], team, store, today, index)
    add_corrections(service, team)
    if latest_run is not None:
        from_the_list(service, team, latest_run, today)
    relapse.alerts_from_new_activity(store)
    if latest_run is not None:
        relapse.alerts_from_list(latest_run)
    counts: dict[str, int] = {}
    for phase in Episode.objects.filter(client__service=service).values_list("phase", flat=True):
        counts[phase] = counts.get(phase, 0) + 1
    return counts


def _cohort_client(
    client: Client,
    engaged: dt.date,
    team: DemoTeam,
    store: Store,
    today: dt.date,
    index: int,
) -> None:
    rng = seeded(client.nhs_number)
    by = client.case_manager or team.lead
    opened = engaged - dt.timedelta(days=rng.randint(3, 12))
    episode = services.open_episode(
        client,
        by=team.lead,
        way_in=WayIn.IDENTIFIED,
        phase=Phase.CONTACTING,
        on=opened,
        complexity=COMPLEXITIES[index % len(COMPLEXITIES)],
        reason="Accepted at screening",
    )
    services.move(episode, Phase.ENGAGED, by=by, on=engaged, reason="Agreed to work with us")
    _consent(client, episode, by, engaged, today)
    holding_from = engaged + dt.timedelta(days=SUPPORT_DAYS)
    stepped_from = holding_from + dt.timedelta(days=HOLDING_DAYS)
    support_end = min(today, holding_from)
    _log_contacts(client, episode, by, engaged, support_end, rng)
    add_plans(client, episode, rng, by, today)
    add_interventions(client, episode, rng, by, today)
    # Its own generator, so the outcomes change none of the choices made after this point.
    add_outcomes(client, episode, seeded(client.nhs_number, 6), by, today)
    if holding_from > today:
        return
    services.move(episode, Phase.HOLDING, by=by, on=holding_from, reason="Plan completed")
    check = services.add_months(holding_from, 1)
    while check <= min(today, stepped_from):
        episode.refresh_from_db()
        services.record_holding_check(episode, by=by, checked_on=check, note="", store=store)
        check = services.add_months(check, 1)
    if stepped_from > today:
        return
    services.move(
        episode, Phase.STEPPED_DOWN, by=by, on=stepped_from, reason="Connected to the community"
    )
    for follow_up in episode.follow_ups.filter(due_on__lte=today):
        services.record_follow_up(
            follow_up, by=team.lead, done_on=follow_up.due_on, note="", store=store
        )


def _log_contacts(
    client: Client, episode: Episode, by: User, start: dt.date, end: dt.date, rng: random.Random
) -> None:
    """A phone call to begin with (001 §9), then contacts every week or two, fewer over time."""
    day = start
    gap = 3
    while day <= end:
        reached = rng.random() > 0.2
        channel = rng.choice((Channel.PHONE, Channel.PHONE, Channel.TEXT, Channel.FACE_TO_FACE))
        make_contact(
            client,
            episode=episode,
            at=at(day, rng.randint(9, 16), rng.choice((0, 15, 30, 45))),
            channel=Channel.PHONE if day == start else channel,
            reached=True if day == start else reached,
            duration_minutes=rng.choice((5, 10, 20, 30, 45)) if reached else None,
            by=by,
            note=rng.choice(NOTES) if reached else "No answer; left a voicemail.",
        )
        day += dt.timedelta(days=gap)
        gap = min(gap + rng.randint(1, 4), 21)


def _consent(client: Client, episode: Episode, by: User, engaged: dt.date, today: dt.date) -> None:
    statements = {
        "share_information": True,
        "access_records": True,
        "referrals": True,
        "obtain_information": True,
    }
    Consent.objects.create(
        client=client,
        episode=episode,
        level=ConsentLevel.VERBAL,
        given_on=engaged,
        review_on=services.add_months(engaged, 12),
        recorded_by=by,
        **statements,
    )
    written_on = engaged + dt.timedelta(days=2)
    if written_on <= today:
        Consent.objects.create(
            client=client,
            episode=episode,
            level=ConsentLevel.WRITTEN,
            given_on=written_on,
            witnessed_by=f"{by.get_full_name()} (case manager)",
            review_on=services.add_months(written_on, 12),
            recorded_by=by,
            **statements,
        )
