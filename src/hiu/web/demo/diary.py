"""The demo's diary: each case manager's bookings from last week to next, relative to today, so
the week views look like a working team's (a few home visits and calls a day, one with a second
worker, one cancelled, past ones done or not attended)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from hiu.web.accounts.models import Service
from hiu.web.clients.models import Client
from hiu.web.demo.factories import make_booking
from hiu.web.demo.service import DemoTeam
from hiu.web.demo.timeline import at, seeded
from hiu.web.diary.models import Booking, Kind, Status
from hiu.web.diary.services import home_location
from hiu.web.episodes.phases import Phase

#: Working days from a week ago to a week ahead.
DAYS_BACK, DAYS_AHEAD = 7, 9
PER_WORKER_PER_DAY = 2


def add_bookings(service: Service, team: DemoTeam, today: dt.date) -> int:
    """Bookings for each case manager's engaged and holding clients. Returns how many."""
    if Booking.objects.filter(client__service=service).exists():
        return 0
    made = 0
    with transaction.atomic():
        for worker_index, worker in enumerate(team.managers):
            clients = list(
                Client.objects.filter(
                    service=service,
                    case_manager=worker,
                    episodes__phase__in=[Phase.ENGAGED, Phase.HOLDING],
                )
                .distinct()
                .order_by("nhs_number")
            )
            if not clients:
                continue
            turn = 0
            for offset in range(-DAYS_BACK, DAYS_AHEAD + 1):
                day = today + dt.timedelta(days=offset)
                if day.weekday() >= 5:  # no weekend bookings
                    continue
                for slot in range(PER_WORKER_PER_DAY):
                    client = clients[turn % len(clients)]
                    turn += 1
                    rng = seeded(client.nhs_number, 40 + offset)
                    home = rng.random() < 0.6
                    kind = Kind.HOME_VISIT if home else Kind.PHONE_CALL
                    starts = at(day, 10 + 3 * slot + worker_index % 2, rng.choice((0, 30)))
                    status = Status.BOOKED
                    reason = ""
                    if day < today:
                        status = Status.DONE if rng.random() < 0.85 else Status.DID_NOT_ATTEND
                    elif rng.random() < 0.08:
                        status, reason = Status.CANCELLED, "Client asked to rearrange"
                    make_booking(
                        client,
                        worker,
                        starts_at=starts,
                        minutes=60 if home else 20,
                        kind=kind,
                        status=status,
                        cancel_reason=reason,
                        location=home_location(client) if home else "",
                        escort=team.lead if home and turn % 7 == 0 else None,
                        notes="Review the plan together" if home else "Weekly check-in call",
                    )
                    made += 1
    return made
