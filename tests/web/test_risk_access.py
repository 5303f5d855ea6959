"""Who can record the review of a risk alert: the casework roles of the client's own service
(service lead, case manager, data coordinator). Another service's client is a 404 that names no
one; other roles are refused with a 403 and nothing is saved or audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from access_support import declared_roles, http_cases, named_urls, table_cases
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from hiu.outcomes import INSTRUMENTS
from hiu.web.accounts.models import Service
from hiu.web.accounts.roles import Role
from hiu.web.audit.models import Action, AuditEvent
from hiu.web.clients.models import Client
from hiu.web.outcomes.services import record_measure
from hiu.web.risk.models import RiskAlert

CASEWORK = frozenset({Role.SERVICE_LEAD, Role.CASE_MANAGER, Role.DATA_COORDINATOR})
PAGES = {"risk:review": CASEWORK}
TODAY = timezone.localdate()


def raised(client: Client, by: User) -> RiskAlert:
    answers = {n: 0 for n in range(1, 9)} | {9: 1}
    record_measure(
        client, INSTRUMENTS["phq9"], by=by, completed_on=TODAY, point="review", answers=answers
    )
    return RiskAlert.objects.get(client=client)


def review_url(alert: RiskAlert) -> str:
    return reverse("risk:review", kwargs={"client_id": alert.client_id, "alert_id": alert.pk})


def review_data() -> dict[str, str]:
    day: dt.date = TODAY
    return {
        "reviewed_on_day": str(day.day),
        "reviewed_on_month": str(day.month),
        "reviewed_on_year": str(day.year),
        "what_was_done": "Called the client",
        "crisis_plan_updated": "no",
    }


def test_every_risk_page_is_in_the_access_table() -> None:
    assert named_urls("risk") == set(PAGES)


@pytest.mark.parametrize(("url_name", "roles"), table_cases(PAGES))
def test_each_page_declares_the_roles_in_the_table(url_name: str, roles: frozenset[Role]) -> None:
    assert declared_roles(url_name) == roles


@pytest.mark.db_engine
def test_signed_out_people_are_sent_to_sign_in(
    client: HttpClient,
    staff: dict[Role, User],
    make_client: Callable[..., Client],
    service: Service,
) -> None:
    alert = raised(make_client(service), staff[Role.CASE_MANAGER])
    for response in (client.get(review_url(alert)), client.post(review_url(alert), {})):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:sign_in"))


@pytest.mark.parametrize(("url_name", "allowed", "refused"), http_cases(PAGES))
@pytest.mark.db_engine
def test_casework_roles_open_the_review_and_each_view_is_audited(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    make_client: Callable[..., Client],
    service: Service,
    url_name: str,
    allowed: Role,
    refused: Role,
) -> None:
    client = make_client(service)
    alert = raised(client, staff[Role.CASE_MANAGER])
    about_client = AuditEvent.objects.filter(object_type="client")
    before = about_client.count()
    browser = signed_in(staff[refused])
    assert browser.get(review_url(alert)).status_code == 403
    assert browser.post(review_url(alert), review_data()).status_code == 403
    assert about_client.count() == before
    alert.refresh_from_db()
    assert alert.is_open
    response = signed_in(staff[allowed]).get(review_url(alert))
    assert response.status_code == 200
    assert client.family_name.encode() in response.content
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.detail, event.actor) == (
        Action.VIEW_CLIENT,
        {"page": "review_risk"},
        staff[allowed],
    )


@pytest.mark.db_engine
def test_another_services_client_is_a_404_that_names_no_one(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    make_client: Callable[..., Client],
    make_user: Callable[..., User],
    other_service: Service,
) -> None:
    theirs = make_client(other_service, family_name="Ellery")
    alert = raised(theirs, make_user("their_manager", Role.CASE_MANAGER, other_service))
    for role in sorted(CASEWORK, key=lambda r: r.name):
        browser = signed_in(staff[role])
        for response in (
            browser.get(review_url(alert)),
            browser.post(review_url(alert), review_data()),
        ):
            assert response.status_code == 404
            assert b"Ellery" not in response.content
    alert.refresh_from_db()
    assert alert.is_open
