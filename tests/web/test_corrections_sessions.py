"""Correcting intervention sessions (ADR 0019): amend, and a session marked entered in error
leaves the intervention's counts, the caseload's session counts and the service report's
attended sessions. A session cannot be moved on its own."""

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
from hiu.web.clients.models import Client
from hiu.web.corrections.registry import kind_named
from hiu.web.corrections.services import amend, mark_in_error, move
from hiu.web.episodes.phases import Phase, WayIn
from hiu.web.episodes.services import open_episode
from hiu.web.interventions.models import Intervention, InterventionSession, SessionStatus
from hiu.web.interventions.presenters import intervention_detail, with_counts
from hiu.web.interventions.services import add_session, catalogue_for, make_intervention
from hiu.web.refused import Refused
from hiu.web.reports.gather_casework import interventions as report_interventions

pytestmark = pytest.mark.db_engine

CBT = "Cognitive behavioural therapy / motivational interviewing"


def _ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


@pytest.fixture
def lead(staff: dict[Role, User]) -> User:
    return staff[Role.SERVICE_LEAD]


@pytest.fixture
def intervention(
    make_client: Callable[..., Client], service: Service, staff: dict[Role, User]
) -> Intervention:
    manager = staff[Role.CASE_MANAGER]
    client = make_client(service, case_manager=manager)
    open_episode(client, by=manager, way_in=WayIn.REFERRED, phase=Phase.ENGAGED, on=_ago(60))
    return make_intervention(
        client,
        by=manager,
        type=catalogue_for(service).get(name=CBT),
        referred_on=_ago(50),
    )


def _sessions(intervention: Intervention, by: User) -> list[InterventionSession]:
    for days in (20, 10):
        add_session(intervention, by=by, on=_ago(days), status=SessionStatus.ATTENDED)
    return list(intervention.sessions.order_by("on"))


def test_a_session_in_error_leaves_every_count(
    service: Service, intervention: Intervention, lead: User
) -> None:
    first, _ = _sessions(intervention, lead)

    def counts() -> tuple[int, int, int]:
        annotated = with_counts(Intervention.objects.filter(pk=intervention.pk)).get()
        reported = next(
            f.attended_sessions
            for f in report_interventions(service)
            if f.episode_id == intervention.episode_id
        )
        return annotated.n_attended, intervention_detail(intervention).attended, reported

    assert counts() == (2, 2, 2)
    mark_in_error(kind_named("session"), first, reason="Recorded twice", by=lead)
    assert counts() == (1, 1, 1)


def test_amending_a_session_keeps_its_old_status(intervention: Intervention, lead: User) -> None:
    first, _ = _sessions(intervention, lead)
    correction = amend(
        kind_named("session"),
        first,
        {"status": SessionStatus.MISSED},
        reason="They did not come",
        by=lead,
    )
    assert correction.changes == [{"field": "Session", "old": "Attended", "new": "Missed"}]
    assert correction.client == intervention.client


def test_a_session_cannot_be_moved_on_its_own(
    make_client: Callable[..., Client], service: Service, intervention: Intervention, lead: User
) -> None:
    first, _ = _sessions(intervention, lead)
    with pytest.raises(Refused):
        move(kind_named("session"), first, make_client(service), reason="Wrong", by=lead)


def test_the_intervention_page_links_each_session_and_hides_those_in_error(
    signed_in: Callable[[User], HttpClient], intervention: Intervention, lead: User
) -> None:
    first, second = _sessions(intervention, lead)
    http = signed_in(lead)
    client_id = intervention.client_id
    url = reverse("interventions:detail", args=[intervention.pk])
    assert (
        reverse("corrections:entry", args=[client_id, "session", first.pk])
        in http.get(url).content.decode()
    )
    response = http.post(
        reverse("corrections:in_error", args=[client_id, "session", first.pk]),
        {"reason": "<script>x</script>"},
    )
    assert response.status_code == 302
    assert response["Location"] == url
    page = http.get(url).content.decode()
    assert "Show sessions marked in error (1)" in page
    shown = http.get(url + "?in_error=show").content.decode()
    assert "&lt;script&gt;x" in shown
    assert "<script>x" not in shown
    entry = http.get(reverse("corrections:entry", args=[client_id, "session", second.pk]))
    assert "Move it to another client" not in entry.content.decode()
