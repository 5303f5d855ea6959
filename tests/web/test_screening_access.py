"""Who can open which screening and referral page: every page, every role, someone signed out,
and the same roles on another service's lists and referrals.

Service leads and case managers screen lists; data coordinators see the screening pages
without the form (they keep the database true, but deciding who is offered the service is the
clinical team's). Only the service lead changes the decline reasons. The three casework roles
record and follow referrals.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
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
from hiu.web.demo.factories import make_listed_person, make_run
from hiu.web.identification.models import IdentificationRun, IdentifiedPerson
from hiu.web.screening.models import Decision, Referral, ScreeningDecision
from hiu.web.screening.services import ReferralDetails, reasons_for, record_referral

SCREENING_ROLES = frozenset({Role.SERVICE_LEAD, Role.CASE_MANAGER, Role.DATA_COORDINATOR})
REFERRAL_ROLES = frozenset({Role.SERVICE_LEAD, Role.CASE_MANAGER, Role.DATA_COORDINATOR})

# URL name -> roles that get the page. Everyone else signed in gets 403.
ACCESS: dict[str, frozenset[Role]] = {
    "screening:run": SCREENING_ROLES,
    "screening:person": SCREENING_ROLES,
    # Correcting the record (ADR 0019): those who screen mark a decision entered in error.
    "screening:decision_in_error": frozenset({Role.SERVICE_LEAD, Role.CASE_MANAGER}),
    "screening:reasons": frozenset({Role.SERVICE_LEAD}),
    "screening:referrals": REFERRAL_ROLES,
    "screening:new_referral": REFERRAL_ROLES,
    "screening:referral": REFERRAL_ROLES,
}


def by_name(roles: Iterable[Role]) -> list[Role]:
    return sorted(roles, key=lambda role: role.name)


#: Pages about one service's list or referral: another service's is a 404.
OBJECT_PAGES = (
    "screening:run",
    "screening:person",
    "screening:referral",
    "screening:decision_in_error",
)


@dataclass
class World:
    run: IdentificationRun
    person: IdentifiedPerson
    referral: Referral
    decided: IdentifiedPerson  # declined on the list

    def kwargs(self, url_name: str) -> dict[str, int]:
        return {
            "screening:run": {"run_id": self.run.pk},
            "screening:person": {"person_id": self.person.pk},
            "screening:referral": {"referral_id": self.referral.pk},
            "screening:decision_in_error": {"person_id": self.decided.pk},
        }.get(url_name, {})

    def url(self, url_name: str) -> str:
        return reverse(url_name, kwargs=self.kwargs(url_name))


def world_of(service: Service, by: User, family_name: str, nhs_numbers: tuple[str, str]) -> World:
    run = make_run(service, dt.date(2026, 1, 31))
    person = make_listed_person(
        run,
        nhs_numbers[0],
        1,
        given_name="Jo",
        family_name=family_name,
        date_of_birth=dt.date(1970, 1, 1),
    )
    details = ReferralDetails(
        nhs_number=nhs_numbers[1],
        given_name="Sam",
        family_name=family_name,
        date_of_birth=dt.date(1980, 2, 2),
        sex="9",
        phone="",
        postcode="",
        gp_practice_code="",
        referring_organisation="Psychiatric liaison",
        referrer_name="",
        referrer_contact="",
        reason="Unmet social need",
        vulnerability=True,
        consent_to_refer=True,
        received_at=timezone.now() - dt.timedelta(hours=2),
    )
    decided = make_listed_person(
        run,
        nhs_numbers[0][:-1] + "9",
        2,
        given_name="Al",
        family_name=family_name,
        date_of_birth=dt.date(1971, 1, 1),
    )
    # Written directly: the tests below count the screening audit events from none.
    ScreeningDecision.objects.create(
        service=service,
        identified_person=decided,
        nhs_number=decided.nhs_number,
        list_as_of=run.as_of,
        decision=Decision.DECLINE,
        reason=reasons_for(service).get(label="Died"),
        decided_by=by,
    )
    return World(run, person, record_referral(service, details, by=by), decided)


@pytest.fixture
def ours(service: Service, staff: dict[Role, User]) -> World:
    return world_of(service, staff[Role.SERVICE_LEAD], "Ourside", ("9992000007", "9992000015"))


@pytest.fixture
def theirs(other_service: Service, make_user: Callable[..., User]) -> World:
    lead = make_user("their_lead", Role.SERVICE_LEAD, other_service)
    return world_of(other_service, lead, "Elsewhere", ("9992000023", "9992000031"))


def test_every_screening_page_is_in_the_access_table() -> None:
    assert named_urls("screening") == set(ACCESS)


@pytest.mark.parametrize("url_name", sorted(ACCESS))
def test_signed_out_people_are_sent_to_sign_in(
    client: HttpClient, ours: World, url_name: str
) -> None:
    response = client.get(ours.url(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))


@pytest.mark.parametrize(("url_name", "roles"), table_cases(ACCESS))
def test_each_page_declares_the_roles_in_the_table(url_name: str, roles: frozenset[Role]) -> None:
    assert declared_roles(url_name) == roles


@pytest.mark.parametrize(("url_name", "allowed", "refused"), http_cases(ACCESS))
def test_each_role_gets_only_its_pages(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    ours: World,
    url_name: str,
    allowed: Role,
    refused: Role,
) -> None:
    assert signed_in(staff[refused]).get(ours.url(url_name)).status_code == 403
    assert signed_in(staff[allowed]).get(ours.url(url_name)).status_code == 200


@pytest.mark.parametrize("url_name", OBJECT_PAGES)
@pytest.mark.db_engine
def test_another_services_lists_and_referrals_are_not_found(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    ours: World,
    theirs: World,
    url_name: str,
) -> None:
    # Every role the page lets in tries it: what a role may see is found per role.
    for role in by_name(ACCESS[url_name]):
        response = signed_in(staff[role]).get(theirs.url(url_name))
        assert response.status_code == 404, role
        assert "Elsewhere" not in response.content.decode()


@pytest.mark.db_engine
def test_the_referrals_list_shows_only_the_services_own(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    ours: World,
    theirs: World,
) -> None:
    for role in by_name(REFERRAL_ROLES):
        page = signed_in(staff[role]).get(reverse("screening:referrals")).content.decode()
        assert "OURSIDE" in page, role
        assert "ELSEWHERE" not in page, role


@pytest.mark.db_engine
def test_a_data_coordinator_sees_the_person_without_the_form_and_cannot_screen(
    staff: dict[Role, User], signed_in: Callable[[User], HttpClient], ours: World
) -> None:
    browser = signed_in(staff[Role.DATA_COORDINATOR])
    url = ours.url("screening:person")
    assert "Save the decision" not in browser.get(url).content.decode()
    response = browser.post(url, {"decision": "accept", "complexity": "high"})
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action=Action.SCREEN_PERSON).exists()


@pytest.mark.parametrize("role", [Role.SERVICE_LEAD, Role.CASE_MANAGER])
@pytest.mark.db_engine
def test_screening_roles_screen_their_own_services_people(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    service: Service,
    ours: World,
    role: Role,
) -> None:
    died = reasons_for(service).get(label="Died")
    response = signed_in(staff[role]).post(
        ours.url("screening:person"), {"decision": "decline", "reason": died.pk}
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=Action.SCREEN_PERSON)
    assert event.object_id == str(ours.person.pk)


@pytest.mark.db_engine
def test_another_services_person_cannot_be_screened(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    theirs: World,
) -> None:
    for role in by_name(SCREENING_ROLES):
        response = signed_in(staff[role]).post(
            theirs.url("screening:person"), {"decision": "accept", "complexity": "high"}
        )
        assert response.status_code in {403, 404}, role
    assert not AuditEvent.objects.filter(action=Action.SCREEN_PERSON).exists()


@pytest.mark.db_engine
def test_viewing_a_referral_is_a_read_of_the_client_record(
    staff: dict[Role, User], signed_in: Callable[[User], HttpClient], ours: World
) -> None:
    signed_in(staff[Role.CASE_MANAGER]).get(ours.url("screening:referral"))
    event = AuditEvent.objects.get(action=Action.VIEW_CLIENT)
    assert (event.object_type, event.object_id, event.detail) == (
        "client",
        str(ours.referral.client_id),
        {"page": "referral"},
    )


@pytest.mark.db_engine
def test_viewing_the_screening_pages_is_recorded_as_viewing_the_list(
    staff: dict[Role, User], signed_in: Callable[[User], HttpClient], ours: World
) -> None:
    browser = signed_in(staff[Role.DATA_COORDINATOR])
    browser.get(ours.url("screening:run"))
    browser.get(ours.url("screening:person"))
    events = AuditEvent.objects.filter(action=Action.VIEW_IDENTIFIED_LIST).order_by("id")
    assert [e.detail["view"] for e in events] == ["screening", "screening_person"]
    assert all(e.object_id == str(ours.run.pk) for e in events)


@pytest.mark.db_engine
def test_referral_roles_record_referrals_in_their_own_service(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    service: Service,
) -> None:
    role = an_allowed_role(REFERRAL_ROLES, "screening:new_referral")
    now = timezone.localtime() - dt.timedelta(minutes=5)
    data: dict[str, Any] = {
        "nhs_number": "9992000058",
        "given_name": "Ada",
        "family_name": "Lovelace",
        "date_of_birth_day": "1",
        "date_of_birth_month": "2",
        "date_of_birth_year": "1990",
        "referring_organisation": "Housing team",
        "reason": "Homeless, self-harm",
        "consent_to_refer": "yes",
        "received_day": now.day,
        "received_month": now.month,
        "received_year": now.year,
        "received_time": f"{now:%H:%M}",
    }
    response = signed_in(staff[role]).post(reverse("screening:new_referral"), data)
    assert response.status_code == 302
    referral = Referral.objects.get(client__nhs_number="9992000058")
    assert referral.service == service
    event = AuditEvent.objects.get(action=Action.CREATE_CLIENT, detail__what="referral")
    assert event.object_id == str(referral.client_id)


@pytest.mark.db_engine
def test_only_the_service_lead_changes_the_reasons(
    staff: dict[Role, User], signed_in: Callable[[User], HttpClient], service: Service
) -> None:
    for role in (Role.CASE_MANAGER, Role.DATA_COORDINATOR):
        response = signed_in(staff[role]).post(
            reverse("screening:reasons"), {"action": "add", "add-label": "Nope"}
        )
        assert response.status_code == 403
    response = signed_in(staff[Role.SERVICE_LEAD]).post(
        reverse("screening:reasons"), {"action": "add", "add-label": "Under another team"}
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=Action.CHANGE_SERVICE_SETTINGS)
    assert (event.object_type, event.object_id) == ("service", str(service.pk))


@pytest.mark.db_engine
def test_marking_a_decision_in_error_is_audited_and_lets_the_person_be_screened_again(
    staff: dict[Role, User], signed_in: Callable[[User], HttpClient], ours: World
) -> None:
    browser = signed_in(staff[Role.CASE_MANAGER])
    person_url = ours.url("screening:person")
    decided_url = reverse("screening:person", kwargs={"person_id": ours.decided.pk})
    assert "Mark this decision entered in error" in browser.get(decided_url).content.decode()
    response = browser.post(
        ours.url("screening:decision_in_error"), {"reason": "<script>x</script> wrong list"}
    )
    assert response.status_code == 302
    decision = ScreeningDecision.all_with_errors.get(nhs_number=ours.decided.nhs_number)
    assert decision.in_error
    assert decision.identified_person is None
    event = AuditEvent.objects.filter(action=Action.SCREEN_PERSON).latest("id")
    assert event.detail == {
        "correction": "entered_in_error",
        "kind": "screening_decision",
        "entry": decision.pk,
    }
    page = browser.get(decided_url).content.decode()
    assert "Save the decision" in page
    assert "&lt;script&gt;x" in page
    assert "<script>x" not in page
    assert person_url != decided_url
