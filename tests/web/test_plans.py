"""Consent, assessment and plans: the rules, their boundaries and refusals.

Seeds: 001 §9 and §10.3 (verbal then written consent, the RightCare form, withdrawal at any
time), 000 §2.3.2-2.3.6 (assessment, the live action plan, crisis planning, the ED protocol,
the HIU alert).
"""

from __future__ import annotations

import datetime as dt
import re
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
from hiu.web.clients.models import Client
from hiu.web.episodes.models import Episode
from hiu.web.episodes.phases import Phase, WayIn
from hiu.web.episodes.services import move, open_episode, pathway_for
from hiu.web.plans import due, presenters, services
from hiu.web.plans.models import (
    ActionPlan,
    Assessment,
    Consent,
    ConsentLevel,
    Goal,
    Progress,
    current_consent,
    sharing_stopped_on,
)
from hiu.web.plans.services import GoalLine, Refused

pytestmark = pytest.mark.db_engine

TODAY = timezone.localdate()
DAY = dt.timedelta(days=1)
ALL_STATEMENTS = {"share_information", "access_records", "referrals", "obtain_information"}


@pytest.fixture
def worker(staff: dict[Role, User]) -> User:
    return staff[Role.CASE_MANAGER]


@pytest.fixture
def person(make_client: Callable[..., Client], service: Service, worker: User) -> Client:
    """A client with an open episode, engaged a month ago."""
    client = make_client(service, case_manager=worker)
    open_episode(
        client, by=worker, way_in=WayIn.IDENTIFIED, phase=Phase.ENGAGED, on=TODAY - 30 * DAY
    )
    return client


@pytest.fixture
def browser(signed_in: Callable[[User], HttpClient], worker: User) -> HttpClient:
    return signed_in(worker)


def date_fields(name: str, day: dt.date) -> dict[str, str]:
    return {
        f"{name}_day": str(day.day),
        f"{name}_month": str(day.month),
        f"{name}_year": str(day.year),
    }


def written(client: Client, by: User, given_on: dt.date = TODAY, **kwargs: Any) -> Consent:
    return services.record_consent(
        client,
        by=by,
        level=ConsentLevel.WRITTEN,
        statements=ALL_STATEMENTS,
        given_on=given_on,
        witnessed_by="A. Worker, HIU lead",
        **kwargs,
    )


def verbal(client: Client, by: User, given_on: dt.date = TODAY) -> Consent:
    return services.record_consent(
        client, by=by, level=ConsentLevel.VERBAL, statements=ALL_STATEMENTS, given_on=given_on
    )


def url(name: str, client: Client) -> str:
    return reverse(name, kwargs={"client_id": client.pk})


def last_update(client: Client) -> AuditEvent:
    event = (
        AuditEvent.objects.filter(
            action=Action.UPDATE_CLIENT, object_type="client", object_id=str(client.pk)
        )
        .order_by("-id")
        .first()
    )
    assert event is not None
    return event


# -- Consent ----------------------------------------------------------------------------------


def test_it_defaults_the_consent_review_date_to_the_service_review_period(
    person: Client, worker: User
) -> None:
    # Given the default pathway (12 months) and consent given on 31 January 2025
    consent = verbal(person, worker, given_on=dt.date(2025, 1, 31))
    # Then it is reviewed 12 months later
    assert consent.review_on == dt.date(2026, 1, 31)

    # When the service reviews consent every 6 months, the day clamps to the month's end
    pathway = pathway_for(person.service)
    pathway.consent_review_months = 7
    pathway.save()
    again = verbal(person, worker, given_on=dt.date(2025, 7, 31))
    assert again.review_on == dt.date(2026, 2, 28)


def test_it_keeps_a_review_date_typed_in(person: Client, worker: User) -> None:
    consent = written(person, worker, given_on=TODAY, review_on=TODAY + 90 * DAY)
    assert consent.review_on == TODAY + 90 * DAY
    with pytest.raises(Refused, match="review date must be after"):
        written(person, worker, given_on=TODAY, review_on=TODAY)


def test_the_consent_form_defaults_the_review_date(browser: HttpClient, person: Client) -> None:
    given = TODAY - 10 * DAY
    data = {"level": "verbal", "statements": ["referrals"], **date_fields("given_on", given)}
    response = browser.post(url("plans:record_consent", person), data)
    assert response.status_code == 302
    consent = current_consent(person)
    assert consent is not None
    assert consent.review_on == services.default_review_on(person, given)
    assert (consent.referrals, consent.share_information) == (True, False)


def test_written_consent_needs_a_witness(browser: HttpClient, person: Client, worker: User) -> None:
    with pytest.raises(Refused, match="Enter who witnessed"):
        services.record_consent(
            person,
            by=worker,
            level=ConsentLevel.WRITTEN,
            statements=ALL_STATEMENTS,
            given_on=TODAY,
            witnessed_by="   ",
        )
    data = {
        "level": "written",
        "statements": sorted(ALL_STATEMENTS),
        **date_fields("given_on", TODAY),
    }
    response = browser.post(url("plans:record_consent", person), data)
    assert response.status_code == 200
    assert "Enter who witnessed the written consent" in response.content.decode()
    assert 'href="#witnessed_by"' in response.content.decode()
    assert not person.consents.exists()
    # Verbal consent needs none
    verbal(person, worker)
    assert person.consents.count() == 1


def test_consent_cannot_be_given_in_the_future(browser: HttpClient, person: Client) -> None:
    data = {"level": "verbal", **date_fields("given_on", TODAY + DAY)}
    response = browser.post(url("plans:record_consent", person), data)
    assert response.status_code == 200
    assert "The date consent was given must be today or in the past" in response.content.decode()
    assert not person.consents.exists()


def test_an_incomplete_date_says_what_is_missing(browser: HttpClient, person: Client) -> None:
    data = {"level": "verbal", "given_on_day": "3", "given_on_month": "", "given_on_year": "2025"}
    response = browser.post(url("plans:record_consent", person), data)
    assert "The date consent was given must include a month" in response.content.decode()
    assert 'href="#given_on-day"' in response.content.decode()


def test_withdrawal_stops_sharing_and_consenting_again_starts_it(
    browser: HttpClient, person: Client, worker: User
) -> None:
    written(person, worker, given_on=TODAY - 20 * DAY)
    assert sharing_stopped_on(person) is None

    # When the client withdraws consent
    response = browser.post(
        url("plans:withdraw_consent", person),
        {**date_fields("withdrawn_on", TODAY - 5 * DAY), "note": "Told me on the phone"},
    )
    assert response.status_code == 302
    # Then sharing stops from that day, and the consent page says so
    assert sharing_stopped_on(person) == TODAY - 5 * DAY
    page = browser.get(url("plans:consent", person)).content.decode()
    assert "Written (withdrawn)" in page
    assert "Told me on the phone" in page
    assert "Record consent again" in page

    # A consent dated before the withdrawal would not be the latest: refused
    with pytest.raises(Refused, match="on or after the withdrawal"):
        verbal(person, worker, given_on=TODAY - 6 * DAY)

    # When the client consents again
    verbal(person, worker, given_on=TODAY - 5 * DAY)
    # Then sharing is allowed again and the old consent stays in the history
    assert sharing_stopped_on(person) is None
    assert person.consents.count() == 2


def test_withdrawal_needs_a_consent_that_is_not_withdrawn(person: Client, worker: User) -> None:
    with pytest.raises(Refused, match="none has been recorded"):
        services.withdraw_consent(person, by=worker, on=TODAY)
    written(person, worker, given_on=TODAY - 3 * DAY)
    with pytest.raises(Refused, match="on or after the day consent was given"):
        services.withdraw_consent(person, by=worker, on=TODAY - 4 * DAY)
    with pytest.raises(Refused, match="today or in the past"):
        services.withdraw_consent(person, by=worker, on=TODAY + DAY)
    services.withdraw_consent(person, by=worker, on=TODAY)
    with pytest.raises(Refused, match="already withdrawn"):
        services.withdraw_consent(person, by=worker, on=TODAY)


def test_the_consent_page_shows_each_statement_and_an_overdue_review(
    browser: HttpClient, person: Client, worker: User
) -> None:
    services.record_consent(
        person,
        by=worker,
        level=ConsentLevel.WRITTEN,
        statements={"referrals"},
        given_on=TODAY - 400 * DAY,
        witnessed_by="Sam Lead, HIU lead",
        review_on=TODAY - DAY,
    )
    page = browser.get(url("plans:consent", person)).content.decode()
    assert "Consent review overdue" in page
    assert "Sam Lead, HIU lead" in page
    assert page.count("Not agreed") == 3
    assert "I agree to referrals being made" in page


def test_the_consent_page_has_no_overdue_warning_before_the_review(
    browser: HttpClient, person: Client, worker: User
) -> None:
    written(person, worker, given_on=TODAY - 10 * DAY, review_on=TODAY)
    page = browser.get(url("plans:consent", person)).content.decode()
    assert "Consent review overdue" not in page


# -- Assessment -------------------------------------------------------------------------------


def answers(**changes: Any) -> services.AssessmentAnswers:
    values: dict[str, Any] = {
        "assessed_on": TODAY,
        "own_account": "Goes to A&E when the chest pain comes at night and no one is around.",
        "needs": ["loneliness", "housing"],
        "readiness": "thinking",
        "risk_to_self": "low",
        "risk_to_others": "none",
        "risk_to_staff": "medium",
    }
    values.update(changes)
    return services.AssessmentAnswers(**values)


def test_needs_are_stored_as_codes_and_shown_as_tags(browser: HttpClient, person: Client) -> None:
    data = {
        **date_fields("assessed_on", TODAY),
        "own_account": "Lonely since moving; calls 999 when panicking.",
        "needs": ["self_harm", "loneliness", "unexplained_symptoms"],
        "readiness": "ready",
        "risk_to_self": "high",
        "risk_to_others": "none",
        "risk_to_staff": "low",
    }
    response = browser.post(url("plans:assess", person), data)
    assert response.status_code == 302
    assessment = presenters.latest_assessment(person)
    assert assessment is not None
    # Stored once each, in the order of the list
    assert assessment.needs == ["loneliness", "unexplained_symptoms", "self_harm"]
    page = browser.get(url("plans:client", person)).content.decode()
    for label in ("Loneliness and isolation", "Medically unexplained symptoms", "Self-harm"):
        assert label in page
    assert "Housing" not in page
    assert "Ready to engage" in page


@pytest.mark.parametrize("field", ["risk_to_self", "risk_to_others", "risk_to_staff"])
def test_risk_levels_are_validated(
    browser: HttpClient, person: Client, worker: User, field: str
) -> None:
    with pytest.raises(Refused, match="Select a risk level"):
        services.assess(person, answers(**{field: "extreme"}), by=worker)
    data = {
        **date_fields("assessed_on", TODAY),
        "own_account": "Account",
        "readiness": "ready",
        "risk_to_self": "none",
        "risk_to_others": "none",
        "risk_to_staff": "none",
    }
    data[field] = "extreme"
    response = browser.post(url("plans:assess", person), data)
    assert response.status_code == 200
    assert f'href="#{field}"' in response.content.decode()
    assert not Assessment.objects.exists()


def test_an_assessment_needs_the_clients_own_account_and_readiness(
    browser: HttpClient, person: Client, worker: User
) -> None:
    with pytest.raises(Refused):
        services.assess(person, answers(needs=["not_a_need"]), by=worker)
    response = browser.post(url("plans:assess", person), date_fields("assessed_on", TODAY))
    page = response.content.decode()
    assert "Enter the client&#39;s own account of why they attend" in page
    assert "Select how ready the client is to engage" in page


def test_the_main_need_is_saved_and_shown_on_the_assessment(
    browser: HttpClient, person: Client
) -> None:
    data = {
        **date_fields("assessed_on", TODAY),
        "own_account": "Lonely since moving; calls 999 when panicking.",
        "needs": ["loneliness", "mental_health"],
        "primary_need": "loneliness",
        "readiness": "ready",
        "risk_to_self": "low",
        "risk_to_others": "none",
        "risk_to_staff": "low",
    }
    assert browser.post(url("plans:assess", person), data).status_code == 302
    assessment = presenters.latest_assessment(person)
    assert assessment is not None
    assert (assessment.primary_need, assessment.needs) == (
        "loneliness",
        ["loneliness", "mental_health"],
    )
    page = browser.get(url("plans:client", person)).content.decode()
    main = page.split("Main need", 1)[1].split("</dd>", 1)[0]
    assert "Loneliness and isolation" in main


def test_a_main_need_not_ticked_is_added_to_the_needs(person: Client, worker: User) -> None:
    assessment = services.assess(
        person, answers(needs=["housing"], primary_need="substance_use"), by=worker
    )
    assert assessment.primary_need == "substance_use"
    # In the order of the list, once each.
    assert assessment.needs == ["housing", "substance_use"]


def test_the_main_need_is_optional_and_must_be_one_of_the_needs_offered(
    browser: HttpClient, person: Client, worker: User
) -> None:
    assert services.assess(person, answers(), by=worker).primary_need == ""
    with pytest.raises(Refused, match="Select the main need from the list"):
        services.assess(person, answers(primary_need="boredom"), by=worker)
    data = {
        **date_fields("assessed_on", TODAY),
        "own_account": "Account",
        "primary_need": "boredom",
        "readiness": "ready",
        "risk_to_self": "none",
        "risk_to_others": "none",
        "risk_to_staff": "none",
    }
    response = browser.post(url("plans:assess", person), data)
    page = response.content.decode()
    assert "Select the main need from the list" in page
    assert 'href="#primary_need"' in page
    assert Assessment.objects.count() == 1
    page = browser.get(url("plans:client", person)).content.decode()
    assert "Not decided" in page


def test_the_latest_of_several_assessments_is_shown(person: Client, worker: User) -> None:
    services.assess(person, answers(assessed_on=TODAY - 10 * DAY, readiness="not_ready"), by=worker)
    later = services.assess(person, answers(assessed_on=TODAY - DAY), by=worker)
    services.assess(person, answers(assessed_on=TODAY - 20 * DAY), by=worker)
    assert presenters.latest_assessment(person) == later
    assert Assessment.objects.filter(client=person).count() == 3


# -- Action plan ------------------------------------------------------------------------------


def plan_post(summary: str, goals: list[tuple[str, str, str]], rows: int = 3) -> dict[str, str]:
    data = {"summary": summary, "rows": str(rows), **date_fields("review_on", TODAY + 28 * DAY)}
    for i, (description, progress, note) in enumerate(goals):
        data[f"goal_{i}_description"] = description
        data[f"goal_{i}_progress"] = progress
        data[f"goal_{i}_note"] = note
    return data


def test_a_new_version_keeps_the_old_versions_goals_intact(
    browser: HttpClient, person: Client
) -> None:
    # Given version 1 with two goals
    response = browser.post(
        url("plans:edit_plan", person),
        plan_post(
            "Connect with community support",
            [("Join the lunch club", "not_started", ""), ("See the GP monthly", "not_started", "")],
        ),
    )
    assert response.status_code == 302
    # When the plan is saved again with a goal changed, one dropped and one added
    browser.post(
        url("plans:edit_plan", person),
        plan_post(
            "Connect with community support, and housing",
            [
                ("Join the lunch club", "achieved", "Goes every Tuesday"),
                ("", "not_started", ""),
                ("Housing application", "in_progress", ""),
            ],
            rows=5,
        ),
    )
    # Then there are two versions and version 1 is as it was
    v1, v2 = ActionPlan.objects.filter(client=person).order_by("version")
    assert (v1.version, v2.version) == (1, 2)
    assert [(g.description, g.progress, g.note) for g in v1.goals.all()] == [
        ("Join the lunch club", "not_started", ""),
        ("See the GP monthly", "not_started", ""),
    ]
    assert [(g.position, g.description, g.progress) for g in v2.goals.all()] == [
        (1, "Join the lunch club", "achieved"),
        (2, "Housing application", "in_progress"),
    ]
    # And the history shows either version
    page = browser.get(url("plans:plan_history", person) + "?version=1").content.decode()
    assert "See the GP monthly" in page
    assert "Housing application" not in page
    page = browser.get(url("plans:plan_history", person)).content.decode()
    assert "Housing application" in page
    assert browser.get(url("plans:plan_history", person) + "?version=9").status_code == 404
    assert browser.get(url("plans:plan_history", person) + "?version=x").status_code == 404


def test_the_plan_form_offers_the_current_goals_and_three_blank_rows(
    browser: HttpClient, person: Client, worker: User
) -> None:
    services.save_plan(
        person,
        by=worker,
        summary="Plan",
        review_on=TODAY,
        goals=[GoalLine("First"), GoalLine("Second", Progress.IN_PROGRESS)],
    )
    page = browser.get(url("plans:edit_plan", person)).content.decode()
    assert 'name="goal_4_description"' in page
    assert 'name="goal_5_description"' not in page
    assert 'value="Second"' in page
    # The review date defaults to today plus the service's plan review period (4 weeks)
    review = TODAY + dt.timedelta(weeks=4)
    assert input_value(page, "review_on_day") == str(review.day)
    assert input_value(page, "review_on_month") == str(review.month)
    assert input_value(page, "review_on_year") == str(review.year)


def input_value(page: str, name: str) -> str:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
    assert tag is not None, name
    value = re.search(r'value="([^"]*)"', tag.group(0))
    return value.group(1) if value else ""


def test_a_plan_needs_a_summary_and_a_goal(browser: HttpClient, person: Client) -> None:
    response = browser.post(url("plans:edit_plan", person), plan_post("", [("", "", "A note")]))
    page = response.content.decode()
    assert "Enter a summary of the plan" in page
    assert "Enter goal 1, or clear its note" in page
    response = browser.post(url("plans:edit_plan", person), plan_post("Summary", []))
    assert "Enter at least one goal" in response.content.decode()
    assert not ActionPlan.objects.exists()


def test_a_plan_review_date_in_the_past_is_refused(person: Client, worker: User) -> None:
    with pytest.raises(Refused, match="review date"):
        services.save_plan(
            person, by=worker, summary="S", review_on=TODAY - DAY, goals=[GoalLine("G")]
        )


def test_plan_summary_counts_the_current_goals_by_progress(person: Client, worker: User) -> None:
    assert presenters.plan_summary(person) is None
    services.save_plan(person, by=worker, summary="S", review_on=TODAY, goals=[GoalLine("Old")])
    services.save_plan(
        person,
        by=worker,
        summary="S",
        review_on=TODAY,
        goals=[
            GoalLine("A", Progress.ACHIEVED),
            GoalLine("B", Progress.IN_PROGRESS),
            GoalLine("C", Progress.IN_PROGRESS),
        ],
    )
    summary = presenters.plan_summary(person)
    assert summary is not None
    assert summary.version == 2
    assert summary.counts == {
        "not_started": 0,
        "in_progress": 2,
        "achieved": 1,
        "no_longer_relevant": 0,
    }
    assert summary.text == "3 goals: 1 achieved, 2 in progress"


def test_goal_progress_share_reads_each_clients_current_plan(
    make_client: Callable[..., Client],
    service: Service,
    other_service: Service,
    worker: User,
) -> None:
    moving, stalled, went_back, elsewhere, _no_plan = (
        make_client(service),
        make_client(service),
        make_client(service),
        make_client(other_service),
        make_client(service),
    )
    services.save_plan(
        moving, by=worker, summary="S", review_on=TODAY, goals=[GoalLine("A", "achieved")]
    )
    services.save_plan(stalled, by=worker, summary="S", review_on=TODAY, goals=[GoalLine("A")])
    # Progress in an old version only does not count
    services.save_plan(
        went_back, by=worker, summary="S", review_on=TODAY, goals=[GoalLine("A", "in_progress")]
    )
    services.save_plan(
        went_back,
        by=worker,
        summary="S",
        review_on=TODAY,
        goals=[GoalLine("A", "no_longer_relevant")],
    )
    services.save_plan(
        elsewhere, by=worker, summary="S", review_on=TODAY, goals=[GoalLine("A", "achieved")]
    )
    assert presenters.goal_progress_share(service) == (1, 3)


# -- Crisis and ED plans ----------------------------------------------------------------------


def test_crisis_plan_versions_are_kept_and_the_latest_is_current(
    browser: HttpClient, person: Client
) -> None:
    fields = ("triggers", "early_warning_signs", "what_helps", "who_to_contact")
    browser.post(url("plans:crisis", person), dict.fromkeys(fields, "first"))
    browser.post(url("plans:crisis", person), {**dict.fromkeys(fields, ""), "what_helps": "second"})
    assert [p.what_helps for p in person.crisis_plans.order_by("version")] == ["first", "second"]
    page = browser.get(url("plans:crisis", person)).content.decode()
    assert "Current plan" in page
    assert "second" in page
    old = browser.get(url("plans:crisis", person) + "?version=1").content.decode()
    assert "Version 1" in old
    assert "first" in old
    response = browser.post(url("plans:crisis", person), dict.fromkeys(fields, " "))
    assert "Enter at least one part of the crisis plan" in response.content.decode()
    assert person.crisis_plans.count() == 2


def test_an_ed_plan_is_not_shared_after_consent_is_withdrawn(
    browser: HttpClient, person: Client, worker: User
) -> None:
    written(person, worker, given_on=TODAY - 10 * DAY)
    shared = services.save_ed_plan(
        person, by=worker, response="Call the HIU lead", shared_on=TODAY - DAY
    )
    assert shared.shared_on == TODAY - DAY
    services.withdraw_consent(person, by=worker, on=TODAY)

    with pytest.raises(Refused, match="withdrew consent"):
        services.save_ed_plan(person, by=worker, response="Call", shared_on=TODAY)
    data = {"response": "Call the HIU lead", **date_fields("shared_on", TODAY)}
    response = browser.post(url("plans:ed_plan", person), data)
    assert response.status_code == 200
    assert "The plan cannot be shared with ED" in response.content.decode()
    # Keeping the plan up to date without sharing it is allowed
    response = browser.post(url("plans:ed_plan", person), {"response": "Updated, not shared"})
    assert response.status_code == 302
    assert person.ed_plans.count() == 2
    page = browser.get(url("plans:ed_plan", person)).content.decode()
    assert "must not be shared with ED" in page


def test_an_ed_plan_needs_the_response(browser: HttpClient, person: Client) -> None:
    response = browser.post(url("plans:ed_plan", person), {"response": " ", "agreed_with": "Dr A"})
    assert "Enter how ED and urgent care should respond" in response.content.decode()


# -- HIU alert --------------------------------------------------------------------------------


def test_setting_the_alert_needs_a_note(browser: HttpClient, person: Client, worker: User) -> None:
    with pytest.raises(Refused, match="Enter why"):
        services.set_alert(person, by=worker, active=True, note="  ")
    response = browser.post(url("plans:alert", person), {"active": "yes", "note": ""})
    assert "Enter why the HIU alert is set" in response.content.decode()
    person.refresh_from_db()
    assert not person.alert_active

    response = browser.post(url("plans:alert", person), {"active": "yes", "note": "Has a CMC plan"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.alert_active, person.alert_note, person.alert_changed_on) == (
        True,
        "Has a CMC plan",
        TODAY,
    )
    assert last_update(person).detail == {"what": "alert", "active": True}
    page = browser.get(url("plans:client", person)).content.decode()
    assert "HIU alert" in page
    assert "Has a CMC plan" in page

    # Clearing needs no note
    browser.post(url("plans:alert", person), {"active": "no", "note": ""})
    person.refresh_from_db()
    assert not person.alert_active
    assert last_update(person).detail == {"what": "alert", "active": False}


# -- Audit ------------------------------------------------------------------------------------


def test_every_change_is_audited_without_free_text(person: Client, worker: User) -> None:
    consent = written(person, worker, given_on=TODAY - DAY)
    assert last_update(person).detail == {"what": "consent", "consent": consent.pk}
    services.withdraw_consent(person, by=worker, on=TODAY, note="Private words")
    assert last_update(person).detail == {"what": "consent_withdrawn", "consent": consent.pk}
    assessment = services.assess(person, answers(), by=worker)
    assert last_update(person).detail == {"what": "assessment", "assessment": assessment.pk}
    plan = services.save_plan(
        person, by=worker, summary="S", review_on=TODAY, goals=[GoalLine("G")]
    )
    assert last_update(person).detail == {"what": "action_plan", "plan": plan.pk, "version": 1}
    crisis = services.save_crisis_plan(
        person, by=worker, triggers="T", early_warning_signs="", what_helps="", who_to_contact=""
    )
    assert last_update(person).detail == {"what": "crisis_plan", "plan": crisis.pk, "version": 1}
    ed = services.save_ed_plan(person, by=worker, response="R")
    assert last_update(person).detail == {"what": "ed_plan", "plan": ed.pk, "version": 1}
    events = AuditEvent.objects.filter(object_id=str(person.pk), action=Action.UPDATE_CLIENT)
    assert all(event.actor == worker for event in events)
    assert not any("Private" in str(event.detail) for event in events)


# -- Tasks due --------------------------------------------------------------------------------


def tasks(service: Service) -> list[tuple[str, dt.date]]:
    found = due.tasks_due(Client.objects.filter(service=service), TODAY)
    return sorted((task.what, task.due_on) for task in found)


def test_consent_review_tasks_show_from_fourteen_days_ahead(
    make_client: Callable[..., Client], service: Service, worker: User
) -> None:
    def client_with_review(review_on: dt.date) -> Client:
        client = make_client(service)
        open_episode(
            client, by=worker, way_in=WayIn.REFERRED, phase=Phase.ENGAGED, on=TODAY - 400 * DAY
        )
        written(client, worker, given_on=TODAY - 300 * DAY, review_on=review_on)
        return client

    client_with_review(TODAY + 14 * DAY)
    client_with_review(TODAY + 15 * DAY)
    client_with_review(TODAY - 30 * DAY)
    assert tasks(service) == [
        ("Renew consent", TODAY - 30 * DAY),
        ("Renew consent", TODAY + 14 * DAY),
    ]


def test_verbal_consent_asks_for_written_consent_after_fourteen_days(
    person: Client, worker: User, service: Service
) -> None:
    verbal(person, worker, given_on=TODAY - 20 * DAY)
    assert tasks(service) == [("Take written consent", TODAY - 6 * DAY)]
    written(person, worker, given_on=TODAY - DAY)
    assert tasks(service) == []


def test_verbal_consent_given_today_shows_its_written_consent_task_at_the_edge(
    person: Client, worker: User, service: Service
) -> None:
    verbal(person, worker, given_on=TODAY)
    assert tasks(service) == [("Take written consent", TODAY + 14 * DAY)]


def test_withdrawn_consent_and_closed_episodes_have_no_tasks(
    person: Client, worker: User, service: Service
) -> None:
    verbal(person, worker, given_on=TODAY - 400 * DAY)
    services.save_plan(person, by=worker, summary="S", review_on=TODAY, goals=[GoalLine("G")])
    assert {what for what, _ in tasks(service)} == {
        "Renew consent",
        "Take written consent",
        "Review the action plan",
    }
    services.withdraw_consent(person, by=worker, on=TODAY)
    assert tasks(service) == [("Review the action plan", TODAY)]
    episode = Episode.objects.get(client=person)
    move(episode, Phase.CLOSED, by=worker, reason="Moved away")
    assert tasks(service) == []


def test_plan_review_tasks_follow_the_current_version(
    person: Client, worker: User, service: Service
) -> None:
    services.save_plan(
        person, by=worker, summary="S", review_on=TODAY + 14 * DAY, goals=[GoalLine("G")]
    )
    assert tasks(service) == [("Review the action plan", TODAY + 14 * DAY)]
    services.save_plan(
        person, by=worker, summary="S", review_on=TODAY + 15 * DAY, goals=[GoalLine("G")]
    )
    assert tasks(service) == []
    # Overdue: an old plan whose review date has passed
    ActionPlan.objects.filter(client=person, version=2).update(review_on=TODAY - 3 * DAY)
    assert tasks(service) == [("Review the action plan", TODAY - 3 * DAY)]


def test_tasks_link_to_where_they_are_done(person: Client, worker: User, service: Service) -> None:
    verbal(person, worker, given_on=TODAY - 20 * DAY)
    services.save_plan(person, by=worker, summary="S", review_on=TODAY, goals=[GoalLine("G")])
    found = due.tasks_due(Client.objects.filter(service=service), TODAY)
    urls = {task.what: (task.url, task.kind, task.client_name) for task in found}
    assert urls["Take written consent"] == (
        url("plans:record_consent", person),
        "consent",
        person.full_name,
    )
    assert urls["Review the action plan"] == (
        url("plans:edit_plan", person),
        "plan",
        person.full_name,
    )


# -- Every page with realistic data -----------------------------------------------------------


def test_every_page_renders_with_a_full_record(
    browser: HttpClient, person: Client, worker: User
) -> None:
    verbal(person, worker, given_on=TODAY - 40 * DAY)
    written(person, worker, given_on=TODAY - 30 * DAY)
    services.assess(person, answers(), by=worker)
    services.save_plan(
        person,
        by=worker,
        summary="Reduce A&E visits by linking with the lunch club",
        review_on=TODAY + 7 * DAY,
        goals=[GoalLine("Lunch club", Progress.ACHIEVED, "Tuesdays"), GoalLine("GP visit")],
    )
    services.save_plan(person, by=worker, summary="v2", review_on=TODAY, goals=[GoalLine("GP")])
    services.save_crisis_plan(
        person,
        by=worker,
        triggers="Anniversaries",
        early_warning_signs="Stops answering",
        what_helps="A call",
        who_to_contact="HIU lead 0300 000 0000",
    )
    services.save_ed_plan(person, by=worker, response="Call the HIU lead", agreed_with="ED lead")
    services.set_alert(person, by=worker, active=True, note="CMC plan in place")
    services.withdraw_consent(person, by=worker, on=TODAY)
    for name in (
        "plans:consent",
        "plans:record_consent",
        "plans:withdraw_consent",
        "plans:client",
        "plans:assess",
        "plans:edit_plan",
        "plans:plan_history",
        "plans:crisis",
        "plans:ed_plan",
        "plans:alert",
    ):
        response = browser.get(url(name, person))
        assert response.status_code == 200, name
        assert person.family_name in response.content.decode()
    overview = browser.get(url("plans:client", person)).content.decode()
    assert "1 goal: 1 not started" in overview
    assert "Anniversaries" in overview
    assert "Call the HIU lead" in overview
    assert Goal.objects.count() == 3
