"""The frame every client record page shares: the tabs, the phase and the warnings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django.urls import reverse

from hiu.web.accounts.models import Service
from hiu.web.accounts.roles import Role
from hiu.web.audit.models import Action, AuditEvent
from hiu.web.clients.models import Client
from hiu.web.clients.sections import CLIENT_PAGES
from hiu.web.plans.models import Consent

pytestmark = [pytest.mark.django_db, pytest.mark.db_engine]


@pytest.fixture
def record(make_client: Callable[..., Client], service: Service, staff: dict[Role, User]) -> Client:
    return make_client(service, case_manager=staff[Role.CASE_MANAGER])


@pytest.mark.parametrize("page", CLIENT_PAGES, ids=lambda p: p.url_name)
def test_every_record_page_shows_every_tab_and_marks_its_own(
    record: Client, staff: dict[Role, User], signed_in: Callable[[User], HttpClient], page: object
) -> None:
    url_name = page.url_name  # type: ignore[attr-defined]
    html = (
        signed_in(staff[Role.CASE_MANAGER])
        .get(reverse(url_name, kwargs={"client_id": record.pk}))
        .content.decode()
    )
    for tab in CLIENT_PAGES:
        assert f'href="{reverse(tab.url_name, kwargs={"client_id": record.pk})}"' in html
    own = reverse(url_name, kwargs={"client_id": record.pk})
    assert f'href="{own}" aria-current="page"' in html


def test_withdrawn_consent_is_said_on_every_record_page(
    record: Client, staff: dict[Role, User], signed_in: Callable[[User], HttpClient]
) -> None:
    given = dt.date(2026, 1, 5)
    Consent.objects.create(
        client=record,
        level="verbal",
        given_on=given,
        review_on=given,
        withdrawn_on=dt.date(2026, 2, 1),
    )
    for page in CLIENT_PAGES:
        html = (
            signed_in(staff[Role.CASE_MANAGER])
            .get(reverse(page.url_name, kwargs={"client_id": record.pk}))
            .content.decode()
        )
        assert "withdrew consent on 1 February 2026" in html, page.url_name


@pytest.mark.parametrize(
    "url_name",
    [
        "contacts:new",
        "contacts:make_letter",
        "contacts:check_in",
        "plans:record_consent",
        "plans:assess",
        "interventions:new",
        "interventions:onward",
    ],
)
def test_a_form_sent_back_with_its_errors_is_a_view_of_the_record(
    record: Client,
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    url_name: str,
) -> None:
    """An empty form comes back with its errors inside the record's frame (name, NHS number):
    that is a view of the record, written once, like opening the page."""
    response = signed_in(staff[Role.CASE_MANAGER]).post(
        reverse(url_name, kwargs={"client_id": record.pk}), {}
    )
    assert response.status_code == 200
    assert record.nhs_number.replace(" ", "")[:3] in response.content.decode().replace(" ", "")
    views = AuditEvent.objects.filter(
        action=Action.VIEW_CLIENT, object_type="client", object_id=str(record.pk)
    )
    assert views.count() == 1
    assert views.get().actor == staff[Role.CASE_MANAGER]
