"""Who can open the outcome pages, and what each visit writes to the audit log.

The tables are the specification: every page in the "outcomes" namespace must be in one. A
client's outcome pages are for the casework roles of the client's own service (another
service's client is a 404 that discloses nothing); the experience questionnaire is the service
lead's; the outcome summary is the lead's and the data coordinator's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from access_support import (
    an_allowed_role,
    declared_roles,
    http_cases,
    named_urls,
    table_cases,
)
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from hiu.web.accounts.models import Service
from hiu.web.accounts.roles import Role
from hiu.web.audit.models import Action, AuditEvent
from hiu.web.clients.models import Client
from hiu.web.outcomes.models import GoalRating, OutcomeRecord, PremQuestionnaire, PremResponse
from hiu.web.plans.models import ActionPlan, Goal

TODAY = timezone.localdate()
CASEWORK = frozenset({Role.SERVICE_LEAD, Role.CASE_MANAGER, Role.DATA_COORDINATOR})
ALLOWED = sorted(CASEWORK, key=lambda r: r.name)


def date_fields(name: str, day: dt.date) -> dict[str, str]:
    return {
        f"{name}_day": str(day.day),
        f"{name}_month": str(day.month),
        f"{name}_year": str(day.year),
    }


def no_setup(client: Client) -> dict[str, str]:
    return {}


def with_goal(client: Client) -> dict[str, str]:
    plan = ActionPlan.objects.create(client=client, version=1, summary="Plan", review_on=TODAY)
    goal = Goal.objects.create(plan=plan, position=1, description="Go to the lunch club")
    return {f"goal_{goal.pk}": "4"}


# Client pages: URL name -> the page its GET writes to the audit log.
CLIENT_PAGES: dict[str, str] = {
    "outcomes:client": "outcomes",
    "outcomes:record": "record_outcome",
    "outcomes:goals": "rate_goals",
    "outcomes:prem": "record_experience",
}

# URL name -> (set-up before the POST, giving extra data; a valid POST; the audit "what").
FORMS: dict[str, tuple[Callable[[Client], dict[str, str]], dict[str, Any], str]] = {
    "outcomes:record": (
        no_setup,
        {
            "instrument": "gad7",
            "point": "baseline",
            **date_fields("completed_on", TODAY),
            **{f"item_{n}": "1" for n in range(1, 8)},
        },
        "outcome_measure",
    ),
    "outcomes:goals": (with_goal, date_fields("rated_on", TODAY), "goal_ratings"),
    "outcomes:prem": (
        no_setup,
        {"point": "step_down", "answer_overall": "1", **date_fields("completed_on", TODAY)},
        "experience_questionnaire",
    ),
}
STORED = (OutcomeRecord, GoalRating, PremResponse)

# Service pages: URL name -> the roles that may open it.
SERVICE_PAGES: dict[str, frozenset[Role]] = {
    "outcomes:questionnaire": frozenset({Role.SERVICE_LEAD}),
    "outcomes:summary": frozenset({Role.SERVICE_LEAD, Role.DATA_COORDINATOR}),
}


def page_url(name: str, client: Client) -> str:
    return reverse(name, kwargs={"client_id": client.pk})


def nothing_stored() -> bool:
    return not any(model.objects.exists() for model in STORED)


def test_every_outcomes_page_is_in_an_access_table() -> None:
    assert named_urls("outcomes") == set(CLIENT_PAGES) | set(SERVICE_PAGES)
    assert set(FORMS) <= set(CLIENT_PAGES)


@pytest.mark.parametrize("url_name", sorted(CLIENT_PAGES))
def test_signed_out_people_are_sent_to_sign_in(
    client: HttpClient, make_client: Callable[..., Client], service: Service, url_name: str
) -> None:
    record = make_client(service)
    for response in (
        client.get(page_url(url_name, record)),
        client.post(page_url(url_name, record), {}),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:sign_in"))


@pytest.mark.parametrize(
    ("url_name", "roles"), table_cases(dict.fromkeys(CLIENT_PAGES, CASEWORK) | SERVICE_PAGES)
)
def test_each_page_declares_the_roles_in_the_table(url_name: str, roles: frozenset[Role]) -> None:
    assert declared_roles(url_name) == roles


@pytest.mark.parametrize(
    ("url_name", "allowed", "refused"), http_cases(dict.fromkeys(CLIENT_PAGES, CASEWORK))
)
@pytest.mark.db_engine
def test_casework_roles_open_their_own_services_clients_and_each_view_is_audited(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    make_client: Callable[..., Client],
    service: Service,
    url_name: str,
    allowed: Role,
    refused: Role,
) -> None:
    record = make_client(service)
    # Other roles are refused a client's outcomes, and nothing is stored or audited.
    browser = signed_in(staff[refused])
    response = browser.get(page_url(url_name, record))
    assert response.status_code == 403
    assert record.family_name.encode() not in response.content
    if url_name in FORMS:
        setup, data, _ = FORMS[url_name]
        response = browser.post(page_url(url_name, record), {**data, **setup(record)})
        assert response.status_code == 403
    assert nothing_stored()
    assert not AuditEvent.objects.filter(object_id=str(record.pk)).exists()
    response = signed_in(staff[allowed]).get(page_url(url_name, record))
    assert response.status_code == 200
    assert record.family_name.encode() in response.content
    event = AuditEvent.objects.get(object_id=str(record.pk))
    assert (event.action, event.object_type, event.detail) == (
        Action.VIEW_CLIENT,
        "client",
        {"page": CLIENT_PAGES[url_name]},
    )
    assert event.actor == staff[allowed]


@pytest.mark.parametrize("url_name", sorted(FORMS))
@pytest.mark.db_engine
def test_each_form_records_the_outcome_and_audits_it(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    make_client: Callable[..., Client],
    service: Service,
    url_name: str,
) -> None:
    role = an_allowed_role(CASEWORK, url_name)
    record = make_client(service)
    setup, data, what = FORMS[url_name]
    response = signed_in(staff[role]).post(page_url(url_name, record), {**data, **setup(record)})
    assert response.status_code == 302
    assert response["Location"] == page_url("outcomes:client", record)
    assert not nothing_stored()
    event = AuditEvent.objects.get(object_id=str(record.pk))
    assert (event.action, event.object_type, event.detail["what"], event.actor) == (
        Action.RECORD_OUTCOME,
        "client",
        what,
        staff[role],
    )


@pytest.mark.parametrize("url_name", sorted(FORMS))
@pytest.mark.db_engine
def test_a_form_sent_back_with_errors_is_a_view_of_the_record(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    make_client: Callable[..., Client],
    service: Service,
    url_name: str,
) -> None:
    record = make_client(service)
    setup, data, _ = FORMS[url_name]
    broken = {**data, **setup(record), **date_fields("completed_on", TODAY)}
    broken.update({"completed_on_day": "31", "completed_on_month": "2", "rated_on_day": "31"})
    broken.update({"rated_on_month": "2"})
    response = signed_in(staff[Role.CASE_MANAGER]).post(page_url(url_name, record), broken)
    assert response.status_code == 200
    assert b"must be a real date" in response.content
    assert nothing_stored()
    event = AuditEvent.objects.get(object_id=str(record.pk))
    assert (event.action, event.detail) == (Action.VIEW_CLIENT, {"page": CLIENT_PAGES[url_name]})


@pytest.mark.parametrize("url_name", sorted(CLIENT_PAGES))
@pytest.mark.db_engine
def test_another_services_client_is_not_found(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    make_client: Callable[..., Client],
    other_service: Service,
    url_name: str,
) -> None:
    record = make_client(other_service)
    setup, data, _ = FORMS.get(url_name, (no_setup, {}, ""))
    extra = setup(record)
    for role in ALLOWED:
        browser = signed_in(staff[role])
        response = browser.get(page_url(url_name, record))
        assert response.status_code == 404, role
        assert record.family_name.encode() not in response.content
        if url_name in FORMS:
            response = browser.post(page_url(url_name, record), {**data, **extra})
            assert response.status_code == 404, role
            assert record.family_name.encode() not in response.content
    assert nothing_stored()
    assert not AuditEvent.objects.filter(object_id=str(record.pk)).exists()


@pytest.mark.parametrize(("url_name", "allowed", "refused"), http_cases(SERVICE_PAGES))
@pytest.mark.db_engine
def test_service_pages_are_for_their_roles_only(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    service: Service,
    url_name: str,
    allowed: Role,
    refused: Role,
) -> None:
    for role in (refused, allowed):
        browser = signed_in(staff[role])
        response = browser.get(reverse(url_name))
        assert response.status_code == (200 if role == allowed else 403)
        if url_name == "outcomes:summary":
            events = AuditEvent.objects.filter(action=Action.VIEW_OUTCOME_SUMMARY)
            assert [(e.actor, e.object_id) for e in events] == (
                [(staff[role], str(service.pk))] if role == allowed else []
            )
        if url_name == "outcomes:questionnaire":
            response = browser.post(reverse(url_name), {"rows": "1"})
            # 200: sent back with errors
            assert response.status_code == (200 if role == allowed else 403)
            assert not PremQuestionnaire.objects.exists()


@pytest.mark.db_engine
def test_a_lead_changes_only_their_own_services_questionnaire(
    make_user: Callable[..., User],
    signed_in: Callable[[User], HttpClient],
    service: Service,
    other_service: Service,
) -> None:
    other_lead = make_user("other_lead", Role.SERVICE_LEAD, other_service)
    response = signed_in(other_lead).post(
        reverse("outcomes:questionnaire"),
        {
            "rows": "1",
            "question_0_text": "How was it?",
            "question_0_options": "Good\nBad",
            "question_0_positive": "1",
            "headline": "0",
        },
    )
    assert response.status_code == 302
    saved = PremQuestionnaire.objects.get()
    assert saved.service == other_service
    event = AuditEvent.objects.get(action=Action.CHANGE_OUTCOME_SETTINGS)
    assert (event.actor, event.object_type, event.object_id, event.detail["version"]) == (
        other_lead,
        "service",
        str(other_service.pk),
        1,
    )
