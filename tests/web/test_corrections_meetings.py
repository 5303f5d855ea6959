"""Correcting team meetings (ADR 0019): a meeting is only ever marked entered in error (then
recorded again), never amended nor moved, as it is on no one client's record. One marked in
error leaves the list, a client's summary line and the report's meeting counts; its page and
the list's "Show meetings marked in error" keep it, struck through. Audited as the service's
(RECORD_MEETING with the kind and id, never the reason)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from hiu.web.accounts.models import Service
from hiu.web.accounts.roles import Role
from hiu.web.audit.models import Action, AuditEvent
from hiu.web.clients.models import Client
from hiu.web.corrections.models import Correction, CorrectionAction
from hiu.web.corrections.registry import kind_named
from hiu.web.corrections.services import mark_in_error, move
from hiu.web.episodes.phases import WayIn
from hiu.web.episodes.services import open_episode
from hiu.web.meetings.models import Meeting, MeetingKind
from hiu.web.meetings.presenters import discussed_line
from hiu.web.meetings.services import record_meeting
from hiu.web.refused import Refused
from hiu.web.reports.gather_casework import meetings as report_meetings

pytestmark = pytest.mark.db_engine


def _ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


@pytest.fixture
def lead(staff: dict[Role, User]) -> User:
    return staff[Role.SERVICE_LEAD]


@pytest.fixture
def discussed(make_client: Callable[..., Client], service: Service, lead: User) -> Client:
    client = make_client(service)
    open_episode(client, by=lead, way_in=WayIn.REFERRED)
    return client


def _meetings(service: Service, lead: User, client: Client) -> tuple[Meeting, Meeting]:
    kept = record_meeting(
        service,
        by=lead,
        held_on=_ago(20),
        kind=MeetingKind.WIDER_MDT,
        organisations="Homerton A&E",
        clients=[client],
    )
    wrong = record_meeting(
        service,
        by=lead,
        held_on=_ago(5),
        kind=MeetingKind.WIDER_MDT,
        organisations="Homerton A&E",
        clients=[client],
    )
    return kept, wrong


def test_a_meeting_in_error_leaves_the_report_meetings(
    service: Service, lead: User, discussed: Client
) -> None:
    kept, wrong = _meetings(service, lead, discussed)
    assert len(report_meetings(service)) == 2
    mark_in_error(kind_named("meeting"), wrong, reason="Recorded twice", by=lead)
    facts = report_meetings(service)
    assert [(m.held_on, m.client_ids) for m in facts] == [(kept.held_on, frozenset({discussed.pk}))]


def test_a_meeting_in_error_leaves_the_clients_summary_line(
    service: Service, lead: User, discussed: Client
) -> None:
    kept, wrong = _meetings(service, lead, discussed)
    assert discussed_line(discussed).startswith("Discussed at 2 team meetings")
    mark_in_error(kind_named("meeting"), wrong, reason="Recorded twice", by=lead)
    line = discussed_line(discussed)
    assert line.startswith("Discussed at 1 team meeting (latest")
    assert str(kept.held_on.year) in line


def test_a_meeting_is_never_moved_nor_on_a_clients_record(
    service: Service, lead: User, discussed: Client, make_client: Callable[..., Client]
) -> None:
    _, wrong = _meetings(service, lead, discussed)
    kind = kind_named("meeting")
    assert kind.client_of(wrong) is None
    assert not kind.fields
    with pytest.raises(Refused):
        move(kind, wrong, make_client(service), reason="Wrong", by=lead)


def test_marking_one_in_error_from_its_page_hides_it_from_the_list_and_audits_kind_and_id(
    service: Service,
    lead: User,
    discussed: Client,
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
) -> None:
    kept, wrong = _meetings(service, lead, discussed)
    http = signed_in(staff[Role.CASE_MANAGER])
    page = http.get(reverse("meetings:detail", args=[wrong.pk])).content.decode()
    assert reverse("meetings:in_error", args=[wrong.pk]) in page
    url = reverse("meetings:in_error", args=[wrong.pk])
    assert http.get(url).status_code == 200
    refused = http.post(url, {"reason": ""})
    assert refused.status_code == 200
    assert "Enter" in refused.content.decode()
    response = http.post(url, {"reason": "Recorded twice by mistake"})
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:list")
    wrong = Meeting.all_with_errors.get(pk=wrong.pk)
    assert wrong.in_error
    assert wrong.entered_in_error_by == staff[Role.CASE_MANAGER]
    row = Correction.objects.get(kind="meeting", entry_id=wrong.pk)
    assert row.client is None
    assert row.action == CorrectionAction.ENTERED_IN_ERROR
    event = AuditEvent.objects.filter(action=Action.RECORD_MEETING).latest("id")
    assert event.object_type == "meeting"
    assert event.object_id == str(wrong.pk)
    assert event.detail == {"correction": "entered_in_error", "kind": "meeting", "entry": wrong.pk}
    assert "Recorded twice" not in str(event.detail)

    listed = http.get(reverse("meetings:list")).content.decode()
    assert reverse("meetings:detail", args=[kept.pk]) in listed
    assert reverse("meetings:detail", args=[wrong.pk]) not in listed
    assert "Show meetings marked in error (1)" in listed
    shown = http.get(reverse("meetings:list") + "?in_error=1").content.decode()
    assert reverse("meetings:detail", args=[wrong.pk]) in shown
    assert "Recorded twice by mistake" in shown

    # Its page keeps it, struck through, with its history; it cannot be marked twice.
    page = http.get(reverse("meetings:detail", args=[wrong.pk])).content.decode()
    assert "Entered in error" in page
    assert "Marked entered in error" in page
    assert reverse("meetings:in_error", args=[wrong.pk]) not in page
    assert http.post(url, {"reason": "Again"}).status_code == 302
    assert Correction.objects.filter(kind="meeting", entry_id=wrong.pk).count() == 1


def test_another_services_meeting_cannot_be_marked_in_error(
    lead: User,
    other_service: Service,
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
) -> None:
    theirs = Meeting.objects.create(
        service=other_service, held_on=_ago(3), kind=MeetingKind.REFERRAL
    )
    http = signed_in(staff[Role.SERVICE_LEAD])
    url = reverse("meetings:in_error", args=[theirs.pk])
    assert http.get(url).status_code == 404
    assert http.post(url, {"reason": "Not ours"}).status_code == 404
    assert Meeting.objects.get(pk=theirs.pk).entered_in_error_at is None


@pytest.mark.parametrize("name", ["entry", "amend", "in_error", "move"])
def test_the_client_record_correction_pages_do_not_reach_a_meeting(
    service: Service,
    lead: User,
    discussed: Client,
    signed_in: Callable[[User], HttpClient],
    name: str,
) -> None:
    _, wrong = _meetings(service, lead, discussed)
    url = reverse(f"corrections:{name}", args=[discussed.pk, "meeting", wrong.pk])
    http = signed_in(lead)
    assert http.get(url).status_code == 404
    assert http.post(url, {"reason": "Twice"}).status_code == 404
    assert Meeting.objects.filter(pk=wrong.pk).exists()
