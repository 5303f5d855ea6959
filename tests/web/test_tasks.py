"""Tasks a worker can finish: complete, snooze, reassign and add; and tasks that end when their
reason ends (stepping down, closing), one source at a time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from hiu.web.accounts.models import Service
from hiu.web.accounts.roles import Role
from hiu.web.audit.models import Action, AuditEvent
from hiu.web.clients import tasks
from hiu.web.clients.models import CANCELLED_EPISODE_CLOSED, Client, TaskOrigin, WorkerTask
from hiu.web.contacts.models import Channel
from hiu.web.demo.factories import make_contact, record_episode
from hiu.web.episodes.models import Episode, FollowUp, RelapseAlert, RelapseReason
from hiu.web.episodes.phases import Phase
from hiu.web.episodes.services import move
from hiu.web.interventions.services import catalogue_for, make_intervention
from hiu.web.plans.models import ActionPlan, Consent, ConsentLevel
from hiu.web.refused import Refused
from hiu.web.screening.models import Referral

TODAY = timezone.localdate()
DAY = dt.timedelta(days=1)


# Queries, transactions and constraints: run again on PostgreSQL by `make postgres`.
pytestmark = pytest.mark.db_engine


@pytest.fixture
def lead(staff: dict[Role, User]) -> User:
    return staff[Role.SERVICE_LEAD]


@pytest.fixture
def manager(staff: dict[Role, User]) -> User:
    return staff[Role.CASE_MANAGER]


@pytest.fixture
def colleague(make_user: Callable[..., User], service: Service) -> User:
    user = make_user("colleague", Role.CASE_MANAGER, service)
    user.first_name, user.last_name = "Cal", "Colleague"
    user.save()
    return user


def whats(clients: Any, today: dt.date = TODAY) -> list[str]:
    return [item.what for item in tasks.work_for(clients, today)]


def one(client: Client) -> Any:
    return Client.objects.filter(pk=client.pk)


def engaged_with_plan(client: Client, review_on: dt.date) -> Episode:
    # No engagement day: no baseline questionnaire or end of support falls due besides.
    episode = record_episode(client, Phase.ENGAGED, opened_on=TODAY - 60 * DAY)
    ActionPlan.objects.create(
        client=client, episode=episode, version=1, summary="x", review_on=review_on
    )
    return episode


# Derived tasks: what a worker does to them -----------------------------------------------------
def test_a_completed_derived_task_stays_completed_and_the_next_one_still_comes(
    service: Service, manager: User, make_client: Callable[..., Client]
) -> None:
    client = make_client(service, case_manager=manager)
    engaged_with_plan(client, TODAY - 2 * DAY)
    [item] = tasks.work_for(one(client), TODAY)
    assert item.what == "Review the action plan"
    tasks.complete(client, item, by=manager, note="Reviewed on the phone")
    assert whats(one(client)) == []
    assert whats(one(client), TODAY + 3 * DAY) == []
    row = WorkerTask.objects.get()
    assert (row.origin, row.kind, row.due_on, row.completed_by) == (
        TaskOrigin.DERIVED,
        "plan",
        TODAY - 2 * DAY,
        manager,
    )
    # The plan's next review date is a new task
    ActionPlan.objects.create(client=client, version=2, summary="y", review_on=TODAY + 5 * DAY)
    assert whats(one(client)) == ["Review the action plan"]


def test_a_snoozed_task_comes_back_on_its_date(
    service: Service, manager: User, make_client: Callable[..., Client]
) -> None:
    client = make_client(service, case_manager=manager)
    engaged_with_plan(client, TODAY - 2 * DAY)
    [item] = tasks.work_for(one(client), TODAY)
    tasks.snooze(client, item, TODAY + 2 * DAY, by=manager)
    assert whats(one(client)) == []
    assert whats(one(client), TODAY + DAY) == []
    [back] = tasks.work_for(one(client), TODAY + 2 * DAY)
    assert (back.what, back.due_on, back.snoozed) == (
        "Review the action plan",
        TODAY + 2 * DAY,
        True,
    )


def test_a_task_cannot_be_snoozed_to_today_or_the_past(
    service: Service, manager: User, make_client: Callable[..., Client]
) -> None:
    client = make_client(service, case_manager=manager)
    engaged_with_plan(client, TODAY)
    [item] = tasks.work_for(one(client), TODAY)
    with pytest.raises(Refused):
        tasks.snooze(client, item, TODAY, by=manager)


def test_a_reassigned_task_leaves_the_case_managers_list_for_the_new_workers(
    service: Service, manager: User, colleague: User, make_client: Callable[..., Client]
) -> None:
    client = make_client(service, case_manager=manager)
    engaged_with_plan(client, TODAY)
    visible = Client.objects.visible_to(manager)
    [item] = tasks.work_of(manager, visible, TODAY)
    tasks.reassign(client, item, colleague, by=manager)
    assert tasks.work_of(manager, visible, TODAY) == []
    [theirs] = tasks.work_of(colleague, Client.objects.visible_to(colleague), TODAY)
    assert (theirs.what, theirs.assignee_name, theirs.reassigned) == (
        "Review the action plan",
        "Cal Colleague",
        True,
    )


def test_a_task_cannot_go_to_someone_from_another_service(
    service: Service,
    other_service: Service,
    manager: User,
    make_user: Callable[..., User],
    make_client: Callable[..., Client],
) -> None:
    outsider = make_user("outsider", Role.CASE_MANAGER, other_service)
    client = make_client(service, case_manager=manager)
    engaged_with_plan(client, TODAY)
    [item] = tasks.work_for(one(client), TODAY)
    with pytest.raises(Refused):
        tasks.reassign(client, item, outsider, by=manager)


# Own tasks -----------------------------------------------------------------------------------
def test_an_own_task_is_on_the_assignees_list_until_completed(
    service: Service, manager: User, colleague: User, make_client: Callable[..., Client]
) -> None:
    client = make_client(service, case_manager=manager)
    record_episode(client, Phase.ENGAGED)
    task = tasks.add_task(
        client, "Chase the housing officer", TODAY + 2 * DAY, colleague, by=manager
    )
    visible = Client.objects.visible_to(manager)
    assert [i.what for i in tasks.work_of(colleague, visible, TODAY)] == [
        "Chase the housing officer"
    ]
    assert tasks.work_of(manager, visible, TODAY) == []
    [item] = tasks.work_of(colleague, visible, TODAY)
    tasks.edit_task(
        client, item, "Chase the housing officer again", TODAY + 3 * DAY, manager, by=manager
    )
    [item] = tasks.work_of(manager, visible, TODAY)
    assert (item.what, item.due_on) == ("Chase the housing officer again", TODAY + 3 * DAY)
    tasks.complete(client, item, by=manager)
    assert tasks.work_of(manager, visible, TODAY) == []
    task.refresh_from_db()
    assert task.completed_by == manager


def test_closing_the_episode_cancels_own_tasks_and_keeps_them(
    service: Service, manager: User, make_client: Callable[..., Client]
) -> None:
    client = make_client(service, case_manager=manager)
    episode = record_episode(client, Phase.ENGAGED, engaged_on=TODAY - 10 * DAY)
    task = tasks.add_task(client, "Chase the housing officer", TODAY, manager, by=manager)
    move(episode, Phase.CLOSED, by=manager, reason="Moved away")
    assert whats(one(client)) == []
    task.refresh_from_db()
    assert task.cancelled_reason == CANCELLED_EPISODE_CLOSED
    assert task.cancelled_at is not None


# Tasks end when their reason ends: one source at a time -----------------------------------------
def test_plan_review_ends_at_step_down_and_consent_renewal_at_closing(
    service: Service, manager: User, make_client: Callable[..., Client]
) -> None:
    client = make_client(service, case_manager=manager)
    episode = engaged_with_plan(client, TODAY)
    Consent.objects.create(
        client=client,
        episode=episode,
        level=ConsentLevel.WRITTEN,
        given_on=TODAY - 360 * DAY,
        review_on=TODAY,
        recorded_by=manager,
    )
    assert sorted(whats(one(client))) == ["Renew consent", "Review the action plan"]
    move(episode, Phase.STEPPED_DOWN, by=manager)
    assert "Review the action plan" not in whats(one(client))
    move(episode, Phase.CLOSED, by=manager, reason="Follow-ups done")
    assert whats(one(client)) == []


def test_intervention_reviews_end_at_step_down(
    service: Service, manager: User, make_client: Callable[..., Client]
) -> None:
    client = make_client(service, case_manager=manager)
    episode = record_episode(client, Phase.ENGAGED, opened_on=TODAY - 60 * DAY)
    make_intervention(
        client,
        by=manager,
        type=catalogue_for(service)[0],
        referred_on=TODAY - 30 * DAY,
    )
    assert [i.kind for i in tasks.work_for(one(client), TODAY)] == ["intervention"]
    move(episode, Phase.STEPPED_DOWN, by=manager)
    assert "intervention" not in [i.kind for i in tasks.work_for(one(client), TODAY)]


def test_follow_ups_and_relapse_alerts_end_at_closing(
    service: Service, manager: User, make_client: Callable[..., Client]
) -> None:
    client = make_client(service, case_manager=manager)
    episode = record_episode(
        client,
        Phase.STEPPED_DOWN,
        engaged_on=TODAY - 200 * DAY,
        stepped_down_on=TODAY - 90 * DAY,
        phase_since=TODAY - 90 * DAY,
    )
    FollowUp.objects.create(episode=episode, months=3, due_on=TODAY)
    RelapseAlert.objects.create(client=client, episode=episode, reason=RelapseReason.CONTACTED)
    kinds = sorted(i.kind for i in tasks.work_for(one(client), TODAY))
    assert "follow_up" in kinds
    assert "relapse" in kinds
    move(episode, Phase.CLOSED, by=manager, reason="Moved away")
    assert whats(one(client)) == []


def test_holding_checks_end_at_step_down(
    service: Service, manager: User, make_client: Callable[..., Client]
) -> None:
    client = make_client(service, case_manager=manager)
    episode = record_episode(
        client,
        Phase.HOLDING,
        engaged_on=TODAY - 150 * DAY,
        holding_since=TODAY - 40 * DAY,
        phase_since=TODAY - 40 * DAY,
    )
    assert "Monthly holding check" in whats(one(client))
    move(episode, Phase.STEPPED_DOWN, by=manager)
    assert "Monthly holding check" not in whats(one(client))


def test_contact_attempts_end_at_closing(
    service: Service, manager: User, make_client: Callable[..., Client]
) -> None:
    client = make_client(service, case_manager=manager)
    episode = record_episode(client, Phase.CONTACTING, opened_on=TODAY - 5 * DAY)
    make_contact(
        client,
        episode=episode,
        at=timezone.now() - 2 * DAY,
        channel=Channel.PHONE,
        reached=False,
        by=manager,
    )
    assert [i.kind for i in tasks.work_for(one(client), TODAY)] == ["contact"]
    move(episode, Phase.CLOSED, by=manager, reason="Declined")
    assert whats(one(client)) == []


def test_outcome_questionnaires_end_at_closing(
    service: Service, manager: User, make_client: Callable[..., Client]
) -> None:
    client = make_client(service, case_manager=manager)
    episode = record_episode(
        client,
        Phase.STEPPED_DOWN,
        engaged_on=TODAY - 200 * DAY,
        stepped_down_on=TODAY - 3 * DAY,
        phase_since=TODAY - 3 * DAY,
    )
    assert "Record step-down questionnaires" in whats(one(client))
    move(episode, Phase.CLOSED, by=manager, reason="Moved away")
    assert whats(one(client)) == []


# Pages ---------------------------------------------------------------------------------------
def test_the_home_page_counts_overdue_and_completes_a_task_in_one_press(
    service: Service,
    manager: User,
    make_client: Callable[..., Client],
    signed_in: Callable[[User], HttpClient],
) -> None:
    client = make_client(service, case_manager=manager, given_name="Ada")
    engaged_with_plan(client, TODAY - 3 * DAY)
    http = signed_in(manager)
    page = http.get(reverse("clients:caseload")).content.decode()
    assert "1 overdue" in page
    [item] = tasks.work_for(one(client), TODAY)
    url = reverse("clients:task_action", args=[client.pk, item.ref, "complete"])
    response = http.post(url, {"next": reverse("clients:caseload")})
    assert response.status_code == 302
    assert response["Location"] == reverse("clients:caseload")
    page = http.get(reverse("clients:caseload")).content.decode()
    assert "0 overdue" in page
    event = AuditEvent.objects.filter(action=Action.UPDATE_CLIENT, object_id=str(client.pk)).get()
    assert event.detail["what"] == "complete_task"
    assert "Review" not in str(event.detail)


def test_snoozing_from_the_task_page_with_a_quick_choice(
    service: Service,
    manager: User,
    make_client: Callable[..., Client],
    signed_in: Callable[[User], HttpClient],
) -> None:
    client = make_client(service, case_manager=manager)
    engaged_with_plan(client, TODAY)
    [item] = tasks.work_for(one(client), TODAY)
    http = signed_in(manager)
    assert http.get(reverse("clients:task", args=[client.pk, item.ref])).status_code == 200
    url = reverse("clients:task_action", args=[client.pk, item.ref, "snooze"])
    assert http.post(url, {"snooze-when": "tomorrow"}).status_code == 302
    assert WorkerTask.objects.get().snoozed_until == TODAY + DAY


def test_snoozing_to_another_date_needs_the_date(
    service: Service,
    manager: User,
    make_client: Callable[..., Client],
    signed_in: Callable[[User], HttpClient],
) -> None:
    client = make_client(service, case_manager=manager)
    engaged_with_plan(client, TODAY)
    [item] = tasks.work_for(one(client), TODAY)
    url = reverse("clients:task_action", args=[client.pk, item.ref, "snooze"])
    response = signed_in(manager).post(url, {"snooze-when": "date"})
    assert response.status_code == 200
    assert "Enter the date the task should come back" in response.content.decode()
    assert not WorkerTask.objects.exists()


def test_adding_a_task_escapes_what_was_typed(
    service: Service,
    manager: User,
    make_client: Callable[..., Client],
    signed_in: Callable[[User], HttpClient],
) -> None:
    client = make_client(service, case_manager=manager)
    record_episode(client, Phase.ENGAGED)
    http = signed_in(manager)
    due = TODAY + 2 * DAY
    hostile = '<script>alert(1)</script> =HYPERLINK("http://x")'
    response = http.post(
        reverse("clients:new_task", args=[client.pk]),
        {
            "what": hostile,
            "due_on_day": due.day,
            "due_on_month": due.month,
            "due_on_year": due.year,
            "assignee": str(manager.pk),
        },
    )
    assert response.status_code == 302
    page = http.get(reverse("clients:client_tasks", args=[client.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    event = AuditEvent.objects.filter(action=Action.UPDATE_CLIENT, object_id=str(client.pk)).get()
    assert event.detail["what"] == "add_task"
    assert "script" not in str(event.detail)


def test_the_team_view_shows_open_and_overdue_tasks_per_worker(
    service: Service,
    lead: User,
    manager: User,
    make_client: Callable[..., Client],
    signed_in: Callable[[User], HttpClient],
) -> None:
    client = make_client(service, case_manager=manager)
    engaged_with_plan(client, TODAY - DAY)
    tasks.add_task(client, "Ring the GP", TODAY + DAY, manager, by=manager)
    page = signed_in(lead).get(reverse("clients:team")).content.decode()
    assert "2 open" in page
    assert "1 overdue" in page


def test_a_task_of_another_services_client_is_not_found(
    other_service: Service,
    manager: User,
    make_user: Callable[..., User],
    make_client: Callable[..., Client],
    signed_in: Callable[[User], HttpClient],
) -> None:
    outsider = make_user("outsider", Role.CASE_MANAGER, other_service)
    theirs = make_client(other_service, case_manager=outsider)
    task = tasks.add_task(theirs, "Ring", TODAY, outsider, by=outsider)
    http = signed_in(manager)
    ref = tasks.own_ref(task.pk)
    assert http.get(reverse("clients:task", args=[theirs.pk, ref])).status_code == 404
    response = http.post(reverse("clients:task_action", args=[theirs.pk, ref, "complete"]))
    assert response.status_code == 404
    task.refresh_from_db()
    assert task.completed_at is None


def test_the_first_contact_for_a_referral_ends_at_closing(
    service: Service, manager: User, make_client: Callable[..., Client]
) -> None:
    client = make_client(service, case_manager=manager)
    episode = record_episode(client, Phase.CONTACTING, opened_on=TODAY - 3 * DAY)
    Referral.objects.create(
        service=service,
        client=client,
        episode=episode,
        referring_organisation="Riverside ED",
        reason="Frequent attender",
        consent_to_refer=True,
        first_contact_due_at=timezone.now() + DAY,
    )
    assert [i.kind for i in tasks.work_for(one(client), TODAY)] == ["referral"]
    move(episode, Phase.CLOSED, by=manager, reason="Declined")
    assert whats(one(client)) == []


@pytest.mark.parametrize("url_name", ["clients:caseload", "clients:tasks"])
def test_forms_drawn_by_macros_carry_the_csrf_token(
    service: Service,
    manager: User,
    make_client: Callable[..., Client],
    signed_in: Callable[[User], HttpClient],
    url_name: str,
) -> None:
    # Macros imported without the page's context would draw forms with no token: every
    # Complete button (and the caseload's search box) would then be refused as a forgery.
    client = make_client(service, case_manager=manager)
    engaged_with_plan(client, TODAY)
    html = signed_in(manager).get(reverse(url_name)).content.decode()
    forms = html.count('method="post"')
    assert forms >= 1
    assert html.count("csrfmiddlewaretoken") >= forms
