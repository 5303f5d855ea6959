"""Who can open the case study pages, and what each visit writes to the audit log.

The tables are the specification: every page in the "casestudies" namespace must be in one. A
client's Case studies tab is for the casework roles of the client's own service; writing is for
the service lead and case managers, and changing a story for its author and the lead only.
Another service's client, or another client's story, is a 404 that discloses nothing. The
service's list is the lead's and the data coordinator's. Commissioners and IG leads get none.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from access_support import declared_roles, http_cases, named_urls, table_cases
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from hiu.web.accounts.models import Service
from hiu.web.accounts.roles import Role
from hiu.web.audit.models import Action, AuditEvent
from hiu.web.casestudies.models import CaseStudy
from hiu.web.clients.models import Client

TODAY = timezone.localdate()
READERS: frozenset[Role] = frozenset({Role.SERVICE_LEAD, Role.CASE_MANAGER, Role.DATA_COORDINATOR})
WRITERS: frozenset[Role] = frozenset({Role.SERVICE_LEAD, Role.CASE_MANAGER})
READER_ROLES = sorted(READERS, key=lambda r: r.name)


def date_fields(name: str, day: dt.date) -> dict[str, str]:
    return {
        f"{name}_day": str(day.day),
        f"{name}_month": str(day.month),
        f"{name}_year": str(day.year),
    }


# Pages of a client's record: URL name -> (roles that open it, the audit page of its GET).
CLIENT_PAGES: dict[str, tuple[frozenset[Role], str]] = {
    "casestudies:client": (READERS, "case_studies"),
    "casestudies:new": (WRITERS, "write_case_study"),
}
# Pages of one case study (written by the case manager): the same, plus a valid POST and the
# audit "what" it writes.
STORY_PAGES: dict[str, tuple[str, dict[str, str], str]] = {
    "casestudies:edit": (
        "edit_case_study",
        {"title": "A new start", "text": "Things got better.", **date_fields("written_on", TODAY)},
        "edited",
    ),
    "casestudies:consent": (
        "case_study_consent",
        {"way": "verbal", **date_fields("given_on", TODAY)},
        "consent",
    ),
    "casestudies:withdraw": ("case_study_withdraw", date_fields("withdrawn_on", TODAY), ""),
    "casestudies:sharing": ("case_study_sharing", {"shareable": "yes"}, "shareable"),
}
SERVICE_PAGES: dict[str, frozenset[Role]] = {
    "casestudies:list": frozenset({Role.SERVICE_LEAD, Role.DATA_COORDINATOR}),
}


@pytest.fixture
def story(
    make_client: Callable[..., Client], service: Service, staff: dict[Role, User]
) -> CaseStudy:
    return CaseStudy.objects.create(
        client=make_client(service),
        title="From nightly calls to the walking group",
        text="Calls fell once the nights were less lonely.",
        written_on=TODAY,
        written_by=staff[Role.CASE_MANAGER],
    )


def story_url(name: str, story: CaseStudy) -> str:
    return reverse(name, kwargs={"client_id": story.client_id, "case_study_id": story.pk})


def client_url(name: str, client: Client) -> str:
    return reverse(name, kwargs={"client_id": client.pk})


def test_every_case_study_page_is_in_an_access_table() -> None:
    assert named_urls("casestudies") == set(CLIENT_PAGES) | set(STORY_PAGES) | set(SERVICE_PAGES)


def test_signed_out_people_are_sent_to_sign_in(client: HttpClient, story: CaseStudy) -> None:
    urls = [client_url(name, story.client) for name in CLIENT_PAGES]
    urls += [story_url(name, story) for name in STORY_PAGES]
    urls += [reverse(name) for name in SERVICE_PAGES]
    for url in urls:
        for response in (client.get(url), client.post(url, {})):
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("accounts:sign_in"))


@pytest.mark.parametrize(
    ("url_name", "roles"),
    table_cases(
        {name: roles for name, (roles, _) in CLIENT_PAGES.items()}
        | dict.fromkeys(STORY_PAGES, WRITERS)
        | SERVICE_PAGES
    ),
)
def test_each_page_declares_the_roles_in_the_table(url_name: str, roles: frozenset[Role]) -> None:
    assert declared_roles(url_name) == roles


@pytest.mark.parametrize(
    ("url_name", "allowed", "refused"),
    http_cases({name: roles for name, (roles, _) in CLIENT_PAGES.items()}),
)
@pytest.mark.db_engine
def test_a_clients_case_study_pages_are_for_the_casework_roles(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    story: CaseStudy,
    url_name: str,
    allowed: Role,
    refused: Role,
) -> None:
    _, page = CLIENT_PAGES[url_name]
    record = story.client
    events = AuditEvent.objects.filter(object_id=str(record.pk))
    response = signed_in(staff[refused]).get(client_url(url_name, record))
    assert response.status_code == 403
    assert record.family_name.encode() not in response.content
    assert not events.exists()
    response = signed_in(staff[allowed]).get(client_url(url_name, record))
    assert response.status_code == 200
    assert record.family_name.encode() in response.content
    assert [(e.action, e.actor, e.detail) for e in events] == [
        (Action.VIEW_CLIENT, staff[allowed], {"page": page})
    ]


@pytest.mark.parametrize(
    ("url_name", "allowed", "refused"), http_cases(dict.fromkeys(STORY_PAGES, WRITERS))
)
@pytest.mark.db_engine
def test_a_story_is_changed_by_its_author_and_the_lead_only(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    story: CaseStudy,
    url_name: str,
    allowed: Role,
    refused: Role,
) -> None:
    # The case manager wrote it; the lead may change any (the table's WRITERS).
    page, data, what = STORY_PAGES[url_name]
    if url_name == "casestudies:withdraw":
        CaseStudy.objects.filter(pk=story.pk).update(consent_given_on=TODAY, consent_way="verbal")
    writes = AuditEvent.objects.filter(action=Action.WRITE_CASE_STUDY)
    browser = signed_in(staff[refused])
    response = browser.get(story_url(url_name, story))
    assert response.status_code == 403
    assert story.title.encode() not in response.content
    assert browser.post(story_url(url_name, story), data).status_code == 403
    assert not writes.exists()
    assert not AuditEvent.objects.filter(action=Action.VIEW_CLIENT).exists()
    browser = signed_in(staff[allowed])
    response = browser.get(story_url(url_name, story))
    assert response.status_code == 200
    assert story.title.encode() in response.content
    response = browser.post(story_url(url_name, story), data)
    assert response.status_code == 302
    assert [(e.actor, e.object_type, e.object_id, e.detail["case_study"]) for e in writes] == [
        (staff[allowed], "client", str(story.client_id), story.pk)
    ]
    assert writes.get().detail["what"] == (what or "consent_withdrawn")
    views = AuditEvent.objects.filter(action=Action.VIEW_CLIENT)
    assert [e.detail for e in views] == [{"page": page}]


@pytest.mark.db_engine
def test_a_case_manager_cannot_change_a_colleagues_story(
    make_user: Callable[..., User],
    signed_in: Callable[[User], HttpClient],
    story: CaseStudy,
    service: Service,
) -> None:
    colleague = make_user("colleague", Role.CASE_MANAGER, service)
    browser = signed_in(colleague)
    for name, (_, data, _) in STORY_PAGES.items():
        assert browser.get(story_url(name, story)).status_code == 403
        assert browser.post(story_url(name, story), data).status_code == 403
    story.refresh_from_db()
    assert (story.title, story.shareable, story.consent_given_on) == (
        "From nightly calls to the walking group",
        False,
        None,
    )
    assert not AuditEvent.objects.filter(action=Action.WRITE_CASE_STUDY).exists()
    # They still read it on the client's tab, without the links to change it.
    page = browser.get(client_url("casestudies:client", story.client)).content.decode()
    assert story.title in page
    assert story_url("casestudies:edit", story) not in page


@pytest.mark.db_engine
def test_another_services_client_and_story_are_not_found(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    make_client: Callable[..., Client],
    make_user: Callable[..., User],
    other_service: Service,
) -> None:
    theirs = make_client(other_service)
    their_story = CaseStudy.objects.create(
        client=theirs,
        title="Their story",
        text="Not yours to read.",
        written_on=TODAY,
        written_by=make_user("other_lead", Role.SERVICE_LEAD, other_service),
    )
    for role in READER_ROLES:
        browser = signed_in(staff[role])
        for url in [client_url(name, theirs) for name in CLIENT_PAGES] + [
            story_url(name, their_story) for name in STORY_PAGES
        ]:
            response = browser.get(url)
            assert response.status_code in (403, 404), (role, url)
            if role in WRITERS or url.endswith("/case-studies/"):
                assert response.status_code == 404, (role, url)
            assert theirs.family_name.encode() not in response.content
        listed = browser.get(reverse("casestudies:list"))
        assert b"Their story" not in listed.content
    assert not AuditEvent.objects.filter(object_id=str(theirs.pk)).exists()


@pytest.mark.db_engine
def test_another_clients_story_is_not_found_through_this_client(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    make_client: Callable[..., Client],
    service: Service,
    story: CaseStudy,
) -> None:
    someone_else = make_client(service)
    url = reverse(
        "casestudies:edit", kwargs={"client_id": someone_else.pk, "case_study_id": story.pk}
    )
    browser = signed_in(staff[Role.SERVICE_LEAD])
    assert browser.get(url).status_code == 404
    assert browser.post(url, STORY_PAGES["casestudies:edit"][1]).status_code == 404
    story.refresh_from_db()
    assert story.title == "From nightly calls to the walking group"


@pytest.mark.parametrize(("url_name", "allowed", "refused"), http_cases(SERVICE_PAGES))
@pytest.mark.db_engine
def test_the_service_list_is_for_the_lead_and_the_data_coordinator(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    story: CaseStudy,
    url_name: str,
    allowed: Role,
    refused: Role,
) -> None:
    response = signed_in(staff[allowed]).get(reverse(url_name))
    assert response.status_code == 200
    assert story.title.encode() in response.content
    response = signed_in(staff[refused]).get(reverse(url_name))
    assert response.status_code == 403
    assert story.title.encode() not in response.content
