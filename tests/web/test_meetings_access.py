"""Who can open the team meeting pages, and what each visit writes to the audit log.

The table is the specification: every page in the "meetings" namespace must be in it. The
pages are the team's (service lead, case managers, data coordinator) and show only their own
service's meetings: another service's meeting is a 404 that discloses nothing. Opening a
meeting names the clients discussed, so it is audited with their ids.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from access_support import declared_roles, http_cases, named_urls, table_cases
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from hiu.web.accounts.models import Service
from hiu.web.accounts.roles import Role
from hiu.web.audit.models import Action, AuditEvent
from hiu.web.clients.models import Client
from hiu.web.episodes.phases import WayIn
from hiu.web.episodes.services import open_episode
from hiu.web.meetings.models import Meeting, MeetingKind

TODAY = timezone.localdate()
TEAM: frozenset[Role] = frozenset({Role.SERVICE_LEAD, Role.CASE_MANAGER, Role.DATA_COORDINATOR})
TEAM_ROLES = sorted(TEAM, key=lambda r: r.name)
PAGES = {"meetings:list", "meetings:new", "meetings:detail", "meetings:in_error"}


def held_on(day: dt.date) -> dict[str, str]:
    return {
        "held_on_day": str(day.day),
        "held_on_month": str(day.month),
        "held_on_year": str(day.year),
    }


@pytest.fixture
def open_client(
    make_client: Callable[..., Client], service: Service, staff: dict[Role, User]
) -> Client:
    client = make_client(service)
    open_episode(client, by=staff[Role.SERVICE_LEAD], way_in=WayIn.REFERRED)
    return client


def a_meeting(service: Service, *clients: Client) -> Meeting:
    meeting = Meeting.objects.create(service=service, held_on=TODAY, kind=MeetingKind.WIDER_MDT)
    meeting.clients.set(clients)
    return meeting


def url_of(name: str, meeting: Meeting) -> str:
    if name in ("meetings:detail", "meetings:in_error"):
        return reverse(name, kwargs={"meeting_id": meeting.pk})
    return reverse(name)


def test_every_meetings_page_is_in_the_access_table() -> None:
    assert named_urls("meetings") == PAGES


@pytest.mark.parametrize("url_name", sorted(PAGES))
def test_signed_out_people_are_sent_to_sign_in(
    client: HttpClient, service: Service, url_name: str
) -> None:
    url = url_of(url_name, a_meeting(service))
    for response in (client.get(url), client.post(url, {})):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:sign_in"))


@pytest.mark.parametrize(("url_name", "roles"), table_cases(dict.fromkeys(PAGES, TEAM)))
def test_each_page_declares_the_roles_in_the_table(url_name: str, roles: frozenset[Role]) -> None:
    assert declared_roles(url_name) == roles


@pytest.mark.parametrize(("url_name", "allowed", "refused"), http_cases(dict.fromkeys(PAGES, TEAM)))
@pytest.mark.db_engine
def test_the_team_opens_the_meeting_pages_and_no_one_else(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    service: Service,
    open_client: Client,
    url_name: str,
    allowed: Role,
    refused: Role,
) -> None:
    meeting = a_meeting(service, open_client)
    views = AuditEvent.objects.filter(action=Action.VIEW_MEETING)
    response = signed_in(staff[refused]).get(url_of(url_name, meeting))
    assert response.status_code == 403
    assert open_client.family_name.encode() not in response.content
    assert not views.exists()
    response = signed_in(staff[allowed]).get(url_of(url_name, meeting))
    assert response.status_code == 200
    # The list names no client, nor does marking a meeting in error; the form offers them;
    # the meeting's page names those discussed.
    named = open_client.family_name.encode() in response.content
    assert named == (url_name in ("meetings:new", "meetings:detail"))
    expected = [(staff[allowed], str(meeting.pk), {"clients": [open_client.pk]})]
    assert [(e.actor, e.object_id, e.detail) for e in views] == (
        expected if url_name == "meetings:detail" else []
    )


@pytest.mark.parametrize(("url_name", "allowed", "refused"), http_cases({"meetings:new": TEAM}))
@pytest.mark.db_engine
def test_the_team_records_a_meeting_and_it_is_audited(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    service: Service,
    open_client: Client,
    url_name: str,
    allowed: Role,
    refused: Role,
) -> None:
    data = {**held_on(TODAY), "kind": "referral", "clients": [str(open_client.pk)]}
    response = signed_in(staff[refused]).post(reverse(url_name), data)
    assert response.status_code == 403
    assert not Meeting.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.RECORD_MEETING).exists()
    response = signed_in(staff[allowed]).post(reverse(url_name), data)
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:detail", kwargs={"meeting_id": meeting.pk})
    event = AuditEvent.objects.get(action=Action.RECORD_MEETING)
    assert (event.actor, event.object_type, event.object_id, event.detail) == (
        staff[allowed],
        "meeting",
        str(meeting.pk),
        {"kind": "referral", "clients": [open_client.pk]},
    )


@pytest.mark.db_engine
def test_another_services_meeting_is_not_found_and_not_audited(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    make_client: Callable[..., Client],
    other_service: Service,
) -> None:
    theirs = make_client(other_service)
    meeting = a_meeting(other_service, theirs)
    for role in TEAM_ROLES:
        browser = signed_in(staff[role])
        response = browser.get(url_of("meetings:detail", meeting))
        assert response.status_code == 404, role
        assert theirs.family_name.encode() not in response.content
        listed = browser.get(reverse("meetings:list"))
        assert url_of("meetings:detail", meeting).encode() not in listed.content
    assert not AuditEvent.objects.filter(action=Action.VIEW_MEETING).exists()


@pytest.mark.db_engine
def test_another_services_client_cannot_be_recorded_as_discussed(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    make_client: Callable[..., Client],
    other_service: Service,
    make_user: Callable[..., User],
) -> None:
    theirs = make_client(other_service)
    open_episode(
        theirs, by=make_user("other_lead", Role.SERVICE_LEAD, other_service), way_in=WayIn.REFERRED
    )
    browser = signed_in(staff[Role.CASE_MANAGER])
    form = browser.get(reverse("meetings:new"))
    assert theirs.family_name.encode() not in form.content
    data = {**held_on(TODAY), "kind": "wider_mdt", "clients": [str(theirs.pk)]}
    response = browser.post(reverse("meetings:new"), data)
    assert response.status_code == 200
    assert "Select clients from the list" in response.content.decode()
    assert not Meeting.objects.exists()
