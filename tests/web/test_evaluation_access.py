"""Who can open the evaluation pages: each page, each role, own and other service, signed out,
and the audit trail of viewing, running and changing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from access_support import declared_roles, http_cases, named_urls, table_cases
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django.urls import reverse

from hiu.web.accounts.models import Service
from hiu.web.accounts.roles import Role
from hiu.web.audit.models import Action, AuditEvent
from hiu.web.evaluation.models import EvaluationRun, EvaluationStatus

pytestmark = pytest.mark.django_db

VIEWERS = frozenset({Role.SERVICE_LEAD, Role.CASE_MANAGER, Role.DATA_COORDINATOR})
RUNNERS = frozenset({Role.SERVICE_LEAD, Role.DATA_COORDINATOR})
# URL name -> (roles that get the page, whether the URL names a run).
PAGES: dict[str, tuple[frozenset[Role], bool]] = {
    "evaluation:overview": (VIEWERS, False),
    # POST starts a run; a GET goes back to the evaluation page.
    "evaluation:start": (RUNNERS, False),
    "evaluation:run": (VIEWERS, True),
    "evaluation:json": (VIEWERS, True),
    "evaluation:html": (VIEWERS, True),
    "evaluation:unit_costs": (RUNNERS, False),
}

#: A small finished result: the page must show whatever a run holds.
RESULT: dict[str, Any] = {
    "format": "hiu-evaluation/1",
    "run": {"windows": [6, 12], "activities": ["ed_attendances"], "rules": {"name": "hackney"}},
    "cohort": {"rows": 3, "people": 3, "rejected": []},
    "naive": {
        "6": {"ed_attendances": {"estimate": -0.4, "ci_low": -0.6, "ci_high": -0.2, "people": 3}},
        "12": {"ed_attendances": {"estimate": -0.3, "ci_low": -0.5, "ci_high": -0.1, "people": 3}},
    },
    "not_engaged": {},
    "matched": {},
    "matching": None,
    "trajectories": {"months": [], "cohort": {}, "not_engaged": {}, "matched": {}},
    "relapse": None,
    "costs": {"table": None, "by_method": {}, "running_costs": None, "roi": None},
    "censoring": "Follow-up ends at death or the end of the data.",
}


def test_every_evaluation_page_is_in_the_table() -> None:
    assert named_urls("evaluation") == set(PAGES)


def _finished_run(service: Service) -> EvaluationRun:
    return EvaluationRun.objects.create(
        service=service,
        rule_set="hackney",
        replicates=1000,
        status=EvaluationStatus.DONE,
        result=RESULT,
    )


def _url(name: str, run: EvaluationRun) -> str:
    return reverse(name, kwargs={"run_id": run.pk}) if PAGES[name][1] else reverse(name)


@pytest.mark.parametrize("url_name", sorted(PAGES))
def test_signed_out_people_are_sent_to_sign_in(
    client: HttpClient, service: Service, url_name: str
) -> None:
    response = client.get(_url(url_name, _finished_run(service)))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))


ROLES_BY_PAGE = {name: roles for name, (roles, _) in PAGES.items()}


@pytest.mark.parametrize(("url_name", "roles"), table_cases(ROLES_BY_PAGE))
def test_each_page_declares_the_roles_in_the_table(url_name: str, roles: frozenset[Role]) -> None:
    assert declared_roles(url_name) == roles


@pytest.mark.parametrize(("url_name", "allowed", "refused"), http_cases(ROLES_BY_PAGE))
def test_each_role_gets_only_its_pages_for_its_own_service(
    service: Service,
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    url_name: str,
    allowed: Role,
    refused: Role,
) -> None:
    url = _url(url_name, _finished_run(service))
    assert signed_in(staff[refused]).get(url).status_code == 403
    response = signed_in(staff[allowed]).get(url)
    assert response.status_code == (302 if url_name == "evaluation:start" else 200)


@pytest.mark.parametrize(
    ("url_name", "allowed", "refused"), http_cases({"evaluation:start": RUNNERS})
)
@pytest.mark.db_engine
def test_only_leads_and_data_coordinators_start_a_run(
    service: Service,
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    url_name: str,
    allowed: Role,
    refused: Role,
) -> None:
    response = signed_in(staff[refused]).post(reverse(url_name))
    assert response.status_code == 403
    assert not EvaluationRun.objects.exists()
    response = signed_in(staff[allowed]).post(reverse(url_name))
    assert response.status_code == 302
    assert EvaluationRun.objects.filter(service=service).count() == 1


@pytest.mark.parametrize("url_name", sorted(n for n, (_, names_run) in PAGES.items() if names_run))
@pytest.mark.db_engine
def test_another_service_s_run_is_not_found(
    other_service: Service,
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    url_name: str,
) -> None:
    theirs = _finished_run(other_service)
    response = signed_in(staff[Role.SERVICE_LEAD]).get(_url(url_name, theirs))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action=Action.VIEW_EVALUATION).exists()


@pytest.mark.db_engine
def test_the_overview_shows_only_the_service_s_own_runs(
    service: Service,
    other_service: Service,
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
) -> None:
    theirs = _finished_run(other_service)
    page = signed_in(staff[Role.SERVICE_LEAD]).get(reverse("evaluation:overview"))
    assert reverse("evaluation:run", args=[theirs.pk]) not in page.content.decode()
    assert "No evaluation has finished yet" in page.content.decode()
    assert not AuditEvent.objects.filter(action=Action.VIEW_EVALUATION).exists()


@pytest.mark.parametrize(
    ("url_name", "what"),
    [
        ("evaluation:overview", "page"),
        ("evaluation:run", "page"),
        ("evaluation:json", "evaluation.json"),
        ("evaluation:html", "evaluation.html"),
    ],
)
@pytest.mark.db_engine
def test_viewing_a_result_is_audited(
    service: Service,
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    url_name: str,
    what: str,
) -> None:
    run = _finished_run(service)
    signed_in(staff[Role.CASE_MANAGER]).get(_url(url_name, run))
    event = AuditEvent.objects.get(action=Action.VIEW_EVALUATION)
    assert event.actor == staff[Role.CASE_MANAGER]
    assert event.object_id == str(run.pk)
    assert event.detail == {"what": what}


@pytest.mark.db_engine
def test_starting_a_run_is_audited(
    service: Service, staff: dict[Role, User], signed_in: Callable[[User], HttpClient]
) -> None:
    signed_in(staff[Role.DATA_COORDINATOR]).post(reverse("evaluation:start"))
    run = EvaluationRun.objects.get()
    event = AuditEvent.objects.get(action=Action.RUN_EVALUATION)
    assert event.actor == staff[Role.DATA_COORDINATOR]
    assert event.object_id == str(run.pk)


def test_the_navigation_offers_evaluation_to_leads_and_data_coordinators(
    service: Service, staff: dict[Role, User], signed_in: Callable[[User], HttpClient]
) -> None:
    link = f'href="{reverse("evaluation:overview")}"'
    for role in Role:
        page = signed_in(staff[role]).get(reverse("accounts:home"), follow=True)
        assert (link in page.content.decode()) == (role in RUNNERS), role
