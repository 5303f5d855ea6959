"""The demo team's meetings: a referral meeting every fortnight and a wider MDT every month over
the demo's last year, each discussing between 3 and 12 of the clients whose support was open
that day (what the quarterly report counts). Deterministic for a given caseload; a service that
has meetings already is left as it is."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from hiu.web.accounts.models import Service
from hiu.web.demo.service import DemoTeam
from hiu.web.episodes.models import Episode
from hiu.web.meetings.models import Meeting, MeetingKind

#: How far back the demo's meetings go.
MEETINGS_FOR_DAYS = 365
FORTNIGHT = dt.timedelta(days=14)
DISCUSSED = (3, 12)
#: Referral meetings are on Tuesdays, wider MDTs on the first Thursday of the month.
TUESDAY, THURSDAY = 1, 3
REFERRAL_ORGANISATIONS = (
    "Homerton A&E",
    "London Ambulance Service",
    "ELFT psychiatric liaison",
)
MDT_ORGANISATIONS = (
    *REFERRAL_ORGANISATIONS,
    "Adult social care",
    "Housing options team",
    "GP federation",
    "Drug and alcohol service",
    "Citizens Advice",
    "Police vulnerability team",
)


def add_meetings(service: Service, team: DemoTeam, today: dt.date) -> int:
    """Referral meetings every fortnight and a wider MDT every month up to ``today``, each
    discussing clients whose support was open that day. Returns how many were made."""
    if Meeting.objects.filter(service=service).exists():
        return 0
    episodes = list(
        Episode.objects.filter(client__service=service).only(
            "client_id", "opened_on", "stepped_down_on", "closed_on"
        )
    )
    if not episodes:
        return 0
    start = max(today - dt.timedelta(days=MEETINGS_FOR_DAYS), min(e.opened_on for e in episodes))
    days = [(day, MeetingKind.REFERRAL) for day in _fortnightly(start, today)]
    days += [(day, MeetingKind.WIDER_MDT) for day in _monthly(start, today)]
    made = 0
    with transaction.atomic():
        for index, (day, kind) in enumerate(sorted(days)):
            _meeting(service, team, day, kind, episodes, index)
            made += 1
    return made


def _fortnightly(start: dt.date, end: dt.date) -> list[dt.date]:
    day = start + dt.timedelta(days=(TUESDAY - start.weekday()) % 7)
    found = []
    while day <= end:
        found.append(day)
        day += FORTNIGHT
    return found


def _monthly(start: dt.date, end: dt.date) -> list[dt.date]:
    found = []
    month = start.replace(day=1)
    while month <= end:
        day = month + dt.timedelta(days=(THURSDAY - month.weekday()) % 7)
        if start <= day <= end:
            found.append(day)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return found


def _open_on(episode: Episode, day: dt.date) -> bool:
    """Whether the client was being supported that day: accepted, not yet stepped down or
    closed. (Stepped-down clients are followed up, but not brought to meetings.)"""
    ended = episode.stepped_down_on or episode.closed_on
    return episode.opened_on <= day and (ended is None or day < ended)


def _meeting(
    service: Service,
    team: DemoTeam,
    day: dt.date,
    kind: MeetingKind,
    episodes: list[Episode],
    index: int,
) -> None:
    # Made directly rather than through meetings.services: that service takes only clients
    # whose support is open today, and the demo's meetings are history.
    rng = random.Random(f"{service.pk}-{day.isoformat()}-{kind}")
    open_ids = sorted({e.client_id for e in episodes if _open_on(e, day)})
    count = min(len(open_ids), rng.randint(*DISCUSSED))
    chosen = rng.sample(open_ids, k=count)
    if kind == MeetingKind.WIDER_MDT:
        extra = rng.sample(MDT_ORGANISATIONS[3:], k=rng.randint(2, len(MDT_ORGANISATIONS) - 3))
        organisations = [*REFERRAL_ORGANISATIONS, *sorted(extra)]
        by = team.lead
    else:
        organisations = list(REFERRAL_ORGANISATIONS[: rng.randint(1, 3)])
        by = team.managers[index % len(team.managers)] if team.managers else team.lead
    meeting = Meeting.objects.create(
        service=service,
        held_on=day,
        kind=kind,
        organisations="\n".join(organisations),
        recorded_by=by,
        recorded_by_username=by.get_username(),
    )
    meeting.clients.set(chosen)
