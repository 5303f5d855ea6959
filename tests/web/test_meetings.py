"""Team meetings (000 §2.3.7): recording one with the clients discussed, the errors the form
gives, the list and a meeting's page, and the line on a client's summary."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone
from tables_support import without_phone_headings

from hiu.web.accounts.models import Service
from hiu.web.accounts.roles import Role
from hiu.web.clients.models import Client
from hiu.web.episodes.phases import Phase, WayIn
from hiu.web.episodes.services import move, open_episode
from hiu.web.meetings import services
from hiu.web.meetings.models import Meeting, MeetingKind
from hiu.web.meetings.presenters import discussed_line

pytestmark = pytest.mark.db_engine

TODAY = timezone.localdate()


def held_on(day: dt.date) -> dict[str, str]:
    return {
        "held_on_day": str(day.day),
        "held_on_month": str(day.month),
        "held_on_year": str(day.year),
    }


@pytest.fixture
def manager(staff: dict[Role, User], signed_in: Callable[[User], HttpClient]) -> HttpClient:
    return signed_in(staff[Role.CASE_MANAGER])


@pytest.fixture
def make_open(
    make_client: Callable[..., Client], service: Service, staff: dict[Role, User]
) -> Callable[..., Client]:
    def make(**fields: Any) -> Client:
        client = make_client(service, **fields)
        open_episode(client, by=staff[Role.SERVICE_LEAD], way_in=WayIn.REFERRED)
        return client

    return make


def test_it_offers_clients_with_an_open_episode_by_family_name(
    manager: HttpClient,
    make_open: Callable[..., Client],
    make_client: Callable[..., Client],
    service: Service,
    staff: dict[Role, User],
) -> None:
    make_open(given_name="Ann", family_name="Young", nhs_number="9990000001")
    make_open(given_name="Bob", family_name="Adams", nhs_number="9990000002")
    closed = make_client(service, given_name="Cy", family_name="Closed")
    episode = open_episode(closed, by=staff[Role.SERVICE_LEAD], way_in=WayIn.REFERRED)
    move(episode, Phase.CLOSED, by=staff[Role.SERVICE_LEAD], reason="Moved away")
    make_client(service, given_name="Di", family_name="Neverseen")  # no episode at all
    page = manager.get(reverse("meetings:new")).content.decode()
    assert page.index("Adams, Bob (NHS number 999 000 0002)") < page.index(
        "Young, Ann (NHS number 999 000 0001)"
    )
    assert "Closed" not in page
    assert "Neverseen" not in page


def test_a_case_manager_records_a_wider_mdt_with_two_clients(
    manager: HttpClient, make_open: Callable[..., Client], staff: dict[Role, User]
) -> None:
    first, second, left_out = make_open(), make_open(), make_open()
    day = TODAY - dt.timedelta(days=3)
    response = manager.post(
        reverse("meetings:new"),
        {
            **held_on(day),
            "kind": "wider_mdt",
            "organisations": (
                "Homerton A&E\n\n  London Ambulance   Service \nhomerton a&e\nAdult social care"
            ),
            "clients": [str(second.pk), str(first.pk)],
        },
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert (meeting.held_on, meeting.kind, meeting.recorded_by) == (
        day,
        MeetingKind.WIDER_MDT,
        staff[Role.CASE_MANAGER],
    )
    # One a line, spaces tidied, the repeat taken out.
    assert meeting.organisation_list == [
        "Homerton A&E",
        "London Ambulance Service",
        "Adult social care",
    ]
    assert set(meeting.clients.all()) == {first, second}

    page = manager.get(response["Location"]).content.decode()
    assert "Wider MDT recorded" in page
    assert f"{first.family_name}, {first.given_name}" in page
    assert reverse("clients:detail", kwargs={"client_id": first.pk}) in page
    assert left_out.family_name not in page


def test_a_meeting_may_discuss_no_client(manager: HttpClient) -> None:
    response = manager.post(reverse("meetings:new"), {**held_on(TODAY), "kind": "referral"})
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert (meeting.kind, meeting.clients.count(), meeting.organisations) == ("referral", 0, "")
    page = manager.get(response["Location"]).content.decode()
    assert "No clients were recorded as discussed." in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": "wider_mdt"}, "held_on-day", "Enter the date of the meeting"),
        (
            {"kind": "wider_mdt", **held_on(TODAY + dt.timedelta(days=1))},
            "held_on-day",
            "The date of the meeting must be today or in the past",
        ),
        (
            {
                "kind": "wider_mdt",
                "held_on_day": "31",
                "held_on_month": "2",
                "held_on_year": "2026",
            },
            "held_on-day",
            "The date of the meeting must be a real date",
        ),
        (held_on(TODAY), "kind", "Select the kind of meeting"),
        ({"kind": "coffee", **held_on(TODAY)}, "kind", "Select the kind of meeting"),
    ],
)
def test_the_form_names_the_field_that_is_wrong(
    manager: HttpClient, data: dict[str, str], field: str, message: str
) -> None:
    response = manager.post(reverse("meetings:new"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert f'href="#{field}"' in page
    assert not Meeting.objects.exists()


def test_the_list_shows_the_latest_first_with_the_number_discussed(
    manager: HttpClient, make_open: Callable[..., Client], service: Service, staff: dict[Role, User]
) -> None:
    clients = [make_open() for _ in range(3)]
    lead = staff[Role.SERVICE_LEAD]
    services.record_meeting(
        service,
        by=lead,
        held_on=dt.date(2026, 7, 2),
        kind="referral",
        organisations="ELFT psychiatric liaison",
        clients=clients[:1],
    )
    services.record_meeting(
        service,
        by=lead,
        held_on=dt.date(2026, 9, 4),
        kind="wider_mdt",
        organisations="Homerton A&E\nLondon Ambulance Service",
        clients=clients,
    )
    page = manager.get(reverse("meetings:list")).content.decode()
    assert page.index("4 September 2026") < page.index("2 July 2026")
    assert "Homerton A&amp;E, London Ambulance Service" in page
    table = without_phone_headings(page)
    cells = [
        c.split("</td>")[0].strip()
        for c in table.split('nhsuk-table__cell--numeric" role="cell">')[1:]
    ]
    assert cells == ["3", "1"]
    for client in clients:
        assert client.family_name not in page
    assert discussed_line(clients[0]) == "Discussed at 2 team meetings (latest 4 September 2026)"
    assert discussed_line(clients[1]) == "Discussed at 1 team meeting (latest 4 September 2026)"
    assert discussed_line(make_open()) == ""


def test_the_clients_summary_says_how_often_the_team_discussed_them(
    manager: HttpClient, make_open: Callable[..., Client], service: Service, staff: dict[Role, User]
) -> None:
    client = make_open()
    services.record_meeting(
        service,
        by=staff[Role.SERVICE_LEAD],
        held_on=dt.date(2026, 9, 4),
        kind="wider_mdt",
        organisations="",
        clients=[client],
    )
    page = manager.get(reverse("clients:detail", kwargs={"client_id": client.pk})).content
    assert b"Discussed at 1 team meeting (latest 4 September 2026)" in page


def test_the_service_refuses_what_the_form_would(
    make_open: Callable[..., Client],
    make_client: Callable[..., Client],
    service: Service,
    other_service: Service,
    staff: dict[Role, User],
) -> None:
    lead = staff[Role.SERVICE_LEAD]

    def attempt(**changes: Any) -> None:
        values: dict[str, Any] = {
            "by": lead,
            "held_on": TODAY,
            "kind": "wider_mdt",
            "organisations": "",
            "clients": [],
        }
        values.update(changes)
        services.record_meeting(service, **values)

    with pytest.raises(services.Refused, match="today or in the past"):
        attempt(held_on=TODAY + dt.timedelta(days=1))
    with pytest.raises(services.Refused, match="kind of meeting"):
        attempt(kind="coffee")
    with pytest.raises(services.Refused, match="your own service"):
        attempt(clients=[make_client(other_service)])
    with pytest.raises(services.Refused, match="open episode"):
        attempt(clients=[make_client(service)])
    assert not Meeting.objects.exists()
