"""Who can open which page: every view, every role, and someone signed out.

The table below is the specification. A test walks the URL configuration and fails when a page
exists that the table does not mention, so a new view cannot ship without access tests. Each
page's roles are checked against the table without HTTP (what its view declares), and over HTTP
once per page for what only a request shows (see access_support).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from access_support import (
    CASEWORK_NAMESPACES,
    declared_roles,
    http_cases,
    named_urls,
    table_cases,
)
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.test import Client as HttpClient
from django.test import RequestFactory
from django.urls import reverse

from hiu.web.accounts.models import Service
from hiu.web.accounts.permissions import allowed_roles, role_required
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
    "accounts:add_user": frozenset({Role.ADMINISTRATOR}),
    "clients:caseload": frozenset({Role.CASE_MANAGER}),
    "clients:team": frozenset({Role.SERVICE_LEAD}),
    "clients:list": frozenset({Role.SERVICE_LEAD, Role.DATA_COORDINATOR}),
    "clients:search": frozenset({Role.SERVICE_LEAD, Role.CASE_MANAGER, Role.DATA_COORDINATOR}),
    "clients:tasks": frozenset({Role.SERVICE_LEAD, Role.CASE_MANAGER, Role.DATA_COORDINATOR}),
    "audit:log": frozenset({Role.IG_LEAD, Role.ADMINISTRATOR}),
    "audit:export": frozenset({Role.IG_LEAD, Role.ADMINISTRATOR}),
    # Quarantine files hold patient data: administrators do not get the import pages either.
    "imports:data": frozenset({Role.DATA_COORDINATOR}),
    "imports:upload": frozenset({Role.DATA_COORDINATOR}),
    # Identified lists name people: the roles that screen them and reach out.
    "identification:runs": frozenset({Role.SERVICE_LEAD, Role.CASE_MANAGER, Role.DATA_COORDINATOR}),
    "identification:settings": frozenset({Role.SERVICE_LEAD, Role.DATA_COORDINATOR}),
    "identification:start": frozenset({Role.SERVICE_LEAD, Role.DATA_COORDINATOR}),
    # The organisation table (ODS names for codes): loaded by the data coordinator.
    "organisations:list": frozenset({Role.DATA_COORDINATOR}),
    "organisations:upload": frozenset({Role.DATA_COORDINATOR}),
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
    "clients:details_history": CLIENT_RECORD_ROLES,
    "clients:change_details": frozenset({Role.SERVICE_LEAD, Role.CASE_MANAGER}),
}
TESTED_IN_TASKS_ACCESS: dict[str, frozenset[Role]] = {
    "clients:client_tasks": CLIENT_RECORD_ROLES,
    "clients:new_task": CLIENT_RECORD_ROLES,
    "clients:task": CLIENT_RECORD_ROLES,
    "clients:edit_task": CLIENT_RECORD_ROLES,
    "clients:task_action": CLIENT_RECORD_ROLES,
    "clients:worker": CLIENT_RECORD_ROLES,
    "clients:leaver": frozenset({Role.SERVICE_LEAD}),
    "clients:move_caseload": frozenset({Role.SERVICE_LEAD}),
    "clients:export": frozenset({Role.SERVICE_LEAD, Role.DATA_COORDINATOR}),
}
# One user's pages, which need a user: test_user_admin.py.
TESTED_IN_USER_ADMIN = {
    "accounts:change_user": frozenset({Role.ADMINISTRATOR}),
    "accounts:user_password": frozenset({Role.ADMINISTRATOR}),
    "accounts:user_active": frozenset({Role.ADMINISTRATOR}),
}
# Pages with their own tests elsewhere (sign-in and sign-out in test_sign_in.py; one import's
# pages, which need an import to exist, in test_imports.py; one identification run's pages,
# which need a run, in test_identification.py).
COVERED_ELSEWHERE = {
    "accounts:sign_in",
    "accounts:sign_out",
    "accounts:home",
    "clients:detail",
    "clients:extract_choice",  # POST only: test_client_details.py
    "organisations:load",  # needs a load: test_organisations.py
    "imports:job",
    "imports:quarantine",
    "imports:batch",
    "identification:run",
    "identification:excluded",
    "identification:download",
    "identification:person",
    # Tasks and allocation pages of the clients app: test_tasks_access.py.
    *TESTED_IN_TASKS_ACCESS,
    *TESTED_IN_USER_ADMIN,
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


# Pages where signing in is all it takes (or not even that): every other page names its roles.
# The diary's private calendar feed is read by calendar apps, which cannot sign in: the secret
# token in its URL is the key (tests/web/test_diary_access.py).
OPEN_TO_ANYONE_SIGNED_IN = {
    "accounts:sign_in",
    "accounts:sign_out",
    "accounts:home",
    "diary:feed",
}


def test_every_other_page_declares_the_roles_it_lets_in() -> None:
    undeclared = {
        name
        for name in named_urls()
        if name not in OPEN_TO_ANYONE_SIGNED_IN and declared_roles(name) is None
    }
    assert undeclared == set()


# The roles of the pages with their own tests elsewhere (which send them requests): their table
# without HTTP is here, with the others.
SEES_LISTS = frozenset({Role.SERVICE_LEAD, Role.CASE_MANAGER, Role.DATA_COORDINATOR})
ROLES_OF_PAGES_TESTED_ELSEWHERE: dict[str, frozenset[Role]] = {
    "clients:detail": CLIENT_RECORD_ROLES,
    "clients:extract_choice": frozenset({Role.SERVICE_LEAD, Role.CASE_MANAGER}),
    "organisations:load": frozenset({Role.DATA_COORDINATOR}),
    "imports:job": frozenset({Role.DATA_COORDINATOR}),
    "imports:quarantine": frozenset({Role.DATA_COORDINATOR}),
    "imports:batch": frozenset({Role.DATA_COORDINATOR}),
    "identification:run": SEES_LISTS,
    "identification:excluded": SEES_LISTS,
    "identification:download": SEES_LISTS,
    "identification:person": SEES_LISTS,
    **TESTED_IN_TASKS_ACCESS,
    **TESTED_IN_USER_ADMIN,
}


def test_the_pages_tested_elsewhere_are_all_in_the_roles_table() -> None:
    assert set(ROLES_OF_PAGES_TESTED_ELSEWHERE) == COVERED_ELSEWHERE - OPEN_TO_ANYONE_SIGNED_IN


@pytest.mark.parametrize(
    ("url_name", "roles"),
    table_cases({**ROLE_PAGES, **CLIENT_PAGES, **ROLES_OF_PAGES_TESTED_ELSEWHERE}),
)
def test_each_page_declares_the_roles_in_the_table(url_name: str, roles: frozenset[Role]) -> None:
    assert declared_roles(url_name) == roles


class _Someone:
    """A signed-in person holding one role, as ``roles_of`` finds them (no database)."""

    is_authenticated = True

    def __init__(self, role: Role) -> None:
        self._hiu_roles = [role]


@pytest.mark.parametrize("role", sorted(Role, key=lambda r: r.name))
def test_role_required_lets_in_the_roles_it_names_and_no_others(role: Role) -> None:
    named = (Role.SERVICE_LEAD, Role.DATA_COORDINATOR)

    @role_required(*named)
    def view(request: HttpRequest) -> HttpResponse:
        return HttpResponse("ok")

    assert allowed_roles(view) == frozenset(named)
    request = RequestFactory().get("/")
    request.user = _Someone(role)  # type: ignore[assignment]
    if role in named:
        assert view(request).status_code == 200
    else:
        with pytest.raises(PermissionDenied):
            view(request)
    request.user = AnonymousUser()
    with pytest.raises(PermissionDenied):
        view(request)


def test_a_view_wrapped_twice_lets_in_the_roles_both_name() -> None:
    @role_required(Role.SERVICE_LEAD, Role.CASE_MANAGER)
    @role_required(Role.SERVICE_LEAD, Role.DATA_COORDINATOR)
    def view(request: HttpRequest) -> HttpResponse:
        return HttpResponse("ok")

    assert allowed_roles(view) == frozenset({Role.SERVICE_LEAD})


@pytest.mark.parametrize(("url_name", "allowed", "refused"), http_cases(ROLE_PAGES))
def test_each_page_opens_for_a_role_it_names_and_not_for_one_it_does_not(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    url_name: str,
    allowed: Role,
    refused: Role,
) -> None:
    assert signed_in(staff[allowed]).get(reverse(url_name)).status_code == 200
    assert signed_in(staff[refused]).get(reverse(url_name)).status_code == 403


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


@pytest.mark.parametrize(
    ("url_name", "allowed", "refused"), http_cases({"clients:detail": CLIENT_RECORD_ROLES})
)
@pytest.mark.db_engine
def test_client_record_own_service(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    make_client: Callable[..., Client],
    service: Service,
    url_name: str,
    allowed: Role,
    refused: Role,
) -> None:
    record = make_client(service, case_manager=staff[Role.CASE_MANAGER])
    url = reverse(url_name, args=[record.pk])
    response = signed_in(staff[allowed]).get(url)
    assert response.status_code == 200
    assert record.family_name.encode() in response.content
    response = signed_in(staff[refused]).get(url)
    assert response.status_code == 403
    assert record.family_name.encode() not in response.content


@pytest.mark.db_engine
def test_client_record_of_another_service_is_not_found(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    make_client: Callable[..., Client],
    other_service: Service,
) -> None:
    record = make_client(other_service)
    for role in CLIENT_RECORD_ROLES:
        response = signed_in(staff[role]).get(reverse("clients:detail", args=[record.pk]))
        assert response.status_code == 404, role
        assert record.family_name.encode() not in response.content
    assert not AuditEvent.objects.filter(object_id=str(record.pk)).exists()


def test_client_record_signed_out(
    client: HttpClient, make_client: Callable[..., Client], service: Service
) -> None:
    record = make_client(service)
    response = client.get(reverse("clients:detail", args=[record.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))


@pytest.mark.db_engine
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


@pytest.mark.db_engine
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


@pytest.mark.parametrize(("url_name", "allowed", "refused"), http_cases(CLIENT_PAGES))
@pytest.mark.db_engine
def test_client_pages_own_service(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    make_client: Callable[..., Client],
    service: Service,
    url_name: str,
    allowed: Role,
    refused: Role,
) -> None:
    record = make_client(service, case_manager=staff[Role.CASE_MANAGER])
    for role, status in ((allowed, 200), (refused, 403)):
        response = signed_in(staff[role]).get(reverse(url_name, args=[record.pk]))
        assert response.status_code == status
        assert (record.family_name.encode() in response.content) == (status == 200)
        views = AuditEvent.objects.filter(
            action=Action.VIEW_CLIENT, object_id=str(record.pk), actor=staff[role]
        )
        assert views.count() == (1 if status == 200 else 0)


@pytest.mark.parametrize("url_name", sorted(CLIENT_PAGES))
@pytest.mark.db_engine
def test_client_pages_of_another_service_are_not_found(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    make_client: Callable[..., Client],
    other_service: Service,
    url_name: str,
) -> None:
    record = make_client(other_service)
    methods = (
        ("get", "post") if url_name in {"clients:allocate", "clients:change_details"} else ("get",)
    )
    for role in CLIENT_PAGES[url_name]:
        for method in methods:
            response = getattr(signed_in(staff[role]), method)(reverse(url_name, args=[record.pk]))
            assert response.status_code == 404, (role, method)
            assert record.family_name.encode() not in response.content
    assert not AuditEvent.objects.filter(object_id=str(record.pk)).exists()


@pytest.mark.db_engine
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


def test_django_s_own_admin_is_closed(
    staff: dict[Role, User], signed_in: Callable[[User], HttpClient]
) -> None:
    # It writes no audit event: users are administered in the app (HIU_DJANGO_ADMIN opens it).
    admin = staff[Role.ADMINISTRATOR]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    assert signed_in(admin).get("/django-admin/").status_code == 404
