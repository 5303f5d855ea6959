"""Correcting experience questionnaires (PREMs, ADR 0019): the date and point in care are
amended; wrong answers are marked entered in error and recorded again. One marked in error
leaves the client's outcomes page (shown again, struck through, on asking), the positive
experience KPI and the service report's count of questionnaires completed; one on the wrong
client is moved by the lead."""

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
from hiu.web.corrections.services import amend, mark_in_error, move
from hiu.web.outcomes.kpis import outcome_figures, quarter_of
from hiu.web.outcomes.models import PointInCare, PremResponse
from hiu.web.reports.gather_results import outcome_facts

pytestmark = pytest.mark.db_engine

TODAY = timezone.localdate()


@pytest.fixture
def worker(staff: dict[Role, User]) -> User:
    return staff[Role.CASE_MANAGER]


@pytest.fixture
def person(make_client: Callable[..., Client], service: Service, worker: User) -> Client:
    return make_client(service, case_manager=worker)


def _prem(client: Client, by: User, positive: bool) -> PremResponse:
    return PremResponse.objects.create(
        client=client,
        version=0,
        completed_on=TODAY,
        point=PointInCare.STEP_DOWN,
        answers={},
        positive=positive,
        answered=1,
        recorded_by=by,
    )


def test_a_prem_in_error_leaves_the_positive_experience_kpi(
    person: Client, worker: User, service: Service
) -> None:
    _prem(person, worker, positive=False)
    wrong = _prem(person, worker, positive=True)

    def experience() -> tuple[int, int]:
        figures, _ = outcome_figures(service, quarter_of(TODAY))
        found = next(f for f in figures if f.title == "Positive experience")
        return found.met_count, found.denominator

    assert experience() == (1, 2)
    mark_in_error(kind_named("prem"), wrong, reason="Another client's answers", by=worker)
    assert experience() == (0, 1)


def test_a_prem_in_error_leaves_the_reports_count_completed(
    person: Client, worker: User, service: Service
) -> None:
    _prem(person, worker, positive=True)
    wrong = _prem(person, worker, positive=True)
    quarter = quarter_of(TODAY)
    assert outcome_facts(service, quarter).prems_completed == 2
    mark_in_error(kind_named("prem"), wrong, reason="Recorded twice", by=worker)
    assert outcome_facts(service, quarter).prems_completed == 1


def test_amending_a_prems_date_and_point_keeps_the_old_ones(person: Client, worker: User) -> None:
    response = _prem(person, worker, positive=True)
    day = TODAY - dt.timedelta(days=3)
    row = amend(
        kind_named("prem"),
        response,
        {"completed_on": day, "point": PointInCare.REVIEW},
        reason="Entered with the wrong date",
        by=worker,
    )
    assert row.action == CorrectionAction.AMENDED
    assert [c["field"] for c in row.changes] == ["Completed", "When in care"]
    response.refresh_from_db()
    assert (response.completed_on, response.point) == (day, PointInCare.REVIEW)


def test_the_lead_moves_a_prem_to_the_right_client(
    person: Client,
    worker: User,
    staff: dict[Role, User],
    make_client: Callable[..., Client],
    service: Service,
) -> None:
    response = _prem(person, worker, positive=True)
    right = make_client(service)
    move(kind_named("prem"), response, right, reason="Wrong client", by=staff[Role.SERVICE_LEAD])
    assert PremResponse.objects.get(pk=response.pk).client == right
    assert not person.prem_responses.exists()


def test_the_outcomes_page_links_each_prem_and_shows_one_in_error_on_asking(
    person: Client, worker: User, signed_in: Callable[[User], HttpClient]
) -> None:
    response = _prem(person, worker, positive=True)
    http = signed_in(worker)
    page = reverse("outcomes:client", args=[person.pk])
    entry = reverse("corrections:entry", args=[person.pk, "prem", response.pk])
    assert entry in http.get(page).content.decode()
    url = reverse("corrections:in_error", args=[person.pk, "prem", response.pk])
    assert http.post(url, {"reason": "Recorded twice"}).status_code == 302
    event = AuditEvent.objects.filter(action=Action.UPDATE_CLIENT, object_id=str(person.pk)).latest(
        "id"
    )
    assert event.detail == {"correction": "entered_in_error", "kind": "prem", "entry": response.pk}
    assert Correction.objects.get(kind="prem", entry_id=response.pk).client == person
    shown = http.get(page).content.decode()
    assert entry not in shown
    assert "marked in error (1)" in shown
    shown = http.get(page + "?in_error=show").content.decode()
    assert "<s>Experience questionnaire completed" in shown
    assert "Recorded twice" in shown
