"""Who can open the consent and plans pages of a client record, and what each visit writes to
the audit log.

The table is the specification: every page in the "plans" namespace must be in it. Client
records are for the casework roles of the client's own service; a client of another service is
a 404 that does not disclose the record.
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
from hiu.web.plans.models import Consent

TODAY = timezone.localdate()
CASEWORK = frozenset({Role.SERVICE_LEAD, Role.CASE_MANAGER, Role.DATA_COORDINATOR})
ALLOWED = sorted(CASEWORK, key=lambda r: r.name)


def date_fields(name: str, day: dt.date) -> dict[str, str]:
    return {
        f"{name}_day": str(day.day),
        f"{name}_month": str(day.month),
        f"{name}_year": str(day.year),
    }


def with_consent(client: Client) -> None:
    Consent.objects.create(
        client=client, level="verbal", given_on=TODAY, review_on=TODAY + dt.timedelta(days=365)
    )


def nothing(client: Client) -> None:
    return None


# URL name -> (the page name its GET writes to the audit log, the roles that may open it).
PAGES: dict[str, tuple[str, frozenset[Role]]] = {
    "plans:consent": ("consent", CASEWORK),
    "plans:record_consent": ("record_consent", CASEWORK),
    "plans:withdraw_consent": ("withdraw_consent", CASEWORK),
    "plans:client": ("plans", CASEWORK),
    "plans:assess": ("assess", CASEWORK),
    "plans:edit_plan": ("edit_plan", CASEWORK),
    "plans:plan_history": ("plan_history", CASEWORK),
    "plans:crisis": ("crisis_plan", CASEWORK),
    "plans:ed_plan": ("ed_plan", CASEWORK),
    "plans:alert": ("alert", CASEWORK),
}

# URL name -> (set-up before the POST, a valid POST, the audit event's "what").
FORMS: dict[str, tuple[Callable[[Client], None], dict[str, Any], str]] = {
    "plans:record_consent": (
        nothing,
        {"level": "verbal", "statements": ["referrals"], **date_fields("given_on", TODAY)},
        "consent",
    ),
    "plans:withdraw_consent": (
        with_consent,
        date_fields("withdrawn_on", TODAY),
        "consent_withdrawn",
    ),
    "plans:assess": (
        nothing,
        {
            **date_fields("assessed_on", TODAY),
            "own_account": "Lonely at night",
            "needs": ["loneliness"],
            "readiness": "ready",
            "risk_to_self": "low",
            "risk_to_others": "none",
            "risk_to_staff": "none",
        },
        "assessment",
    ),
    "plans:edit_plan": (
        nothing,
        {
            "summary": "Plan",
            "rows": "3",
            "goal_0_description": "Lunch club",
            "goal_0_progress": "not_started",
            **date_fields("review_on", TODAY),
        },
        "action_plan",
    ),
    "plans:crisis": (nothing, {"what_helps": "A call"}, "crisis_plan"),
    "plans:ed_plan": (nothing, {"response": "Call the HIU lead"}, "ed_plan"),
    "plans:alert": (nothing, {"active": "yes", "note": "CMC plan"}, "alert"),
}


def page_url(name: str, client: Client) -> str:
    return reverse(name, kwargs={"client_id": client.pk})


def test_every_plans_page_is_in_the_access_table() -> None:
    assert named_urls("plans") == set(PAGES)
    assert set(FORMS) <= set(PAGES)


@pytest.mark.parametrize("url_name", sorted(PAGES))
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


ROLES_BY_PAGE = {name: roles for name, (_, roles) in PAGES.items()}


@pytest.mark.parametrize(("url_name", "roles"), table_cases(ROLES_BY_PAGE))
def test_each_page_declares_the_roles_in_the_table(url_name: str, roles: frozenset[Role]) -> None:
    assert declared_roles(url_name) == roles


@pytest.mark.parametrize(("url_name", "allowed", "refused"), http_cases(ROLES_BY_PAGE))
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
    page, _ = PAGES[url_name]
    # Other roles are refused, and nothing is audited.
    browser = signed_in(staff[refused])
    response = browser.get(page_url(url_name, record))
    assert response.status_code == 403
    assert record.family_name.encode() not in response.content
    if url_name in FORMS:
        setup, data, _ = FORMS[url_name]
        setup(record)
        assert browser.post(page_url(url_name, record), data).status_code == 403
    assert not AuditEvent.objects.filter(object_id=str(record.pk)).exists()
    response = signed_in(staff[allowed]).get(page_url(url_name, record))
    assert response.status_code == 200
    assert record.family_name.encode() in response.content
    event = AuditEvent.objects.get(object_id=str(record.pk))
    assert (event.action, event.object_type, event.detail) == (
        Action.VIEW_CLIENT,
        "client",
        {"page": page},
    )
    assert event.actor == staff[allowed]


@pytest.mark.parametrize("url_name", sorted(PAGES))
@pytest.mark.db_engine
def test_another_services_client_is_not_found(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    make_client: Callable[..., Client],
    other_service: Service,
    url_name: str,
) -> None:
    record = make_client(other_service)
    setup, data, _ = FORMS.get(url_name, (nothing, {}, ""))
    setup(record)
    for role in ALLOWED:
        browser = signed_in(staff[role])
        response = browser.get(page_url(url_name, record))
        assert response.status_code == 404, role
        assert record.family_name.encode() not in response.content
        if url_name in FORMS:
            response = browser.post(page_url(url_name, record), data)
            assert response.status_code == 404, role
            assert record.family_name.encode() not in response.content
    assert not AuditEvent.objects.filter(object_id=str(record.pk)).exists()
    record.refresh_from_db()
    assert not record.alert_active


@pytest.mark.parametrize("url_name", sorted(FORMS))
@pytest.mark.db_engine
def test_a_valid_form_redirects_and_writes_its_audit_event(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    make_client: Callable[..., Client],
    service: Service,
    url_name: str,
) -> None:
    role = an_allowed_role(CASEWORK, url_name)
    record = make_client(service)
    setup, data, what = FORMS[url_name]
    setup(record)
    response = signed_in(staff[role]).post(page_url(url_name, record), data)
    assert response.status_code == 302
    event = AuditEvent.objects.get(object_id=str(record.pk), action=Action.UPDATE_CLIENT)
    assert event.detail["what"] == what
    assert event.actor == staff[role]
    # A write is not a view: nothing else is logged for the POST
    assert not AuditEvent.objects.filter(
        object_id=str(record.pk), action=Action.VIEW_CLIENT
    ).exists()


@pytest.mark.db_engine
def test_a_form_sent_back_with_errors_is_audited_as_a_view(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    make_client: Callable[..., Client],
    service: Service,
) -> None:
    record = make_client(service)
    response = signed_in(staff[Role.CASE_MANAGER]).post(
        page_url("plans:alert", record), {"active": "yes"}
    )
    assert response.status_code == 200
    event = AuditEvent.objects.get(object_id=str(record.pk))
    assert (event.action, event.detail) == (Action.VIEW_CLIENT, {"page": "alert"})
