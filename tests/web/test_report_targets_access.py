"""Who can open the report targets pages: the service lead of the service, and no one else.

The table is the specification: every targets page of the "reports" namespace must be in it
(the report pages of the same namespace are in test_reports_access.py). Targets belong to the
lead's own service, found from who is signed in, so another service's targets cannot be named
in a URL at all: a lead of another service sees and changes only their own.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from access_support import declared_roles, http_cases, named_urls, table_cases
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django.urls import reverse

from hiu.web.accounts.models import Service
from hiu.web.accounts.roles import Role
from hiu.web.audit.models import Action, AuditEvent
from hiu.web.reports.models import ServiceTarget

# URL name -> (its URL's arguments, a valid POST or None for a page without a form).
PAGES: dict[str, tuple[dict[str, str], dict[str, str] | None]] = {
    "reports:targets": ({}, None),
    "reports:target": ({"kpi": "new_referrals"}, {"value": "25"}),
}
ALLOWED = frozenset({Role.SERVICE_LEAD})


def test_every_targets_page_is_in_the_access_table() -> None:
    targets_pages = {name for name in named_urls("reports") if name.startswith("reports:target")}
    assert targets_pages == set(PAGES)


@pytest.mark.parametrize("url_name", sorted(PAGES))
def test_signed_out_people_are_sent_to_sign_in(
    client: HttpClient, db: object, url_name: str
) -> None:
    kwargs, data = PAGES[url_name]
    url = reverse(url_name, kwargs=kwargs)
    for response in (client.get(url), client.post(url, data or {})):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:sign_in"))
    assert not ServiceTarget.objects.exists()


@pytest.mark.parametrize(("url_name", "roles"), table_cases(dict.fromkeys(PAGES, ALLOWED)))
def test_each_page_declares_the_roles_in_the_table(url_name: str, roles: frozenset[Role]) -> None:
    assert declared_roles(url_name) == roles


@pytest.mark.parametrize(
    ("url_name", "allowed", "refused"), http_cases(dict.fromkeys(PAGES, ALLOWED))
)
@pytest.mark.db_engine
def test_only_the_service_lead_opens_and_changes_targets(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    service: Service,
    url_name: str,
    allowed: Role,
    refused: Role,
) -> None:
    kwargs, data = PAGES[url_name]
    url = reverse(url_name, kwargs=kwargs)
    for role in (refused, allowed):
        browser = signed_in(staff[role])
        response = browser.get(url)
        assert response.status_code == (200 if role == allowed else 403)
        assert (b"Reduction in A&amp;E attendances" in response.content) == (
            role == allowed and url_name == "reports:targets"
        )
        if data is not None:
            response = browser.post(url, data)
            assert response.status_code == (302 if role == allowed else 403)
            assert ServiceTarget.objects.exists() == (role == allowed)
            changes = AuditEvent.objects.filter(action=Action.CHANGE_TARGETS)
            assert [(e.actor, e.object_id) for e in changes] == (
                [(staff[role], str(service.pk))] if role == allowed else []
            )


@pytest.mark.parametrize("role", [Role.COMMISSIONER, Role.IG_LEAD])
def test_commissioners_and_ig_leads_are_refused_every_targets_page(
    staff: dict[Role, User], signed_in: Callable[[User], HttpClient], role: Role
) -> None:
    browser = signed_in(staff[role])
    for url_name, (kwargs, data) in PAGES.items():
        url = reverse(url_name, kwargs=kwargs)
        assert browser.get(url).status_code == 403
        assert browser.post(url, data or {}).status_code == 403


@pytest.mark.db_engine
def test_a_lead_changes_only_their_own_services_targets(
    make_user: Callable[..., User],
    signed_in: Callable[[User], HttpClient],
    service: Service,
    other_service: Service,
) -> None:
    ServiceTarget.objects.create(service=service, kpi="new_referrals", value=50)
    other_lead = make_user("other_lead", Role.SERVICE_LEAD, other_service)
    browser = signed_in(other_lead)
    page = browser.get(reverse("reports:targets")).content.decode()
    # The other service's 50 is not theirs: they see the default, 30.
    assert "Hillside HIU" in page
    assert "<strong>30</strong>" in page
    assert "<strong>50</strong>" not in page
    response = browser.post(
        reverse("reports:target", kwargs={"kpi": "new_referrals"}), {"value": "40"}
    )
    assert response.status_code == 302
    assert ServiceTarget.objects.filter(service=other_service).get().value == 40
    assert ServiceTarget.objects.filter(service=service).get().value == 50


@pytest.mark.db_engine
def test_an_unknown_kpi_is_not_found(
    staff: dict[Role, User], signed_in: Callable[[User], HttpClient]
) -> None:
    browser = signed_in(staff[Role.SERVICE_LEAD])
    url = reverse("reports:target", kwargs={"kpi": "no_such_kpi"})
    assert browser.get(url).status_code == 404
    assert browser.post(url, {"value": "3"}).status_code == 404
    assert not ServiceTarget.objects.exists()
