"""Correcting questionnaires and goal ratings (ADR 0019): amend when a questionnaire was
completed, and a questionnaire or rating marked entered in error leaves the client's outcomes,
the service's outcome figures and KPIs, and the outcome tasks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from hiu.outcomes import INSTRUMENTS
from hiu.web.accounts.models import Service
from hiu.web.accounts.roles import Role
from hiu.web.clients.models import Client
from hiu.web.corrections.registry import kind_named
from hiu.web.corrections.services import amend, mark_in_error, move
from hiu.web.demo.factories import record_episode
from hiu.web.episodes.phases import Phase
from hiu.web.outcomes import due as outcomes_due
from hiu.web.outcomes.kpis import outcome_figures, quarter_of
from hiu.web.outcomes.models import GoalRating, OutcomeRecord, PointInCare
from hiu.web.outcomes.querysets import service_goal_ratings, service_records
from hiu.web.outcomes.services import record_measure
from hiu.web.refused import Refused

pytestmark = pytest.mark.db_engine

HOSTILE = '<script>alert("x")</script> =HYPERLINK("http://evil.example")'


@pytest.fixture
def worker(staff: dict[Role, User]) -> User:
    return staff[Role.CASE_MANAGER]


@pytest.fixture
def person(make_client: Callable[..., Client], service: Service, worker: User) -> Client:
    return make_client(service, case_manager=worker)


def _gad7(client: Client, by: User, on: dt.date, value: str, point: str) -> OutcomeRecord:
    answers = {item.number: int(value) for item in INSTRUMENTS["gad7"].items}
    return record_measure(
        client, INSTRUMENTS["gad7"], by=by, completed_on=on, point=point, answers=answers
    )


def _rating(client: Client, by: User, on: dt.date, rating: int) -> GoalRating:
    return GoalRating.objects.create(
        client=client, goal_text="Sleep better", rating=rating, rated_on=on, recorded_by=by
    )


def test_amending_a_questionnaires_date_and_point_keeps_the_old_ones(
    person: Client, worker: User
) -> None:
    today = timezone.localdate()
    record = _gad7(person, worker, today, "2", PointInCare.BASELINE)
    correction = amend(
        kind_named("questionnaire"),
        record,
        {"completed_on": today - dt.timedelta(days=3), "point": PointInCare.REVIEW},
        reason="Typed on the wrong day",
        by=worker,
    )
    fields = [change["field"] for change in correction.changes]
    assert fields == ["Completed", "When in care"]
    assert correction.changes[1]["old"] == "At assessment (baseline)"
    assert correction.changes[1]["new"] == "At a review"


def test_a_questionnaire_in_error_leaves_the_service_figures(
    service: Service, person: Client, worker: User
) -> None:
    today = timezone.localdate()
    first = _gad7(person, worker, today - dt.timedelta(days=20), "3", PointInCare.BASELINE)
    _gad7(person, worker, today, "0", PointInCare.REVIEW)
    quarter = quarter_of(today)

    def compared() -> int:
        _, counts = outcome_figures(service, quarter)
        return next(c.compared for c in counts if c.instrument.code == "gad7")

    assert len(service_records(service)) == 2
    assert compared() == 1
    mark_in_error(kind_named("questionnaire"), first, reason="Wrong client", by=worker)
    assert len(service_records(service)) == 1
    assert compared() == 0


def test_a_goal_rating_in_error_leaves_the_goals_figure(
    service: Service, person: Client, worker: User
) -> None:
    today = timezone.localdate()
    first = _rating(person, worker, today - dt.timedelta(days=10), 2)
    _rating(person, worker, today, 7)
    quarter = quarter_of(today)

    def goals_compared() -> int:
        figures, _ = outcome_figures(service, quarter)
        return figures[3].denominator

    assert len(service_goal_ratings(service)) == 2
    assert goals_compared() == 1
    mark_in_error(kind_named("goal_rating"), first, reason=HOSTILE, by=worker)
    assert len(service_goal_ratings(service)) == 1
    assert goals_compared() == 0


def test_a_baseline_in_error_puts_the_baseline_task_back(
    service: Service, person: Client, worker: User
) -> None:
    today = timezone.localdate()
    record_episode(person, Phase.ENGAGED, engaged_on=today - dt.timedelta(days=20))
    baseline = _gad7(person, worker, today, "1", PointInCare.BASELINE)

    def whats() -> list[str]:
        tasks = outcomes_due.tasks_due(Client.objects.filter(service=service), today)
        return [task.what for task in tasks]

    assert whats() == []
    mark_in_error(kind_named("questionnaire"), baseline, reason="Wrong client", by=worker)
    assert len(whats()) == 1


def test_the_outcomes_page_hides_entries_in_error_until_asked(
    signed_in: Callable[[User], HttpClient], person: Client, worker: User
) -> None:
    today = timezone.localdate()
    record = _gad7(person, worker, today, "2", PointInCare.BASELINE)
    rating = _rating(person, worker, today, 4)
    http = signed_in(worker)
    url = reverse("outcomes:client", args=[person.pk])
    page = http.get(url).content.decode()
    assert reverse("corrections:entry", args=[person.pk, "questionnaire", record.pk]) in page
    assert reverse("corrections:entry", args=[person.pk, "goal_rating", rating.pk]) in page
    for slug, entry in (("questionnaire", record), ("goal_rating", rating)):
        response = http.post(
            reverse("corrections:in_error", args=[person.pk, slug, entry.pk]), {"reason": HOSTILE}
        )
        assert response.status_code == 302
    page = http.get(url).content.decode()
    assert "Sleep better" not in page
    assert "Show questionnaires and goal ratings marked in error (2)" in page
    shown = http.get(url + "?in_error=show").content.decode()
    assert "<s>Goal rating of 4" in shown
    assert "&lt;script&gt;" in shown
    assert "<script>alert" not in shown


def test_the_amend_page_for_a_goal_rating_saves(
    signed_in: Callable[[User], HttpClient], person: Client, worker: User
) -> None:
    today = timezone.localdate()
    rating = _rating(person, worker, today, 4)
    http = signed_in(worker)
    url = reverse("corrections:amend", args=[person.pk, "goal_rating", rating.pk])
    assert http.get(url).status_code == 200
    response = http.post(
        url,
        {
            "rating": "6",
            "rated_on_day": today.day,
            "rated_on_month": today.month,
            "rated_on_year": today.year,
            "reason": "Misheard",
        },
    )
    assert response.status_code == 302
    rating.refresh_from_db()
    assert rating.rating == 6


def test_a_moved_goal_rating_leaves_the_wrong_clients_goal(
    make_client: Callable[..., Client],
    service: Service,
    person: Client,
    staff: dict[Role, User],
    worker: User,
) -> None:
    right = make_client(service)
    rating = _rating(person, worker, timezone.localdate(), 4)
    with pytest.raises(Refused):
        move(kind_named("goal_rating"), rating, right, reason="Wrong client", by=worker)
    move(
        kind_named("goal_rating"), rating, right, reason="Wrong client", by=staff[Role.SERVICE_LEAD]
    )
    rating.refresh_from_db()
    assert (rating.client, rating.goal) == (right, None)
