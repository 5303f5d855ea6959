"""Case studies for about ten stepped-down clients, as the quarterly report reads them: most
shareable with the client's consent recorded, one the team kept back, one whose consent was
withdrawn; the newest written in the demo's last quarter. Deterministic for a given caseload;
a service that has case studies already is left as it is."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from hiu.report.identifiers import anyone_in
from hiu.web.accounts.models import Service
from hiu.web.casestudies import services as case_studies
from hiu.web.casestudies.models import CaseStudy, ConsentWay
from hiu.web.clients.models import Client
from hiu.web.demo.service import DemoTeam
from hiu.web.demo.timeline import seeded
from hiu.web.episodes.models import Episode


@dataclass(frozen=True)
class Story:
    title: str
    text: str


#: Written so that no one can be identified: no names, places, dates or numbers. A test checks
#: them against every name the synthetic population can have.
STORIES = (
    Story(
        "From nightly 999 calls to the walking group",
        "When the team first made contact, this client was calling 999 most nights, frightened "
        "and alone since a bereavement. Their case manager phoned every week at first and "
        "helped them try a local walking group. A volunteer befriender now visits each week. "
        "By the end of support the night-time calls had stopped, and the client says the phone "
        "is now for friends.",
    ),
    Story(
        "A safe place to sleep",
        "Behind on rent and sleeping badly, this client went to A&E when the nights felt "
        "unsafe. The team went with them to the housing office, got a long-standing repair "
        "done and linked them with a debt adviser. With a settled home and a plan for money "
        "worries, the attendances fell away, and they now volunteer at a food bank.",
    ),
    Story(
        "Pain, fear and a plan",
        "Chest pain at night brought this client to the emergency department again and again; "
        "every test was clear but the fear was not. The case manager and the practice agreed a "
        "pain plan, and psychological support helped with the panic. The client now follows "
        "the crisis plan and calls the case manager or the crisis line before an ambulance.",
    ),
    Story(
        "Someone to talk football with",
        "Living alone after retiring, this client rang 111 several times a day. They wanted "
        "company more than advice. A befriender who shares their love of football visits every "
        "week, and they have joined a lunch club. The calls to 111 have almost stopped.",
    ),
    Story(
        "Getting back in touch with family",
        "This client's attendances rose after losing touch with their family. Over several "
        "months the case manager helped them write to a brother they had not seen for years. "
        "Family visits, a weekly art class and regular calls from the team replaced most of "
        "the trips to A&E.",
    ),
    Story(
        "Cutting down, step by step",
        "Drinking more when the pain was bad led to falls and ambulance call-outs. The client "
        "agreed to see a drug and alcohol service, and the team went with them to the first "
        "appointment. They now have a physiotherapy plan for the pain and go to a recovery "
        "group. The ambulance call-outs have stopped.",
    ),
    Story(
        "Learning to manage the panic",
        "Panic attacks felt like a heart attack, so this client called 999. Six sessions of "
        "cognitive behavioural therapy taught them what was happening and what helps. The "
        "emergency department follows an agreed plan when they do attend, and they have not "
        "needed an ambulance since the sessions ended.",
    ),
    Story(
        "Money worries eased",
        "Letters about debt kept this client awake and anxious, and the emergency department "
        "felt like the only place that would listen. The team referred them for debt advice, "
        "helped them claim the benefits they were owed and agreed a payment plan with their "
        "energy supplier. They now sleep through most nights.",
    ),
    Story(
        "A reason to go out",
        "After a long illness this client rarely left home and phoned for help when the days "
        "felt empty. With the team's support they joined a community gardening project, where "
        "they now help on two mornings a week. Calls to urgent care have fallen sharply.",
    ),
    Story(
        "Back on track after a setback",
        "Support had ended well when a hard winter brought the calls back. Because the team "
        "kept an eye on activity after stepping down, the case manager saw the change quickly "
        "and reopened support. A short spell of weekly calls and a renewed crisis plan settled "
        "things again.",
    ),
)
#: Of the case studies, the newest few are written in the demo's last quarter.
RECENT = 3


def add_case_studies(service: Service, team: DemoTeam, today: dt.date) -> int:
    """Case studies for the most recently stepped-down clients, written through the same
    service as the page (which refuses a story naming its client). A story that holds any
    demo client's identifiers is skipped: the report's tests scan for all of them. Returns how
    many were written."""
    if CaseStudy.objects.filter(client__service=service).exists():
        return 0
    stepped = list(
        Episode.objects.filter(client__service=service, stepped_down_on__isnull=False)
        .select_related("client", "client__case_manager")
        .order_by("-stepped_down_on", "client__nhs_number")[: len(STORIES)]
    )
    people = [case_studies.person_identifiers(c) for c in Client.objects.filter(service=service)]
    stories = [s for s in STORIES if not anyone_in(f"{s.title}\n{s.text}", people)]
    written = 0
    with transaction.atomic():
        for index, (episode, story) in enumerate(zip(stepped, stories, strict=False)):
            _case_study(episode, story, team, today, index, last=len(stepped) - 1)
            written += 1
    return written


def _case_study(
    episode: Episode, story: Story, team: DemoTeam, today: dt.date, index: int, last: int
) -> None:
    client = episode.client
    assert episode.stepped_down_on is not None
    rng = seeded(client.nhs_number, 11)
    by = client.case_manager or team.lead
    if index < RECENT:
        # The newest, in the last quarter: the report for it has stories to show.
        written_on = today - dt.timedelta(days=rng.randint(5, 75))
    else:
        written_on = episode.stepped_down_on + dt.timedelta(days=rng.randint(10, 40))
    written_on = min(today, max(written_on, episode.stepped_down_on))
    made = case_studies.write_case_study(
        client, by=by, title=story.title, text=story.text, written_on=written_on
    )
    given_on = min(today, written_on + dt.timedelta(days=rng.randint(0, 10)))
    way = ConsentWay.WRITTEN if rng.random() < 0.6 else ConsentWay.VERBAL
    case_studies.record_consent(made, by=by, given_on=given_on, way=way)
    if index == last - 1 and last >= 2:
        return  # consent given, but the team keeps this one back: not shareable
    case_studies.set_shareable(made, by=team.lead, shareable=True)
    if index == last and last >= 2:
        case_studies.withdraw_consent(made, by=by, on=min(today, given_on + dt.timedelta(days=20)))
