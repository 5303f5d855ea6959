"""Who can open which page: every view, every role, and someone signed out.

The table below is the specification. A test walks the URL configuration and fails when a page
exists that the table does not mention, so a new view cannot ship without access tests.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from access_support import CASEWORK_NAMESPACES, named_urls
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django.urls import reverse

from hiu.web.accounts.models import Service
from hiu.web.accounts.roles import Role
from hiu.web.audit.models import Action, AuditEvent
from hiu.web.clients.models import Client
from hiu.web.episodes.phases import WayIn
from hiu.web.episodes.services import open_episode

EVERY_ROLE = frozenset(Role)

# URL name -> roles that get the page (200). Everyone else signed in gets 403.
ROLE_PAGES: dict[str, frozenset[Role]] = {
    "accounts:volunteers": frozenset({Role.VOLUNTEER_COORDINATOR}),
    "accounts:users": frozenset({Role.ADMINISTRATOR}),
    "clients:caseload": frozenset({Role.CASE_MANAGER}),
    "clients:team": frozenset({Role.SERVICE_LEAD}),
    "clients:list": frozenset({Role.SERVICE_LEAD, Role.DATA_COORDINATOR}),
    "clients:search": frozenset({Role.SERVICE_LEAD, Role.CASE_MANAGER, Role.DATA_COORDINATOR}),
    "clients:tasks": frozenset({Role.SERVICE_LEAD, Role.CASE_MANAGER, Role.DATA_COORDINATOR}),
    "audit:log": frozenset({Role.IG_LEAD, Role.ADMINISTRATOR}),
    # Quarantine files hold patient data: administrators do not get the import pages either.
    "imports:data": frozenset({Role.DATA_COORDINATOR}),
    "imports:upload": frozenset({Role.DATA_COORDINATOR}),
    # Identified lists name people: the roles that screen them and reach out.
    "identification:runs": frozenset({Role.SERVICE_LEAD, Role.CASE_MANAGER, Role.DATA_COORDINATOR}),
    "identification:settings": frozenset({Role.SERVICE_LEAD, Role.DATA_COORDINATOR}),
    "identification:start": frozenset({Role.SERVICE_LEAD, Role.DATA_COORDINATOR}),
}
# Home pages whose access tests are in their app's own file: the commissioner's Reports page
# (test_reports_access.py). The home test below needs to know who lands on them.
HOMES_TESTED_ELSEWHERE: dict[str, frozenset[Role]] = {
    "reports:list": frozenset({Role.SERVICE_LEAD, Role.DATA_COORDINATOR, Role.COMMISSIONER}),
}
CLIENT_RECORD_ROLES = frozenset({Role.SERVICE_LEAD, Role.CASE_MANAGER, Role.DATA_COORDINATOR})
# Pages of one client (URL name -> roles that get them), each a client record page: read
# through hiu.web.clients.record, so a GET is audited and another service's client is a 404.
CLIENT_PAGES: dict[str, frozenset[Role]] = {
    "clients:activity": CLIENT_RECORD_ROLES,
    "clients:allocate": frozenset({Role.SERVICE_LEAD}),
}
# Pages with their own tests elsewhere (sign-in and sign-out in test_sign_in.py; one import's
# pages, which need an import to exist, in test_imports.py; one identification run's pages,
# which need a run, in test_identification.py).
COVERED_ELSEWHERE = {
    "accounts:sign_in",
    "accounts:sign_out",
    "accounts:home",
    "clients:detail",
    "imports:job",
    "imports:quarantine",
    "imports:batch",
    "identification:run",
    "identification:excluded",
    "identification:download",
    "identification:person",
}


def test_every_page_is_in_the_access_table() -> None:
    # The casework apps' pages are in their own test_<app>_access.py, checked the same way.
    outside_casework = {
        name for name in named_urls() if name.split(":", 1)[0] not in CASEWORK_NAMESPACES
    }
    assert outside_casework == set(ROLE_PAGES) | set(CLIENT_PAGES) | COVERED_ELSEWHERE


@pytest.mark.parametrize("url_name", sorted(ROLE_PAGES))
def test_signed_out_people_are_sent_to_sign_in(client: HttpClient, url_name: str) -> None:
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))


@pytest.mark.parametrize("role", sorted(Role, key=lambda r: r.name))
@pytest.mark.parametrize("url_name", sorted(ROLE_PAGES))
def test_each_role_sees_only_its_pages(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    url_name: str,
    role: Role,
) -> None:
    response = signed_in(staff[role]).get(reverse(url_name))
    expected = 200 if role in ROLE_PAGES[url_name] else 403
    assert response.status_code == expected


@pytest.mark.parametrize("role", sorted(Role, key=lambda r: r.name))
def test_home_sends_each_role_to_its_own_page(
    staff: dict[Role, User], signed_in: Callable[[User], HttpClient], role: Role
) -> None:
    response = signed_in(staff[role]).get(reverse("accounts:home"))
    assert response.status_code == 302
    landing = response["Location"]
    assert signed_in(staff[role]).get(landing).status_code == 200
    homes = {**ROLE_PAGES, **HOMES_TESTED_ELSEWHERE}
    assert role in next(roles for name, roles in homes.items() if reverse(name) == landing)


def test_someone_with_no_role_is_told_to_ask_for_one(
    make_user: Callable[..., User], signed_in: Callable[[User], HttpClient]
) -> None:
    response = signed_in(make_user("newstarter", None)).get(reverse("accounts:home"))
    assert response.status_code == 403
    assert b"You have no role yet" in response.content


@pytest.mark.parametrize("role", sorted(Role, key=lambda r: r.name))
def test_client_record_own_service(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    make_client: Callable[..., Client],
    service: Service,
    role: Role,
) -> None:
    record = make_client(service, case_manager=staff[Role.CASE_MANAGER])
    response = signed_in(staff[role]).get(reverse("clients:detail", args=[record.pk]))
    assert response.status_code == (200 if role in CLIENT_RECORD_ROLES else 403)
    assert (record.family_name.encode() in response.content) == (role in CLIENT_RECORD_ROLES)


@pytest.mark.parametrize("role", sorted(CLIENT_RECORD_ROLES, key=lambda r: r.name))
def test_client_record_of_another_service_is_not_found(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    make_client: Callable[..., Client],
    other_service: Service,
    role: Role,
) -> None:
    record = make_client(other_service)
    response = signed_in(staff[role]).get(reverse("clients:detail", args=[record.pk]))
    assert response.status_code == 404
    assert record.family_name.encode() not in response.content


def test_client_record_signed_out(
    client: HttpClient, make_client: Callable[..., Client], service: Service
) -> None:
    record = make_client(service)
    response = client.get(reverse("clients:detail", args=[record.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))


def test_caseload_lists_only_the_case_managers_own_clients(
    staff: dict[Role, User],
    make_user: Callable[..., User],
    signed_in: Callable[[User], HttpClient],
    make_client: Callable[..., Client],
    service: Service,
) -> None:
    colleague = make_user("colleague", Role.CASE_MANAGER, service)
    mine = make_client(service, case_manager=staff[Role.CASE_MANAGER])
    theirs = make_client(service, case_manager=colleague)
    for client in (mine, theirs):
        open_episode(client, by=staff[Role.SERVICE_LEAD], way_in=WayIn.IDENTIFIED)
    page = signed_in(staff[Role.CASE_MANAGER]).get(reverse("clients:caseload")).content
    assert mine.family_name.upper().encode() in page
    assert theirs.family_name.upper().encode() not in page


def test_client_list_shows_own_service_only(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    make_client: Callable[..., Client],
    service: Service,
    other_service: Service,
) -> None:
    ours = make_client(service)
    theirs = make_client(other_service)
    page = signed_in(staff[Role.SERVICE_LEAD]).get(reverse("clients:list")).content
    assert ours.family_name.upper().encode() in page
    assert theirs.family_name.upper().encode() not in page


@pytest.mark.parametrize("url_name", sorted(CLIENT_PAGES))
def test_client_pages_signed_out(
    client: HttpClient, make_client: Callable[..., Client], service: Service, url_name: str
) -> None:
    record = make_client(service)
    response = client.get(reverse(url_name, args=[record.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))


@pytest.mark.parametrize("role", sorted(Role, key=lambda r: r.name))
@pytest.mark.parametrize("url_name", sorted(CLIENT_PAGES))
def test_client_pages_own_service(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    make_client: Callable[..., Client],
    service: Service,
    url_name: str,
    role: Role,
) -> None:
    record = make_client(service, case_manager=staff[Role.CASE_MANAGER])
    response = signed_in(staff[role]).get(reverse(url_name, args=[record.pk]))
    allowed = role in CLIENT_PAGES[url_name]
    assert response.status_code == (200 if allowed else 403)
    assert (record.family_name.encode() in response.content) == allowed
    views = AuditEvent.objects.filter(
        action=Action.VIEW_CLIENT, object_id=str(record.pk), actor=staff[role]
    )
    assert views.count() == (1 if allowed else 0)


@pytest.mark.parametrize("url_name", sorted(CLIENT_PAGES))
def test_client_pages_of_another_service_are_not_found(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    make_client: Callable[..., Client],
    other_service: Service,
    url_name: str,
) -> None:
    record = make_client(other_service)
    methods = ("get", "post") if url_name == "clients:allocate" else ("get",)
    for role in CLIENT_PAGES[url_name]:
        for method in methods:
            response = getattr(signed_in(staff[role]), method)(reverse(url_name, args=[record.pk]))
            assert response.status_code == 404, (role, method)
            assert record.family_name.encode() not in response.content
    assert not AuditEvent.objects.filter(object_id=str(record.pk)).exists()


def test_allocating_a_client_is_audited(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    make_client: Callable[..., Client],
    service: Service,
) -> None:
    record = make_client(service)
    manager = staff[Role.CASE_MANAGER]
    response = signed_in(staff[Role.SERVICE_LEAD]).post(
        reverse("clients:allocate", args=[record.pk]), {"case_manager": str(manager.pk)}
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=Action.UPDATE_CLIENT, object_id=str(record.pk))
    assert event.detail["what"] == "allocate"


def test_it_keeps_django_admin_for_administrators(
    staff: dict[Role, User], signed_in: Callable[[User], HttpClient]
) -> None:
    admin = staff[Role.ADMINISTRATOR]
    admin.is_staff = True
    admin.save()
    assert signed_in(admin).get("/django-admin/").status_code == 200
    lead = signed_in(staff[Role.SERVICE_LEAD]).get("/django-admin/")
    assert lead.status_code == 302  # Django's admin sends non-staff to its own sign-in
