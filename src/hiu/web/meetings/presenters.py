"""What the meeting pages show: the list's rows, one meeting with the clients discussed, and
the line on a client's summary saying how often the team discussed them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Max
from django.urls import reverse

from hiu.web.clients.models import Client
from hiu.web.corrections.models import Correction
from hiu.web.corrections.registry import kind_named
from hiu.web.corrections.services import history_of
from hiu.web.formatting import (
    display_name,
    display_username,
    format_date,
    format_nhs_number,
)
from hiu.web.meetings.models import Meeting
from hiu.web.meetings.querysets import discussed_in


def recorded_by(meeting: Meeting) -> str:
    user = meeting.recorded_by
    if user is not None:
        return display_name(user)
    return (
        display_username(meeting.recorded_by_username)
        if meeting.recorded_by_username
        else "Not known"
    )


@dataclass(frozen=True)
class MeetingRow:
    meeting: Meeting
    discussed: int
    organisations: str  # joined with commas for the list
    url: str


def meeting_rows(meetings: list[Meeting]) -> list[MeetingRow]:
    """Rows of the list; each meeting carries ``discussed`` (``meetings_of`` annotates it)."""
    return [
        MeetingRow(
            meeting=meeting,
            discussed=int(getattr(meeting, "discussed", 0)),
            organisations=", ".join(meeting.organisation_list) or "None recorded",
            url=reverse("meetings:detail", kwargs={"meeting_id": meeting.pk}),
        )
        for meeting in meetings
    ]


@dataclass(frozen=True)
class DiscussedClient:
    client_id: int
    name: str
    nhs_number: str
    url: str


@dataclass(frozen=True)
class MeetingPage:
    meeting: Meeting
    recorded_by: str
    clients: list[DiscussedClient]
    # Its corrections (ADR 0019), newest first: a meeting is only ever marked in error.
    history: list[Correction]

    @property
    def client_ids(self) -> list[int]:
        return [c.client_id for c in self.clients]


def meeting_page(meeting: Meeting) -> MeetingPage:
    clients = discussed_in(meeting)
    return MeetingPage(
        meeting=meeting,
        recorded_by=recorded_by(meeting),
        history=history_of(kind_named("meeting"), meeting),
        clients=[
            DiscussedClient(
                client_id=client.pk,
                name=f"{client.family_name}, {client.given_name}",
                nhs_number=format_nhs_number(client.nhs_number),
                url=reverse("clients:detail", kwargs={"client_id": client.pk}),
            )
            for client in clients
        ],
    )


def discussed_line(client: Client) -> str:
    """ "Discussed at 3 team meetings (latest 4 September 2026)", or "" if never. Meetings
    marked entered in error are left out (the reverse relation uses the default manager)."""
    found = client.meetings.aggregate(n=Count("pk"), latest=Max("held_on"))
    count = int(found["n"] or 0)
    latest: dt.date | None = found["latest"]
    if count == 0 or latest is None:
        return ""
    meetings = "team meeting" if count == 1 else "team meetings"
    return f"Discussed at {count} {meetings} (latest {format_date(latest)})"
