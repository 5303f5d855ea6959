"""Episodes of support: the phase machine, its record, holding, follow-ups and relapses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from hiu.ingest.pipeline import import_file
from hiu.store.store import Store
from hiu.web.accounts.models import Service
from hiu.web.accounts.roles import Role
from hiu.web.audit.models import Action, AuditEvent
from hiu.web.clients.models import Client
from hiu.web.demo.factories import make_listed_person, make_run
from hiu.web.episodes import services
from hiu.web.episodes.models import Episode, FollowUp, PhaseChange, RelapseAlert
from hiu.web.episodes.phases import Phase, WayIn, allowed_moves
from hiu.web.episodes.relapse import alerts_from_list, alerts_from_new_activity

pytestmark = [pytest.mark.django_db, pytest.mark.db_engine]
TODAY = timezone.localdate()


@pytest.fixture
def worker(staff: dict[Role, User]) -> User:
    return staff[Role.CASE_MANAGER]


@pytest.fixture
def client_record(make_client: Callable[..., Client], service: Service, worker: User) -> Client:
    # A valid NHS number: the activity store rejects rows with invalid ones.
    return make_client(service, case_manager=worker, nhs_number="9990000018")


def _episode(
    client: Client, by: User, phase: Phase = Phase.SCREENING, days_ago: int = 200
) -> Episode:
    return services.open_episode(
        client, by=by, way_in=WayIn.IDENTIFIED, phase=phase, on=TODAY - dt.timedelta(days=days_ago)
    )


def test_the_machine_allows_only_the_pathway_s_moves() -> None:
    assert allowed_moves(Phase.SCREENING) == [Phase.CONTACTING, Phase.CLOSED]
    assert allowed_moves(Phase.STEPPED_DOWN) == [Phase.CLOSED]
    assert allowed_moves(Phase.CLOSED) == []
    assert Phase.HOLDING not in allowed_moves(Phase.ENGAGED, holding=False)


def test_a_move_out_of_order_is_refused_and_nothing_changes(
    client_record: Client, worker: User
) -> None:
    episode = _episode(client_record, worker)
    with pytest.raises(services.MoveNotAllowed, match="screening cannot be moved to engaged"):
        services.move(episode, Phase.ENGAGED, by=worker)
    episode.refresh_from_db()
    assert episode.phase == Phase.SCREENING
    assert episode.changes.count() == 1  # only the opening


def test_every_move_is_recorded_with_who_when_and_why_and_audited(
    client_record: Client, worker: User
) -> None:
    episode = _episode(client_record, worker)
    on = TODAY - dt.timedelta(days=10)
    services.move(episode, Phase.CONTACTING, by=worker, reason="Accepted", on=on)
    change = PhaseChange.objects.filter(episode=episode).last()
    assert change is not None
    assert (change.from_phase, change.to_phase, change.effective_on) == (
        "screening",
        "contacting",
        on,
    )
    assert (change.by, change.reason) == (worker, "Accepted")
    event = AuditEvent.objects.filter(
        action=Action.UPDATE_CLIENT, object_id=str(client_record.pk)
    ).first()
    assert event is not None
    assert event.detail["what"] == "move_phase"
    assert event.detail["to_phase"] == "contacting"


def test_closing_needs_a_reason_and_dates_cannot_go_backwards_or_ahead(
    client_record: Client, worker: User
) -> None:
    episode = _episode(client_record, worker, days_ago=5)
    with pytest.raises(services.MoveNotAllowed, match="Enter why"):
        services.move(episode, Phase.CLOSED, by=worker, reason="  ")
    with pytest.raises(services.MoveNotAllowed, match="on or after"):
        services.move(episode, Phase.CONTACTING, by=worker, on=TODAY - dt.timedelta(days=6))
    with pytest.raises(services.MoveNotAllowed, match="today or in the past"):
        services.move(episode, Phase.CONTACTING, by=worker, on=TODAY + dt.timedelta(days=1))


def test_a_service_without_holding_cannot_move_anyone_to_holding(
    client_record: Client, worker: User, service: Service
) -> None:
    pathway = services.pathway_for(service)
    pathway.holding_weeks = 0
    pathway.save()
    episode = _episode(client_record, worker, phase=Phase.ENGAGED)
    with pytest.raises(services.MoveNotAllowed):
        services.move(episode, Phase.HOLDING, by=worker)
    services.move(episode, Phase.STEPPED_DOWN, by=worker)


def test_a_client_has_one_open_episode_at_a_time(client_record: Client, worker: User) -> None:
    _episode(client_record, worker)
    with pytest.raises(services.MoveNotAllowed, match="already has an open episode"):
        _episode(client_record, worker)


def test_engaged_on_is_the_first_day_of_engagement(client_record: Client, worker: User) -> None:
    episode = _episode(client_record, worker, phase=Phase.CONTACTING, days_ago=60)
    services.move(episode, Phase.ENGAGED, by=worker, on=TODAY - dt.timedelta(days=50))
    services.move(episode, Phase.HOLDING, by=worker, on=TODAY - dt.timedelta(days=20))
    services.move(episode, Phase.ENGAGED, by=worker, on=TODAY - dt.timedelta(days=10))
    episode.refresh_from_db()
    assert episode.engaged_on == TODAY - dt.timedelta(days=50)
    assert episode.holding_since == TODAY - dt.timedelta(days=20)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),
        (dt.date(2026, 11, 30), 3, dt.date(2027, 2, 28)),
        (dt.date(2026, 3, 15), -3, dt.date(2025, 12, 15)),
        (dt.date(2026, 5, 31), 12, dt.date(2027, 5, 31)),
    ],
)
def test_months_are_added_calendar_wise_keeping_to_the_month_s_end(
    day: dt.date, months: int, expected: dt.date
) -> None:
    assert services.add_months(day, months) == expected


def test_stepping_down_sets_the_service_s_follow_ups(
    client_record: Client, worker: User, service: Service
) -> None:
    pathway = services.pathway_for(service)
    pathway.follow_up_months = [6, 3, 12]
    pathway.save()
    episode = _episode(client_record, worker, phase=Phase.ENGAGED)
    on = TODAY - dt.timedelta(days=3)
    services.move(episode, Phase.STEPPED_DOWN, by=worker, on=on)
    due = {f.months: f.due_on for f in FollowUp.objects.filter(episode=episode)}
    assert due == {m: services.add_months(on, m) for m in (3, 6, 12)}


def test_a_relapse_opens_a_new_episode_and_closes_the_stepped_down_one(
    client_record: Client, worker: User
) -> None:
    first = _episode(client_record, worker, phase=Phase.ENGAGED)
    services.move(first, Phase.STEPPED_DOWN, by=worker, on=TODAY - dt.timedelta(days=100))
    alert = RelapseAlert.objects.create(
        client=client_record, episode=first, reason="new_activity", activity_on=TODAY
    )
    second = services.reopen_after_relapse(client_record, by=worker, reason="Called the team")
    first.refresh_from_db()
    alert.refresh_from_db()
    assert first.phase == Phase.CLOSED
    assert "Relapse" in first.close_reason
    assert (second.number, second.phase, second.way_in) == (2, Phase.ENGAGED, WayIn.RELAPSE)
    assert second.relapse_of == first
    assert alert.resolution == "reopened"
    assert alert.resolved_by == worker


def test_a_client_being_supported_cannot_be_reopened(client_record: Client, worker: User) -> None:
    _episode(client_record, worker, phase=Phase.ENGAGED)
    with pytest.raises(services.MoveNotAllowed, match="already being supported"):
        services.reopen_after_relapse(client_record, by=worker, reason="again")


def _store(data_dir: Path, tmp_path: Path, nhs_number: str, days: list[dt.date]) -> Store:
    store = Store.in_data_dir(data_dir)
    lines = ["attendance_id,nhs_number,arrival_datetime,site_code"]
    lines += [f"E{i},{nhs_number},{day}T10:00:00,RQX01" for i, day in enumerate(days)]
    path = tmp_path / "ed.csv"
    path.write_text("\n".join(lines) + "\n")
    assert import_file(store, "ed_attendances", path, imported_by="test").manifest.rejected == 0
    return store


def test_new_activity_after_stepping_down_raises_one_alert(
    client_record: Client, worker: User, data_dir: Path, tmp_path: Path
) -> None:
    stepped = TODAY - dt.timedelta(days=40)
    episode = _episode(client_record, worker, phase=Phase.ENGAGED)
    services.move(episode, Phase.STEPPED_DOWN, by=worker, on=stepped)
    # Attendances before and on the day of stepping down are not a relapse; the one after is.
    store = _store(
        data_dir,
        tmp_path,
        client_record.nhs_number,
        [stepped - dt.timedelta(days=3), stepped, stepped + dt.timedelta(days=9)],
    )
    raised = alerts_from_new_activity(store)
    assert [a.client for a in raised] == [client_record]
    assert raised[0].activity_on == stepped + dt.timedelta(days=9)
    # Checking again, with nothing newer, raises nothing more.
    assert alerts_from_new_activity(store) == []


def test_no_alert_for_activity_that_ended_before_stepping_down(
    client_record: Client, worker: User, data_dir: Path, tmp_path: Path
) -> None:
    stepped = TODAY - dt.timedelta(days=40)
    episode = _episode(client_record, worker, phase=Phase.ENGAGED)
    services.move(episode, Phase.STEPPED_DOWN, by=worker, on=stepped)
    store = _store(data_dir, tmp_path, client_record.nhs_number, [stepped - dt.timedelta(days=1)])
    assert alerts_from_new_activity(store) == []


def test_a_stepped_down_client_back_on_a_list_raises_an_alert(
    client_record: Client, worker: User, service: Service, other_service: Service
) -> None:
    episode = _episode(client_record, worker, phase=Phase.ENGAGED)
    services.move(episode, Phase.STEPPED_DOWN, by=worker, on=TODAY - dt.timedelta(days=30))
    run = make_run(service, TODAY)
    make_listed_person(run, client_record.nhs_number, 1)
    other = make_run(other_service, TODAY)
    make_listed_person(other, client_record.nhs_number, 1)
    # Another service's list says nothing about this service's client.
    assert alerts_from_list(other) == []
    assert [a.reason for a in alerts_from_list(run)] == ["threshold"]
    assert alerts_from_list(run) == []  # one open alert per episode


def test_a_holding_check_keeps_the_month_s_activity_from_the_store(
    client_record: Client, worker: User, data_dir: Path, tmp_path: Path
) -> None:
    episode = _episode(client_record, worker, phase=Phase.ENGAGED)
    services.move(episode, Phase.HOLDING, by=worker, on=TODAY - dt.timedelta(days=60))
    # Two days back, so that the day after the check is yesterday: an attendance at 10:00 today
    # would be "in the future" to the importer when the test runs before 10:00.
    checked = TODAY - dt.timedelta(days=2)
    month_before = services.add_months(checked, -1)
    store = _store(
        data_dir,
        tmp_path,
        client_record.nhs_number,
        [
            month_before - dt.timedelta(days=1),
            month_before,
            checked,
            checked + dt.timedelta(days=1),
        ],
    )
    episode.refresh_from_db()
    check = services.record_holding_check(
        episode, by=worker, checked_on=checked, note="", store=store
    )
    # From the same day a month before up to and including the check's day.
    assert check.ed_attendances == 2


def test_a_follow_up_compares_the_months_after_stepping_down_with_those_before_opening(
    client_record: Client, worker: User, data_dir: Path, tmp_path: Path
) -> None:
    opened = TODAY - dt.timedelta(days=300)
    episode = services.open_episode(
        client_record, by=worker, way_in=WayIn.IDENTIFIED, phase=Phase.ENGAGED, on=opened
    )
    stepped = TODAY - dt.timedelta(days=120)
    services.move(episode, Phase.STEPPED_DOWN, by=worker, on=stepped)
    days = [opened - dt.timedelta(days=d) for d in (1, 20, 40, 80, 200)] + [
        stepped + dt.timedelta(days=10)
    ]
    store = _store(data_dir, tmp_path, client_record.nhs_number, days)
    due = FollowUp.objects.get(episode=episode, months=3)
    services.record_follow_up(due, by=worker, done_on=TODAY, note="", store=store)
    due.refresh_from_db()
    # Three months before opening hold the attendances 1, 20, 40 and 80 days before it.
    assert due.before["ed_attendances"] == 4
    assert due.after["ed_attendances"] == 1


def test_the_move_page_changes_the_phase_from_the_date_boxes(
    signed_in: Callable[[User], HttpClient], client_record: Client, worker: User
) -> None:
    _episode(client_record, worker, days_ago=30)
    on = TODAY - dt.timedelta(days=2)
    response = signed_in(worker).post(
        reverse("episodes:move", kwargs={"client_id": client_record.pk}),
        {
            "to": "contacting",
            "on_day": on.day,
            "on_month": on.month,
            "on_year": on.year,
            "reason": "ok",
        },
    )
    assert response.status_code == 302
    episode = client_record.episodes.get()
    assert (episode.phase, episode.phase_since) == (Phase.CONTACTING, on)


def test_the_move_page_says_what_is_wrong_with_the_date(
    signed_in: Callable[[User], HttpClient], client_record: Client, worker: User
) -> None:
    _episode(client_record, worker, days_ago=30)
    response = signed_in(worker).post(
        reverse("episodes:move", kwargs={"client_id": client_record.pk}),
        {"to": "contacting", "on_day": "31", "on_month": "2", "on_year": "2026"},
    )
    assert response.status_code == 200
    assert b"The date of the change must be a real date" in response.content
    assert b'href="#on-day"' in response.content
    assert client_record.episodes.get().phase == Phase.SCREENING


def test_the_pathway_settings_refuse_numbers_out_of_range(
    signed_in: Callable[[User], HttpClient], staff: dict[Role, User], service: Service
) -> None:
    data: dict[str, Any] = {
        "holding_weeks": 12,
        "support_weeks": "",
        "contact_attempts_before_letter": 0,
        "first_contact_hours": 24,
        "consent_review_months": 12,
        "plan_review_weeks": 4,
        "caseload_cap": 50,
        "new_per_quarter_cap": 15,
        "weight_high": 3,
        "weight_medium": 2,
        "weight_low": 1,
        "follow_up_text": "3, 6, twelve",
    }
    response = signed_in(staff[Role.SERVICE_LEAD]).post(reverse("episodes:pathway"), data)
    assert response.status_code == 200
    assert (
        b"Enter the contact attempts before the letters as a whole number from 1 to 10"
        in response.content
    )
    assert b"Enter the follow-up months as numbers" in response.content
    data.update(contact_attempts_before_letter=2, follow_up_text="12,3")
    response = signed_in(staff[Role.SERVICE_LEAD]).post(reverse("episodes:pathway"), data)
    assert response.status_code == 302
    pathway = services.pathway_for(service)
    assert (pathway.contact_attempts_before_letter, pathway.follow_up_months) == (2, [3, 12])
