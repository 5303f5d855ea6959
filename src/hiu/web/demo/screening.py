"""The demo's screening: people on the latest identified list who are not in the synthetic
cohort, accepted and being contacted (some after three unanswered attempts, letters due),
declined with a reason, or closed after the letters; and a few live referrals on the
first-contact clock (hiu.web.screening).

Deterministic like the rest of the demo: choices are seeded by the NHS number.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.utils import timezone

from hiu.web.accounts.models import Service
from hiu.web.clients.models import Client, Sex
from hiu.web.clients.models import WayIn as ClientWayIn
from hiu.web.contacts.models import Channel
from hiu.web.demo.factories import make_client, make_contact
from hiu.web.demo.service import DemoTeam
from hiu.web.demo.synthetic import person_details
from hiu.web.demo.timeline import at, seeded
from hiu.web.episodes import services
from hiu.web.episodes.models import Episode
from hiu.web.episodes.phases import Complexity, Phase, WayIn
from hiu.web.identification.models import IdentificationRun, IdentifiedPerson
from hiu.web.identification.status import Mark
from hiu.web.screening import services as screening
from hiu.web.screening.models import Decision, ScreeningDecision

#: People taken from the latest list who are not in the synthetic cohort.
LIST_ACCEPTED = 6
LIST_NOT_REACHED = 2
LIST_DECLINED = 2
LIST_UNSCREENED = 3
#: Of those accepted, the first few wait for the lead to allocate them.
LIST_UNALLOCATED = 2
#: The complexity each accepted person is given at screening, in turn.
COMPLEXITIES = (Complexity.HIGH, Complexity.MEDIUM, Complexity.MEDIUM, Complexity.LOW)


def from_the_list(service: Service, team: DemoTeam, run: IdentificationRun, today: dt.date) -> None:
    """People on the latest list who are not yet clients: some accepted and being contacted,
    some not reached after the attempts and closed. Done once per list: a list whose people
    have been screened already is left as it is."""
    if ScreeningDecision.objects.filter(identified_person__run=run).exists():
        return
    known = set(Client.objects.filter(service=service).values_list("nhs_number", flat=True))
    people = [
        p
        for p in run.people.filter(mark__in=[Mark.NEW, Mark.CONTINUING]).order_by("rank")
        if p.nhs_number not in known and p.date_of_birth is not None
    ]
    # The top of the list is left for the team to screen; of the rest, the first are not
    # reached and closed after the letters, then accepted and being contacted, then declined.
    rest = people[LIST_UNSCREENED:]
    closing = rest[:LIST_NOT_REACHED]
    contacting = rest[LIST_NOT_REACHED : LIST_NOT_REACHED + LIST_ACCEPTED]
    _decline(rest[LIST_NOT_REACHED + LIST_ACCEPTED :][:LIST_DECLINED], team.lead)
    for index, person in enumerate([*closing, *contacting]):
        manager = team.managers[index % len(team.managers)]
        closes = person in closing
        unallocated = not closes and index - len(closing) < LIST_UNALLOCATED
        client = _client_from_list(service, person, None if unallocated else manager)
        rng = seeded(person.nhs_number)
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
        _record_acceptance(person, client, episode, team.lead, accepted)
        attempts = 3 if index % 2 == 0 or closes else rng.randint(1, 2)
        for attempt in range(attempts):
            make_contact(
                client,
                episode=episode,
                at=at(min(today, accepted + dt.timedelta(days=2 * attempt + 1)), 10 + attempt),
                channel=Channel.PHONE,
                reached=False,
                by=manager,
                note="No answer.",
            )
        if closes:
            closed_on = min(today, accepted + dt.timedelta(days=21))
            services.move(
                episode,
                Phase.CLOSED,
                by=manager,
                on=closed_on,
                reason="Not reached after three attempts; letters sent to them and their GP",
            )


def _record_acceptance(
    person: IdentifiedPerson, client: Client, episode: Episode, lead: User, on: dt.date
) -> None:
    """The screening decision behind an acceptance the demo back-dates (the screening service
    dates decisions now, and the demo's acceptances happened when the list was fresh)."""
    ScreeningDecision.objects.create(
        service=client.service,
        identified_person=person,
        nhs_number=person.nhs_number,
        list_as_of=person.run.as_of,
        decision=Decision.ACCEPT,
        complexity=episode.complexity,
        decided_by=lead,
        decided_by_username=lead.get_username(),
        decided_at=at(on, 9),
        client=client,
        episode=episode,
    )


def _decline(people: list[IdentifiedPerson], lead: User) -> None:
    """Declined at screening with one of the service's reasons (hiu.web.screening)."""
    for index, person in enumerate(people):
        reasons = list(screening.reasons_for(person.run.service))
        screening.screen_person(
            person,
            screening.Screening(
                decision=Decision.DECLINE,
                reason=reasons[index % len(reasons)],
                note="Discussed at the screening meeting.",
            ),
            by=lead,
        )


def add_referrals(service: Service, team: DemoTeam, people: list[dict[str, str]]) -> None:
    """Live referrals received in the last day and a half, so the first-contact clock shows
    each state: contacted in time, due soon, overdue (hiu.web.screening)."""
    now = timezone.now()
    sources = (
        ("Emergency department, Homerton", "Self-harm: third attendance this month", True),
        ("London Ambulance Service", "Frequent 999 calls; lives alone", False),
        ("Housing options team", "Homeless since Friday; attended A&E twice", True),
    )
    for index, (person, (source, reason, vulnerable)) in enumerate(
        zip(people, sources, strict=False)
    ):
        received = now - dt.timedelta(hours=(30, 3, 20)[index % 3])
        referral = screening.record_referral(
            service,
            screening.ReferralDetails(
                **person_details(person),
                referring_organisation=source,
                referrer_name="Duty coordinator",
                referrer_contact="020 7946 0000",
                reason=reason,
                vulnerability=vulnerable,
                consent_to_refer=True,
                received_at=received,
            ),
            by=team.lead,
        )
        manager = team.managers[index % len(team.managers)]
        Client.objects.filter(pk=referral.client_id).update(case_manager=manager)
        if index % 3 == 2:  # contacted within the hour
            make_contact(
                referral.client,
                episode=referral.episode,
                at=received + dt.timedelta(minutes=50),
                channel=Channel.PHONE,
                reached=True,
                duration_minutes=20,
                by=manager,
                note="Talked it through; visiting tomorrow with the housing officer.",
            )


def _client_from_list(service: Service, person: IdentifiedPerson, manager: User | None) -> Client:
    assert person.date_of_birth is not None
    return make_client(
        service,
        manager,
        nhs_number=person.nhs_number,
        given_name=person.given_name or "Unknown",
        family_name=person.family_name or "Unknown",
        date_of_birth=person.date_of_birth,
        sex=Sex.NOT_KNOWN,
        phone=person.phone[:20],
        way_in=ClientWayIn.IDENTIFIED,
    )
