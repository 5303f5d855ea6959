"""Risk answers raise an alarm (issue 18 point 7): a PHQ-9 saved with item 9 above "Not at all"
(or a CORE-10 with item 6 above it) raises, in the same transaction, a risk alert on the client,
a red banner on every page of the record, a flag on the caseload and the team page, a same-day
task "Review risk and the crisis plan", and a notification to the case manager and the service's
leads. Recording the review closes all of it, and both are audited without free text."""

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
from hiu.web.clients.due import tasks_for
from hiu.web.clients.models import Client
from hiu.web.demo.factories import record_episode
from hiu.web.episodes.phases import Phase
from hiu.web.notifications.models import Kind, Notification
from hiu.web.outcomes.models import OutcomeRecord
from hiu.web.risk.models import RiskAlert

pytestmark = pytest.mark.db_engine

TODAY = timezone.localdate()
REVIEW_TASK = "Review risk and the crisis plan"


def date_fields(name: str, day: dt.date) -> dict[str, str]:
    return {
        f"{name}_day": str(day.day),
        f"{name}_month": str(day.month),
        f"{name}_year": str(day.year),
    }


def phq9(item9: int, **extra: Any) -> dict[str, Any]:
    answers = {f"item_{n}": "1" for n in range(1, 9)} | {"item_9": str(item9)}
    return {
        "instrument": "phq9",
        "point": "baseline",
        **date_fields("completed_on", TODAY),
        **answers,
        **extra,
    }


@pytest.fixture
def at_risk_client(
    service: Service, staff: dict[Role, User], make_client: Callable[..., Client]
) -> Client:
    client = make_client(service, case_manager=staff[Role.CASE_MANAGER], family_name="Hartley")
    record_episode(client, Phase.ENGAGED, engaged_on=TODAY - dt.timedelta(days=30))
    return client


def record_phq9(browser: HttpClient, client: Client, item9: int) -> Any:
    return browser.post(
        reverse("outcomes:record", kwargs={"client_id": client.pk}), phq9(item9), follow=True
    )


def test_a_phq9_with_item_9_more_than_half_the_days_raises_a_risk_alert_at_once(
    staff: dict[Role, User], signed_in: Callable[[User], HttpClient], at_risk_client: Client
) -> None:
    manager = staff[Role.CASE_MANAGER]
    response = record_phq9(signed_in(manager), at_risk_client, 2)
    page = response.content.decode()
    alert = RiskAlert.objects.get(client=at_risk_client)
    assert (alert.instrument, alert.item, alert.answer, alert.answer_label) == (
        "phq9",
        9,
        2,
        "More than half the days",
    )
    assert alert.raised_by == manager
    assert alert.raised_on == TODAY
    assert alert.outcome_record == OutcomeRecord.objects.get(client=at_risk_client)
    assert alert.is_open
    # The confirmation says plainly that a risk answer was recorded and what happens next.
    assert "PHQ-9 scored. A risk answer was recorded" in page
    assert "Review risk and the crisis plan" in page
    assert "have been notified" in page
    # The record's red banner, with the way to record the review.
    assert "Risk answer to review" in page
    assert "nhsuk-card--care--urgent" in page
    assert (
        reverse("risk:review", kwargs={"client_id": at_risk_client.pk, "alert_id": alert.pk})
        in page
    )


def test_the_risk_banner_is_on_every_page_of_the_record(
    staff: dict[Role, User], signed_in: Callable[[User], HttpClient], at_risk_client: Client
) -> None:
    browser = signed_in(staff[Role.CASE_MANAGER])
    record_phq9(browser, at_risk_client, 1)
    for name in ("clients:detail", "contacts:client", "plans:consent", "episodes:client"):
        page = browser.get(reverse(name, kwargs={"client_id": at_risk_client.pk}))
        assert page.status_code == 200
        assert "Risk answer to review" in page.content.decode(), name


def test_item_9_answered_not_at_all_raises_nothing(
    staff: dict[Role, User], signed_in: Callable[[User], HttpClient], at_risk_client: Client
) -> None:
    page = record_phq9(signed_in(staff[Role.CASE_MANAGER]), at_risk_client, 0).content.decode()
    assert "PHQ-9 scored" in page
    assert "risk answer" not in page.lower()
    assert not RiskAlert.objects.exists()
    assert not Notification.objects.exists()
    assert REVIEW_TASK not in {t.what for t in tasks_for(Client.objects.all(), TODAY)}


def test_a_core10_with_item_6_made_plans_to_end_my_life_raises_too(
    staff: dict[Role, User], signed_in: Callable[[User], HttpClient], at_risk_client: Client
) -> None:
    answers = {f"item_{n}": "0" for n in range(1, 11)} | {"item_6": "1"}
    data = {
        "instrument": "core10",
        "point": "review",
        **date_fields("completed_on", TODAY),
        **answers,
    }
    signed_in(staff[Role.DATA_COORDINATOR]).post(
        reverse("outcomes:record", kwargs={"client_id": at_risk_client.pk}), data
    )
    alert = RiskAlert.objects.get()
    assert (alert.instrument, alert.item, alert.answer_label) == ("core10", 6, "Only occasionally")


def test_the_alert_is_a_flag_on_the_caseload_and_the_team_page(
    staff: dict[Role, User], signed_in: Callable[[User], HttpClient], at_risk_client: Client
) -> None:
    browser = signed_in(staff[Role.CASE_MANAGER])
    caseload = browser.get(reverse("clients:caseload")).content.decode()
    assert "Risk to review" not in caseload
    record_phq9(browser, at_risk_client, 3)
    caseload = browser.get(reverse("clients:caseload")).content.decode()
    assert "Risk to review" in caseload
    team = signed_in(staff[Role.SERVICE_LEAD]).get(reverse("clients:team")).content.decode()
    assert "Risk answers to review" in team
    assert "HARTLEY" in team


def test_a_same_day_task_asks_to_review_the_risk_and_the_crisis_plan(
    staff: dict[Role, User], signed_in: Callable[[User], HttpClient], at_risk_client: Client
) -> None:
    browser = signed_in(staff[Role.CASE_MANAGER])
    record_phq9(browser, at_risk_client, 2)
    alert = RiskAlert.objects.get()
    (task,) = [t for t in tasks_for(Client.objects.all(), TODAY) if t.kind == "risk"]
    assert (task.what, task.due_on, task.client_id) == (REVIEW_TASK, TODAY, at_risk_client.pk)
    assert task.url == reverse(
        "risk:review", kwargs={"client_id": at_risk_client.pk, "alert_id": alert.pk}
    )
    home = browser.get(reverse("clients:caseload")).content.decode()
    assert REVIEW_TASK in home


def test_the_case_manager_and_every_service_lead_are_notified_and_no_one_else(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    at_risk_client: Client,
    make_user: Callable[..., User],
    service: Service,
    other_service: Service,
) -> None:
    second_lead = make_user("second_lead", Role.SERVICE_LEAD, service)
    make_user("elsewhere_lead", Role.SERVICE_LEAD, other_service)
    record_phq9(signed_in(staff[Role.DATA_COORDINATOR]), at_risk_client, 2)
    notified = Notification.objects.filter(kind=Kind.RISK_ANSWER)
    assert {n.recipient for n in notified} == {
        staff[Role.CASE_MANAGER],
        staff[Role.SERVICE_LEAD],
        second_lead,
    }
    for notification in notified:
        assert notification.client == at_risk_client
        assert "better off dead" in notification.text
        # No answer and no free text from the record, only the item's meaning.
        assert "More than half" not in notification.text


def test_raising_the_alert_is_audited_without_the_answer(
    staff: dict[Role, User], signed_in: Callable[[User], HttpClient], at_risk_client: Client
) -> None:
    record_phq9(signed_in(staff[Role.CASE_MANAGER]), at_risk_client, 2)
    alert = RiskAlert.objects.get()
    event = AuditEvent.objects.get(action=Action.RAISE_RISK_ALERT)
    assert (event.object_type, event.object_id, event.actor) == (
        "client",
        str(at_risk_client.pk),
        staff[Role.CASE_MANAGER],
    )
    assert event.detail == {
        "alert": alert.pk,
        "instrument": "phq9",
        "item": 9,
        "outcome_record": alert.outcome_record_id,
    }


def test_a_questionnaire_refused_saves_no_alert_and_notifies_no_one(
    staff: dict[Role, User], signed_in: Callable[[User], HttpClient], at_risk_client: Client
) -> None:
    future = phq9(2, **date_fields("completed_on", TODAY + dt.timedelta(days=3)))
    signed_in(staff[Role.CASE_MANAGER]).post(
        reverse("outcomes:record", kwargs={"client_id": at_risk_client.pk}), future
    )
    assert not OutcomeRecord.objects.exists()
    assert not RiskAlert.objects.exists()
    assert not Notification.objects.exists()


def review_url(alert: RiskAlert) -> str:
    return reverse("risk:review", kwargs={"client_id": alert.client_id, "alert_id": alert.pk})


def review(text: str, day: dt.date = TODAY, updated: str = "yes") -> dict[str, str]:
    return {
        **date_fields("reviewed_on", day),
        "what_was_done": text,
        "crisis_plan_updated": updated,
    }


def test_recording_the_review_ends_the_banner_the_flag_and_the_task(
    staff: dict[Role, User], signed_in: Callable[[User], HttpClient], at_risk_client: Client
) -> None:
    browser = signed_in(staff[Role.CASE_MANAGER])
    record_phq9(browser, at_risk_client, 2)
    alert = RiskAlert.objects.get()
    response = browser.post(review_url(alert), review("Called; safe; crisis plan updated"))
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "clients:detail", kwargs={"client_id": at_risk_client.pk}
    )
    alert.refresh_from_db()
    assert not alert.is_open
    assert (alert.reviewed_on, alert.reviewed_by, alert.crisis_plan_updated) == (
        TODAY,
        staff[Role.CASE_MANAGER],
        True,
    )
    assert alert.review_outcome == "Called; safe; crisis plan updated"
    record = browser.get(reverse("clients:detail", kwargs={"client_id": at_risk_client.pk}))
    assert "Risk answer to review" not in record.content.decode()
    assert "Risk to review" not in browser.get(reverse("clients:caseload")).content.decode()
    assert REVIEW_TASK not in {t.what for t in tasks_for(Client.objects.all(), TODAY)}
    event = AuditEvent.objects.get(action=Action.REVIEW_RISK_ALERT)
    assert event.detail == {"alert": alert.pk, "crisis_plan_updated": True}
    assert event.actor == staff[Role.CASE_MANAGER]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (review(""), "Enter what was done"),
        (review("Called", TODAY + dt.timedelta(days=1)), "must be today or in the past"),
        (review("Called", TODAY - dt.timedelta(days=1)), "on or after the day the risk answer"),
        (review("Called", updated=""), "Select whether the crisis plan was updated"),
    ],
)
def test_a_review_must_say_what_was_done_when_and_about_the_crisis_plan(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    at_risk_client: Client,
    data: dict[str, str],
    error: str,
) -> None:
    browser = signed_in(staff[Role.CASE_MANAGER])
    record_phq9(browser, at_risk_client, 1)
    alert = RiskAlert.objects.get()
    response = browser.post(review_url(alert), data)
    assert response.status_code == 200
    assert error in response.content.decode()
    alert.refresh_from_db()
    assert alert.is_open


def test_a_hostile_review_text_is_kept_as_written_and_shown_escaped(
    staff: dict[Role, User], signed_in: Callable[[User], HttpClient], at_risk_client: Client
) -> None:
    browser = signed_in(staff[Role.CASE_MANAGER])
    record_phq9(browser, at_risk_client, 1)
    alert = RiskAlert.objects.get()
    hostile = '<script>alert(1)</script> =HYPERLINK("http://evil","x")'
    browser.post(review_url(alert), review(hostile))
    alert.refresh_from_db()
    assert alert.review_outcome == hostile
    page = browser.get(review_url(alert)).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "has been reviewed" in page
    assert "by case_manager" in page  # who reviewed it, with when
    # Sent again, nothing changes: the review is recorded once.
    browser.post(review_url(alert), review("Again"))
    alert.refresh_from_db()
    assert alert.review_outcome == hostile
    assert AuditEvent.objects.filter(action=Action.REVIEW_RISK_ALERT).count() == 1


def test_an_alert_is_reviewed_only_through_its_own_clients_record(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    at_risk_client: Client,
    make_client: Callable[..., Client],
    service: Service,
) -> None:
    browser = signed_in(staff[Role.CASE_MANAGER])
    record_phq9(browser, at_risk_client, 1)
    alert = RiskAlert.objects.get()
    someone_else = make_client(service)
    wrong = reverse("risk:review", kwargs={"client_id": someone_else.pk, "alert_id": alert.pk})
    assert browser.get(wrong).status_code == 404
    assert browser.post(wrong, review("Called")).status_code == 404
    alert.refresh_from_db()
    assert alert.is_open
