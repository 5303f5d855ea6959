"""A lived-in caseload for the demo service, derived from the synthetic population's truth.

``hiu synth`` says who its simulated service engaged and when (``cohort.csv``); the activity
store holds what those people did before and after. This module gives each demo client the
history a real team would have recorded by now, through the same services the pages use (so
phase changes, letters and audit events are what they would be):

- engaged recently: engaged, with contacts, consent, an assessment, a plan and interventions;
- engaged 3-6 months ago: in holding, with monthly holding checks from the store;
- engaged longer ago: stepped down, with the follow-ups that have fallen due recorded from the
  store; new activity after stepping down raises relapse alerts, as it would in service;
- people on the latest identified list who are not in the cohort: accepted and being
  contacted (some after three unanswered attempts, letters due), declined with a reason, or
  closed after the letters;
- a few live referrals.

Everything is deterministic for a given synthetic folder: choices come from a random generator
seeded by the NHS number. Only ``manage demo`` calls this.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from hiu.store.store import Store
from hiu.web.accounts.models import Service
from hiu.web.clients.models import Client, Sex
from hiu.web.clients.models import WayIn as ClientWayIn
from hiu.web.contacts.models import Channel, Contact
from hiu.web.episodes import relapse, services
from hiu.web.episodes.models import Episode
from hiu.web.episodes.phases import Complexity, Phase, WayIn
from hiu.web.identification.activity import latest_activity_date
from hiu.web.identification.models import IdentificationRun, IdentifiedPerson
from hiu.web.identification.status import Mark
from hiu.web.plans.models import Consent, ConsentLevel

#: Days after engagement at which support moves on (DESIGN §3: about three months of active
#: support, then the 12-week holding phase).
SUPPORT_DAYS = 90
HOLDING_DAYS = 84
#: People taken from the latest list who are not in the synthetic cohort.
LIST_ACCEPTED = 6
LIST_NOT_REACHED = 2
#: Of those accepted, the first few wait for the lead to allocate them.
LIST_UNALLOCATED = 2
COMPLEXITIES = (Complexity.HIGH, Complexity.MEDIUM, Complexity.MEDIUM, Complexity.LOW)
NOTES = (
    "Talked about the week; feeling more settled since the housing appointment.",
    "Called to say the befriender visited. Laughed about the dog.",
    "Worried about money again; agreed to go to the advice centre together on Thursday.",
    "Short call: on track, going to the walking group.",
    "Struggling with sleep; used the crisis plan instead of calling 999.",
    "Met at the café. Talked through what helps when the panic starts.",
)


@dataclass(frozen=True)
class DemoTeam:
    lead: User
    managers: list[User]


#: Extra records per client that other casework apps add (assessment, plans, interventions,
#: referrals), called with (client, episode, rng, author, today). Each app adds its own.
Enricher = Callable[[Client, Episode, random.Random, User, dt.date], None]


def _rng(nhs_number: str) -> random.Random:
    return random.Random(int(nhs_number))


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _log_contacts(
    client: Client, episode: Episode, by: User, start: dt.date, end: dt.date, rng: random.Random
) -> None:
    """A phone call to begin with (001 §9), then contacts every week or two, fewer over time."""
    day = start
    gap = 3
    while day <= end:
        reached = rng.random() > 0.2
        channel = rng.choice((Channel.PHONE, Channel.PHONE, Channel.TEXT, Channel.FACE_TO_FACE))
        Contact.objects.create(
            client=client,
            episode=episode,
            at=_at(day, rng.randint(9, 16), rng.choice((0, 15, 30, 45))),
            channel=Channel.PHONE if day == start else channel,
            reached=True if day == start else reached,
            duration_minutes=rng.choice((5, 10, 20, 30, 45)) if reached else None,
            by=by,
            by_username=by.get_username(),
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


@transaction.atomic
def build_caseload(
    service: Service,
    team: DemoTeam,
    store: Store,
    latest_run: IdentificationRun | None,
    engaged: dict[str, dt.date],
    enrichers: list[Enricher] | None = None,
) -> dict[str, int]:
    """Give the service's demo clients their history; returns counts by phase.

    ``engaged`` is the synthetic truth: each cohort member's engagement day. Clients who
    already have an episode are left as they are, so running the demo again changes nothing.
    """
    # The demo's "now" is the end of the synthetic activity, not the calendar: phases are as a
    # team would have them when that data was fresh. Tasks still fall due against today.
    today = min(timezone.localdate(), latest_activity_date(store) or timezone.localdate())
    enrichers = enrichers or []
    clients = list(
        Client.objects.filter(service=service, episodes__isnull=True).order_by("nhs_number")
    )
    for index, client in enumerate(clients):
        if client.nhs_number in engaged:
            _cohort_client(client, engaged[client.nhs_number], team, store, today, enrichers, index)
    if latest_run is not None:
        _from_the_list(service, team, latest_run, today)
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
    enrichers: list[Enricher],
    index: int,
) -> None:
    rng = _rng(client.nhs_number)
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
    for enrich in enrichers:
        enrich(client, episode, rng, by, today)
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


def _from_the_list(
    service: Service, team: DemoTeam, run: IdentificationRun, today: dt.date
) -> None:
    """People on the latest list who are not yet clients: some accepted and being contacted,
    some not reached after the attempts and closed."""
    known = set(Client.objects.filter(service=service).values_list("nhs_number", flat=True))
    people = [
        p
        for p in run.people.filter(mark__in=[Mark.NEW, Mark.CONTINUING]).order_by("rank")
        if p.nhs_number not in known and p.date_of_birth is not None
    ][: LIST_ACCEPTED + LIST_NOT_REACHED]
    for index, person in enumerate(people):
        manager = team.managers[index % len(team.managers)]
        client = _client_from_list(service, person, None if index < LIST_UNALLOCATED else manager)
        rng = _rng(person.nhs_number)
        accepted = min(today, run.as_of + dt.timedelta(days=7 + index))
        episode = services.open_episode(
            client,
            by=team.lead,
            way_in=WayIn.IDENTIFIED,
            phase=Phase.CONTACTING,
            on=accepted,
            complexity=COMPLEXITIES[index % len(COMPLEXITIES)],
            identified_person_id=person.pk,
            reason="Accepted at screening",
        )
        attempts = 3 if index % 2 == 0 or index >= LIST_ACCEPTED else rng.randint(1, 2)
        for attempt in range(attempts):
            Contact.objects.create(
                client=client,
                episode=episode,
                at=_at(min(today, accepted + dt.timedelta(days=2 * attempt + 1)), 10 + attempt),
                channel=Channel.PHONE,
                reached=False,
                by=manager,
                by_username=manager.get_username(),
                note="No answer.",
            )
        if index >= LIST_ACCEPTED:
            closed_on = min(today, accepted + dt.timedelta(days=21))
            services.move(
                episode,
                Phase.CLOSED,
                by=manager,
                on=closed_on,
                reason="Not reached after three attempts; letters sent to them and their GP",
            )


def _client_from_list(service: Service, person: IdentifiedPerson, manager: User | None) -> Client:
    assert person.date_of_birth is not None
    client, _ = Client.objects.get_or_create(
        service=service,
        nhs_number=person.nhs_number,
        defaults={
            "given_name": person.given_name or "Unknown",
            "family_name": person.family_name or "Unknown",
            "date_of_birth": person.date_of_birth,
            "sex": Sex.NOT_KNOWN,
            "phone": person.phone[:20],
            "way_in": ClientWayIn.IDENTIFIED,
            "case_manager": manager,
        },
    )
    return client
