"""Allocation from the record with a reason and its history; a leaver's whole caseload at once;
each worker's caseload page; the client list filtered and exported."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

import polars as pl
import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django.urls import reverse

from hiu.web.accounts.models import Service
from hiu.web.accounts.roles import Role
from hiu.web.audit.models import Action, AuditEvent
from hiu.web.clients.models import Allocation, Client
from hiu.web.clients.services import (
    CannotAllocate,
    allocate,
    reallocate_caseload,
    spread_evenly,
)
from hiu.web.demo.factories import make_listed_person, make_run, record_episode
from hiu.web.episodes.models import RelapseAlert, RelapseReason
from hiu.web.episodes.phases import Complexity, Phase

# Queries, transactions and constraints: run again on PostgreSQL by `make postgres`.
pytestmark = pytest.mark.db_engine


@pytest.fixture
def lead(staff: dict[Role, User]) -> User:
    return staff[Role.SERVICE_LEAD]


@pytest.fixture
def manager(staff: dict[Role, User]) -> User:
    return staff[Role.CASE_MANAGER]


@pytest.fixture
def team(make_user: Callable[..., User], service: Service) -> list[User]:
    people = []
    for username, first, last in (("jo", "Jo", "Williams"), ("alex", "Alex", "Nowak")):
        user = make_user(username, Role.CASE_MANAGER, service)
        user.first_name, user.last_name = first, last
        user.save()
        people.append(user)
    return people


# From the record -------------------------------------------------------------------------------
def test_changing_the_case_manager_from_the_record_needs_a_reason_and_shows_in_the_history(
    service: Service,
    lead: User,
    manager: User,
    team: list[User],
    make_client: Callable[..., Client],
    signed_in: Callable[[User], HttpClient],
) -> None:
    client = make_client(service, case_manager=manager)
    http = signed_in(lead)
    record = http.get(reverse("clients:detail", args=[client.pk])).content.decode()
    assert "Change case manager" in record
    url = reverse("clients:allocate", args=[client.pk])
    # Without a reason: refused
    response = http.post(url, {"case_manager": str(team[0].pk), "from": "record"})
    assert response.status_code == 200
    assert "Enter why the case manager is changing" in response.content.decode()
    client.refresh_from_db()
    assert client.case_manager == manager
    # With one: moved, back to the record, in the history with names
    hostile = '<script>x</script> =HYPERLINK("http://x")'
    response = http.post(
        url, {"case_manager": str(team[0].pk), "reason": hostile, "from": "record"}
    )
    assert response["Location"] == reverse("clients:detail", args=[client.pk])
    client.refresh_from_db()
    assert client.case_manager == team[0]
    record = http.get(reverse("clients:detail", args=[client.pk])).content.decode()
    assert "Jo Williams" in record
    assert "&lt;script&gt;x&lt;/script&gt;" in record
    assert "<script>x</script>" not in record
    event = AuditEvent.objects.get(action=Action.UPDATE_CLIENT, object_id=str(client.pk))
    assert event.detail == {"what": "allocate", "case_manager": team[0].pk, "previous": manager.pk}


def test_a_case_manager_is_not_offered_the_change(
    service: Service,
    manager: User,
    make_client: Callable[..., Client],
    signed_in: Callable[[User], HttpClient],
) -> None:
    client = make_client(service, case_manager=manager)
    record = signed_in(manager).get(reverse("clients:detail", args=[client.pk])).content.decode()
    assert "Change case manager" not in record


def test_the_first_allocation_needs_no_reason(
    service: Service, lead: User, manager: User, make_client: Callable[..., Client]
) -> None:
    client = make_client(service)
    allocate(client, manager, by=lead)
    assert Allocation.objects.get(client=client).previous is None


def test_accepting_someone_at_screening_for_a_worker_is_an_allocation_in_the_history(
    service: Service, lead: User, manager: User, signed_in: Callable[[User], HttpClient]
) -> None:
    person = make_listed_person(make_run(service, dt.date(2026, 1, 31)), "9992000015", 1)
    signed_in(lead).post(
        reverse("screening:person", kwargs={"person_id": person.pk}),
        {"decision": "accept", "complexity": "high", "case_manager": manager.pk},
    )
    (allocation,) = Allocation.objects.all()
    assert (allocation.case_manager, allocation.by, allocation.previous) == (manager, lead, None)
    assert allocation.reason == "Accepted at screening"
    assert allocation.client.case_manager == manager


# A leaver's caseload -------------------------------------------------------------------------
def test_an_even_spread_gives_each_worker_their_turn(
    team: list[User], service: Service, make_client: Callable[..., Client]
) -> None:
    clients = [make_client(service) for _ in range(5)]
    plan = spread_evenly(clients, team)
    given = [plan[c.pk] for c in clients]
    assert given.count(team[0]) == 3
    assert given.count(team[1]) == 2


def test_moving_a_leavers_caseload_moves_every_client_audited_on_each(
    service: Service,
    lead: User,
    manager: User,
    team: list[User],
    make_client: Callable[..., Client],
    signed_in: Callable[[User], HttpClient],
) -> None:
    clients = [make_client(service, case_manager=manager) for _ in range(3)]
    http = signed_in(lead)
    page = http.get(reverse("clients:leaver"), {"leaver": manager.pk})
    assert page["Location"] == reverse("clients:move_caseload", args=[manager.pk])
    form = http.get(page["Location"]).content.decode()
    assert clients[0].family_name.upper() in form
    data = {f"client_{c.pk}": str(team[i % 2].pk) for i, c in enumerate(clients)}
    data["reason"] = "Left the service"
    response = http.post(reverse("clients:move_caseload", args=[manager.pk]), data)
    assert response.status_code == 302
    assert [Client.objects.get(pk=c.pk).case_manager for c in clients] == [
        team[0],
        team[1],
        team[0],
    ]
    for c in clients:
        assert (
            AuditEvent.objects.filter(action=Action.UPDATE_CLIENT, object_id=str(c.pk)).count() == 1
        )
        assert Allocation.objects.get(client=c).reason == "Left the service"


def test_a_caseload_moves_together_or_not_at_all(
    service: Service,
    other_service: Service,
    lead: User,
    manager: User,
    team: list[User],
    make_user: Callable[..., User],
    make_client: Callable[..., Client],
) -> None:
    clients = [make_client(service, case_manager=manager) for _ in range(2)]
    outsider = make_user("outsider", Role.CASE_MANAGER, other_service)
    plan = {clients[0].pk: team[0], clients[1].pk: outsider}
    with pytest.raises(CannotAllocate):
        reallocate_caseload(manager, plan, clients, by=lead, reason="Left")
    assert {Client.objects.get(pk=c.pk).case_manager for c in clients} == {manager}
    assert not Allocation.objects.exists()


# A worker's caseload ---------------------------------------------------------------------------
def test_worker_names_lead_to_their_caseload(
    service: Service,
    lead: User,
    manager: User,
    make_client: Callable[..., Client],
    signed_in: Callable[[User], HttpClient],
) -> None:
    client = make_client(service, case_manager=manager, family_name="Okonjo")
    record_episode(client, Phase.ENGAGED)
    http = signed_in(lead)
    link = reverse("clients:worker", args=[manager.pk])
    assert link in http.get(reverse("clients:team")).content.decode()
    assert link in http.get(reverse("clients:list")).content.decode()
    assert link in http.get(reverse("clients:detail", args=[client.pk])).content.decode()
    assert "OKONJO" in http.get(link).content.decode()


# The client list -------------------------------------------------------------------------------
def test_the_client_list_filters_by_worker_phase_complexity_and_alert(
    service: Service,
    lead: User,
    manager: User,
    team: list[User],
    make_client: Callable[..., Client],
    signed_in: Callable[[User], HttpClient],
) -> None:
    engaged = make_client(service, case_manager=manager, family_name="Engagedone")
    record_episode(engaged, Phase.ENGAGED, complexity=Complexity.HIGH)
    holding = make_client(service, case_manager=team[0], family_name="Holdingone")
    record_episode(holding, Phase.HOLDING, complexity=Complexity.LOW)
    relapsed = make_client(service, case_manager=team[0], family_name="Relapsedone")
    episode = record_episode(relapsed, Phase.STEPPED_DOWN)
    RelapseAlert.objects.create(client=relapsed, episode=episode, reason=RelapseReason.CONTACTED)
    flagged = make_client(service, family_name="Flaggedone", alert_active=True)
    http = signed_in(lead)

    def names(**query: str) -> set[str]:
        page = http.get(reverse("clients:list"), query).content.decode()
        return {n for n in ("ENGAGEDONE", "HOLDINGONE", "RELAPSEDONE", "FLAGGEDONE") if n in page}

    assert names() == {"ENGAGEDONE", "HOLDINGONE", "RELAPSEDONE", "FLAGGEDONE"}
    assert names(worker=str(manager.pk)) == {"ENGAGEDONE"}
    assert names(worker="none") == {"FLAGGEDONE"}
    assert names(phase="holding") == {"HOLDINGONE"}
    assert names(phase="none") == {"FLAGGEDONE"}
    assert names(complexity="high") == {"ENGAGEDONE"}
    assert names(alert="relapse") == {"RELAPSEDONE"}
    assert names(alert="hiu_alert") == {"FLAGGEDONE"}
    assert flagged.pk


def test_the_export_is_filtered_safe_and_audited_without_the_rows(
    service: Service,
    other_service: Service,
    lead: User,
    manager: User,
    make_client: Callable[..., Client],
    signed_in: Callable[[User], HttpClient],
) -> None:
    hostile = make_client(service, case_manager=manager, family_name='=HYPERLINK("http://x")')
    make_client(service, family_name="Notmine")
    theirs = make_client(other_service, family_name="Elsewhere")
    http = signed_in(lead)
    response = http.get(reverse("clients:export", args=["csv"]), {"worker": str(manager.pk)})
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    assert "Notmine" not in text
    assert theirs.family_name not in text
    assert hostile.nhs_number in text  # the list shows NHS numbers to the roles that open it
    event = AuditEvent.objects.get(action=Action.EXPORT_CLIENTS)
    assert event.detail == {"format": "csv", "filter": {"worker": str(manager.pk)}, "rows": 1}
    response = http.get(reverse("clients:export", args=["xlsx"]))
    sheet = pl.read_excel(io.BytesIO(response.content), sheet_name="Clients")
    cells = [str(value) for row in sheet.iter_rows() for value in row]
    assert '\'=HYPERLINK("http://x")' in cells
    assert not any(cell.startswith("=") for cell in cells)
