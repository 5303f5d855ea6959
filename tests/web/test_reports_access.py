"""Who can open the report pages: each page, each role, own and other service, signed out; and
commissioners, whose only pages these are, refused every other page of the app.

The table is the specification: every page of the "reports" namespace is in it, apart from the
report targets pages, which have their own table in test_report_targets_access.py.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from operator import attrgetter
from pathlib import Path
from typing import Any

import pytest
from access_support import declared_roles, http_cases, named_urls, table_cases
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, UUIDConverter

from hiu.web.accounts.models import Service
from hiu.web.accounts.roles import Role
from hiu.web.audit.models import Action, AuditEvent
from hiu.web.reports import services
from hiu.web.reports.models import IssuedReport

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 10, 15)
PERIOD = "2026Q3"
MAKERS = frozenset({Role.SERVICE_LEAD, Role.DATA_COORDINATOR})
READERS = MAKERS | {Role.COMMISSIONER}
# URL name -> (roles that get the page, what its URL names: nothing, a period or a report).
PAGES: dict[str, tuple[frozenset[Role], str]] = {
    "reports:list": (READERS, ""),
    "reports:draft": (MAKERS, "period"),
    "reports:draft_download": (MAKERS, "period file"),
    # POST issues; a GET goes back to Reports.
    "reports:issue": (MAKERS, ""),
    "reports:issued": (READERS, "report"),
    "reports:issued_download": (READERS, "report file"),
}
TESTED_ELSEWHERE = {"reports:targets", "reports:target"}  # test_report_targets_access.py
# Pages a commissioner may reach outside Reports: signing in and out, and home (which sends
# them to Reports).
# The diary's calendar feed takes no sign-in (its secret token is the key): a made-up token is a
# 404 for anyone, commissioners included (tests/web/test_diary_access.py).
COMMISSIONER_ALSO = {"accounts:sign_in", "accounts:sign_out", "accounts:home", "diary:feed"}


@pytest.fixture(autouse=True)
def on_a_fixed_day(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> None:
    monkeypatch.setattr(services, "today", lambda: TODAY)


@pytest.fixture
def everyone(make_user: Callable[..., User], service: Service) -> dict[Role, User]:
    """One person per role, every one of them in ``service``: a refusal is for the role."""
    return {role: make_user(f"{role.name.lower()}_here", role, service) for role in Role}


def _issued(service: Service, version: int = 1) -> IssuedReport:
    """An issued report as stored; its files are stand-ins (test_reports.py issues real ones)."""
    return IssuedReport.objects.create(
        service=service,
        period_key=PERIOD,
        version=version,
        generated_on=TODAY,
        title="Quarterly service report",
        body_html="<h2>Summary</h2>",
        pdf=b"%PDF-1.4 stand-in",
        xlsx=b"PK stand-in",
        html=b"<!DOCTYPE html><title>stand-in</title>",
        figures=[],
    )


def _url(url_name: str, issued: IssuedReport) -> str:
    names = PAGES[url_name][1]
    if names == "period":
        return f"{reverse(url_name)}?period={PERIOD}"
    if names == "period file":
        return reverse(url_name, args=[PERIOD, "pdf"])
    if names == "report":
        return reverse(url_name, args=[issued.pk])
    if names == "report file":
        return reverse(url_name, args=[issued.pk, "pdf"])
    return reverse(url_name)


def test_every_report_page_is_in_the_table() -> None:
    assert named_urls("reports") == set(PAGES) | TESTED_ELSEWHERE


@pytest.mark.parametrize("url_name", sorted(PAGES))
def test_signed_out_people_are_sent_to_sign_in(
    client: HttpClient, service: Service, url_name: str
) -> None:
    response = client.get(_url(url_name, _issued(service)))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))


ROLES_BY_PAGE = {name: roles for name, (roles, _) in PAGES.items()}


@pytest.mark.parametrize(("url_name", "roles"), table_cases(ROLES_BY_PAGE))
def test_each_page_declares_the_roles_in_the_table(url_name: str, roles: frozenset[Role]) -> None:
    assert declared_roles(url_name) == roles


@pytest.mark.parametrize(("url_name", "allowed", "refused"), http_cases(ROLES_BY_PAGE))
@pytest.mark.db_engine
def test_each_role_gets_only_its_pages_for_its_own_service(
    service: Service,
    everyone: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    url_name: str,
    allowed: Role,
    refused: Role,
) -> None:
    url = _url(url_name, _issued(service))
    assert signed_in(everyone[refused]).get(url).status_code == 403
    assert not AuditEvent.objects.filter(
        action__in=[Action.VIEW_REPORT, Action.DOWNLOAD_REPORT]
    ).exists()
    response = signed_in(everyone[allowed]).get(url)
    assert response.status_code == (302 if url_name == "reports:issue" else 200)


@pytest.mark.parametrize(("url_name", "allowed", "refused"), http_cases({"reports:issue": MAKERS}))
@pytest.mark.db_engine
def test_only_leads_and_data_coordinators_issue(
    service: Service,
    everyone: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    url_name: str,
    allowed: Role,
    refused: Role,
) -> None:
    response = signed_in(everyone[refused]).post(reverse(url_name), {"period": PERIOD})
    assert response.status_code == 403
    assert not IssuedReport.objects.exists()
    response = signed_in(everyone[allowed]).post(reverse(url_name), {"period": PERIOD})
    assert response.status_code == 302
    assert IssuedReport.objects.filter(service=service).count() == 1


@pytest.mark.parametrize("url_name", ["reports:issued", "reports:issued_download"])
@pytest.mark.db_engine
def test_another_service_s_issued_report_is_not_found(
    other_service: Service,
    everyone: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    url_name: str,
) -> None:
    # Every reader tries: a commissioner's service is found another way than a lead's.
    theirs = _issued(other_service)
    for role in sorted(READERS, key=attrgetter("name")):
        response = signed_in(everyone[role]).get(_url(url_name, theirs))
        assert response.status_code == 404, role
        assert b"stand-in" not in response.content
    assert not AuditEvent.objects.filter(
        action__in=[Action.VIEW_REPORT, Action.DOWNLOAD_REPORT]
    ).exists()


@pytest.mark.parametrize("url_name", ["reports:issued", "reports:issued_download"])
@pytest.mark.db_engine
def test_a_commissioner_of_no_service_finds_no_report(
    service: Service,
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    url_name: str,
) -> None:
    response = signed_in(staff[Role.COMMISSIONER]).get(_url(url_name, _issued(service)))
    assert response.status_code == 404


@pytest.mark.db_engine
def test_the_list_shows_only_the_service_s_own_issued_reports(
    service: Service,
    other_service: Service,
    everyone: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
) -> None:
    ours = _issued(service)
    theirs = _issued(other_service)
    for role in sorted(READERS, key=attrgetter("name")):
        page = signed_in(everyone[role]).get(reverse("reports:list")).content.decode()
        assert reverse("reports:issued", args=[ours.pk]) in page, role
        assert reverse("reports:issued", args=[theirs.pk]) not in page, role


def test_the_navigation_offers_reports_to_leads_data_coordinators_and_commissioners(
    everyone: dict[Role, User], signed_in: Callable[[User], HttpClient]
) -> None:
    link = f'href="{reverse("reports:list")}"'
    for role in Role:
        page = signed_in(everyone[role]).get(reverse("accounts:home"), follow=True)
        assert (link in page.content.decode()) == (role in READERS), role


def _every_page(resolver: URLResolver, namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # Django's admin sends everyone who is not staff to its own sign-in
            prefix = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _every_page(entry, prefix)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def _stand_in_arguments(pattern: URLPattern) -> dict[str, Any]:
    """A value for each of the URL's arguments: the page is refused before anything is looked
    up, so no record need exist."""
    values: dict[str, Any] = {}
    for name, converter in pattern.pattern.converters.items():
        if isinstance(converter, IntConverter):
            values[name] = 1
        elif isinstance(converter, UUIDConverter):
            values[name] = uuid.UUID(int=1)
        else:
            values[name] = "x"
    return values


def test_commissioners_are_refused_every_page_but_reports(
    service: Service, everyone: dict[Role, User], signed_in: Callable[[User], HttpClient]
) -> None:
    client = signed_in(everyone[Role.COMMISSIONER])
    checked = []
    for name, pattern in sorted(_every_page(get_resolver()), key=lambda item: item[0]):
        if name in COMMISSIONER_ALSO or (name in PAGES and Role.COMMISSIONER in PAGES[name][0]):
            continue
        url = reverse(name, kwargs=_stand_in_arguments(pattern))
        # A page that takes only POST may refuse a GET for its method (405) first.
        statuses = {method: getattr(client, method)(url).status_code for method in ("get", "post")}
        assert set(statuses.values()) <= {403, 405}, (name, statuses)
        assert 403 in statuses.values(), (name, statuses)
        checked.append(name)
    assert len(checked) > 50  # every casework page, not a few
    assert "clients:detail" in checked
    assert "reports:draft" in checked
