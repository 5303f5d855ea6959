"""Correcting case studies (ADR 0019): a story is marked entered in error or moved by the lead
to the right client; its words are changed by "Change the case study", not by an amendment.
One marked in error leaves the client's tab (shown again, struck through, on asking), the
service's list and the report's stories (and so KPI 4.1's count); moving one takes the right
client's open episode and the report checks its words against the right client."""

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
from hiu.web.casestudies.models import CaseStudy, ConsentWay
from hiu.web.casestudies.querysets import case_studies_of
from hiu.web.casestudies.services import record_consent, set_shareable, write_case_study
from hiu.web.clients.models import Client
from hiu.web.corrections.models import Correction, CorrectionAction
from hiu.web.corrections.registry import kind_named
from hiu.web.corrections.services import mark_in_error, move
from hiu.web.episodes.models import Episode
from hiu.web.episodes.phases import WayIn
from hiu.web.episodes.services import open_episode
from hiu.web.reports.gather_casework import stories

pytestmark = pytest.mark.db_engine


def _ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


@pytest.fixture
def lead(staff: dict[Role, User]) -> User:
    return staff[Role.SERVICE_LEAD]


@pytest.fixture
def written(make_client: Callable[..., Client], service: Service, lead: User) -> CaseStudy:
    client = make_client(service)
    open_episode(client, by=lead, way_in=WayIn.REFERRED)
    story = write_case_study(
        client,
        by=lead,
        title="Back in touch with the GP",
        text="After a year of calls, they see their GP each month.",
        written_on=_ago(10),
    )
    record_consent(story, by=lead, given_on=_ago(9), way=ConsentWay.WRITTEN)
    return set_shareable(story, by=lead, shareable=True)


def test_a_story_in_error_leaves_the_reports_stories(
    written: CaseStudy, service: Service, lead: User
) -> None:
    assert [s.title for s in stories(service)] == ["Back in touch with the GP"]
    mark_in_error(kind_named("case_study"), written, reason="Written by mistake", by=lead)
    assert stories(service) == ()


def test_a_story_in_error_leaves_the_services_list(
    written: CaseStudy, service: Service, lead: User
) -> None:
    assert list(case_studies_of(service)) == [written]
    mark_in_error(kind_named("case_study"), written, reason="Written by mistake", by=lead)
    assert list(case_studies_of(service)) == []
    assert CaseStudy.all_with_errors.get(pk=written.pk).in_error


def test_the_tab_hides_a_story_in_error_and_shows_it_struck_through_on_asking(
    written: CaseStudy,
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
) -> None:
    http = signed_in(staff[Role.CASE_MANAGER])
    tab = reverse("casestudies:client", args=[written.client_id])
    entry = reverse("corrections:entry", args=[written.client_id, "case_study", written.pk])
    assert entry in http.get(tab).content.decode()
    url = reverse("corrections:in_error", args=[written.client_id, "case_study", written.pk])
    response = http.post(url, {"reason": "Written by mistake"})
    assert response.status_code == 302
    assert response["Location"] == tab
    page = http.get(tab).content.decode()
    assert "Back in touch with the GP" not in page
    assert "Show case studies marked in error (1)" in page
    shown = http.get(tab + "?in_error=show").content.decode()
    assert "<s>Back in touch with the GP" in shown
    assert "Written by mistake" in shown
    event = AuditEvent.objects.filter(
        action=Action.UPDATE_CLIENT, object_id=str(written.client_id)
    ).latest("id")
    assert event.detail == {
        "correction": "entered_in_error",
        "kind": "case_study",
        "entry": written.pk,
    }
    # Its own pages (change, consent, sharing) no longer open.
    edit = reverse("casestudies:edit", args=[written.client_id, written.pk])
    assert http.get(edit).status_code == 404


def test_the_lead_moves_a_story_to_the_right_client_with_their_open_episode(
    written: CaseStudy,
    make_client: Callable[..., Client],
    service: Service,
    lead: User,
) -> None:
    right = make_client(service)
    episode = open_episode(right, by=lead, way_in=WayIn.REFERRED)
    wrong = written.client
    move(kind_named("case_study"), written, right, reason="Filed on the wrong client", by=lead)
    moved = CaseStudy.objects.get(pk=written.pk)
    assert moved.client == right
    assert moved.episode == Episode.objects.get(pk=episode.pk)
    assert not wrong.case_studies.exists()
    out = Correction.objects.get(client=wrong, kind="case_study")
    assert out.action == CorrectionAction.MOVED_OUT
    # The report checks the story against the client it now belongs to.
    assert [s.title for s in stories(service)] == ["Back in touch with the GP"]
