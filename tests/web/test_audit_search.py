"""The audit log as the IG lead's tool (issue 19, point 5): search by NHS number, person, action
and dates; entries in words; an audited CSV export; and the daily check for unusual access."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from hiu.web.accounts.models import Service
from hiu.web.accounts.roles import Role
from hiu.web.audit.models import Action, AuditEvent
from hiu.web.audit.service import record
from hiu.web.audit.unusual import unusual_access
from hiu.web.clients.models import Client
from hiu.web.demo.factories import make_listed_person, make_run
from hiu.web.notifications.models import Kind, Notification
from hiu.web.notifications.periodic import notify_due

pytestmark = pytest.mark.db_engine

#: Valid NHS numbers (check digit and all), made up.
LINDA = "9434765919"
OTHER = "9434765870"


@pytest.fixture
def ig_lead(make_user: Callable[..., User], service: Service) -> User:
    lead = make_user("robin", Role.IG_LEAD, service)
    lead.first_name, lead.last_name = "Robin", "Patel"
    lead.save()
    return lead


@pytest.fixture
def linda(make_client: Callable[..., Client], service: Service) -> Client:
    return make_client(
        service,
        nhs_number=LINDA,
        given_name="Linda",
        family_name="Davies",
        date_of_birth=dt.date(1961, 4, 2),
    )


@pytest.fixture
def sam(make_user: Callable[..., User], service: Service) -> User:
    worker = make_user("sokafor", Role.CASE_MANAGER, service)
    worker.first_name, worker.last_name = "Sam", "Okafor"
    worker.save()
    return worker


def _view(user: User, client: Client, page: str = "summary") -> AuditEvent:
    return record(
        Action.VIEW_CLIENT,
        actor=user,
        object_type="client",
        object_id=client.pk,
        detail={"page": page},
    )


def _rows(response: object) -> list[list[str]]:
    content = response.content.decode("utf-8-sig")  # type: ignore[attr-defined]
    return list(csv.reader(io.StringIO(content)))


def test_a_search_by_nhs_number_finds_the_person_s_events_in_words_and_no_one_else_s(
    ig_lead: User,
    sam: User,
    linda: Client,
    make_client: Callable[..., Client],
    service: Service,
    signed_in: Callable[[User], HttpClient],
) -> None:
    someone_else = make_client(service, nhs_number=OTHER, given_name="Ahmed", family_name="Khan")
    _view(sam, linda, "consent")
    _view(sam, someone_else)
    run = make_run(service, timezone.localdate())
    row = make_listed_person(run, LINDA, rank=1, given_name="Linda", family_name="Davies")
    record(
        Action.VIEW_PERSON_ACTIVITY, actor=sam, object_type="identified_person", object_id=row.pk
    )

    page = signed_in(ig_lead).post(
        reverse("audit:log"), {"nhs_number": "943 476 5919"}, follow=True
    )
    text = page.content.decode()
    assert page.status_code == 200
    # The number went in the POST's body; the page it led to names the records, not the number.
    [(address, _)] = page.redirect_chain
    assert "person=" in address
    assert "5919" not in address
    assert f"Sam Okafor viewed Linda Davies (record {linda.pk}): consent" in text
    assert f"Linda Davies (identified-list row {row.pk})" in text
    assert "Ahmed" not in text
    assert "Khan" not in text
    # The search is recorded with the records it matched, never the number.
    searched = AuditEvent.objects.get(action=Action.SEARCH_AUDIT_LOG)
    assert searched.actor == ig_lead
    assert searched.detail["by_nhs_number"] == {
        "client_records": [linda.pk],
        "identified_list_rows": 1,
    }
    assert LINDA not in str(AuditEvent.objects.filter(pk=searched.pk).values().get())


def test_an_nhs_number_with_no_record_says_so_and_a_wrong_one_shows_nothing(
    ig_lead: User, sam: User, linda: Client, signed_in: Callable[[User], HttpClient]
) -> None:
    _view(sam, linda)
    browser = signed_in(ig_lead)
    none_held = browser.post(reverse("audit:log"), {"nhs_number": OTHER}, follow=True)
    assert (
        "No client record or identified-list row has that NHS number" in none_held.content.decode()
    )
    assert "Linda" not in none_held.content.decode()
    # A wrong check digit is an error on the page, not every entry of the log.
    wrong = browser.post(reverse("audit:log"), {"nhs_number": "9434765918"})
    assert wrong.status_code == 200
    text = wrong.content.decode()
    assert "Enter a valid NHS number" in text
    assert "nhsuk-error-summary" in text
    assert "Linda" not in text
    assert "sokafor" not in text


def test_searching_by_person_action_and_dates(
    ig_lead: User,
    sam: User,
    linda: Client,
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
) -> None:
    today = timezone.localdate()
    with time_machine.travel(timezone.make_aware(dt.datetime.combine(today, dt.time(9)))):
        _view(sam, linda)
    with time_machine.travel(
        timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=3), dt.time(9)))
    ):
        _view(staff[Role.SERVICE_LEAD], linda)
    record(Action.SIGN_IN, actor=sam)
    browser = signed_in(ig_lead)

    def found(**query: str) -> str:
        return browser.get(reverse("audit:log"), query).content.decode()

    assert "Sam Okafor viewed" in found(username="SOKAFOR")
    assert "service_lead" not in found(username="sokafor")
    only_sign_ins = found(action="sign_in")
    assert "Sam Okafor signed in" in only_sign_ins
    assert "viewed" not in only_sign_ins
    on_the_day = {
        "date_from_day": str(today.day),
        "date_from_month": str(today.month),
        "date_from_year": str(today.year),
    }
    recent = found(**on_the_day, action="view_client")
    assert "Sam Okafor viewed" in recent
    assert "service_lead" not in recent
    backwards = found(
        **on_the_day,
        date_to_day="1",
        date_to_month="1",
        date_to_year=str(today.year - 1),
    )
    assert "The last day must be the same as or after the first day" in backwards


def test_the_administrator_reads_record_numbers_not_names(
    staff: dict[Role, User], sam: User, linda: Client, signed_in: Callable[[User], HttpClient]
) -> None:
    _view(sam, linda)
    text = signed_in(staff[Role.ADMINISTRATOR]).get(reverse("audit:log")).content.decode()
    assert f"Sam Okafor viewed client record {linda.pk}" in text
    assert "Davies" not in text


def test_the_export_is_what_the_search_found_escaped_and_audited(
    ig_lead: User, sam: User, linda: Client, signed_in: Callable[[User], HttpClient]
) -> None:
    _view(sam, linda, "plans")
    record(Action.SIGN_IN_FAILED, username='=HYPERLINK("http://evil","x")')
    browser = signed_in(ig_lead)
    found = browser.post(reverse("audit:log"), {"nhs_number": LINDA}, follow=True)
    [(address, _)] = found.redirect_chain
    query = address.split("?", 1)[1]
    response = browser.get(f"{reverse('audit:export')}?{query}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = _rows(response)
    assert rows[0] == [
        "When",
        "Who",
        "What happened",
        "Action",
        "Record type",
        "Record",
        "From",
    ]
    assert [row[1:6] for row in rows[1:]] == [
        [
            "Sam Okafor",
            f"Sam Okafor viewed Linda Davies (record {linda.pk}): plans",
            "view_client",
            "client",
            f"Linda Davies (record {linda.pk})",
        ]
    ]
    everything = _rows(signed_in(ig_lead).get(reverse("audit:export")))
    hostile = [row for row in everything if row[3] == "sign_in_failed"]
    assert hostile
    assert all(not cell.startswith("=") for cell in hostile[0])
    assert hostile[0][1].startswith("Someone signing in as")
    exported = AuditEvent.objects.filter(action=Action.EXPORT_AUDIT_LOG).order_by("id")
    assert next(event.detail["rows"] for event in exported) == 1
    assert exported[0].detail["by_nhs_number"]["client_records"] == [linda.pk]


def test_a_wrong_search_exports_nothing(
    ig_lead: User, sam: User, linda: Client, signed_in: Callable[[User], HttpClient]
) -> None:
    _view(sam, linda)
    response = signed_in(ig_lead).get(reverse("audit:export"), {"person": "made-up"})
    assert response.status_code == 400
    assert "search by the NHS number again" in response.content.decode()
    assert not AuditEvent.objects.filter(action=Action.EXPORT_AUDIT_LOG).exists()


def test_an_nhs_number_in_the_page_s_address_is_not_searched_for(
    ig_lead: User, sam: User, linda: Client, signed_in: Callable[[User], HttpClient]
) -> None:
    _view(sam, linda)
    page = signed_in(ig_lead).get(reverse("audit:log"), {"nhs_number": LINDA})
    text = page.content.decode()
    assert "Enter the NHS number in the form and press Search" in text
    assert "Sam Okafor viewed" not in text
    assert not AuditEvent.objects.filter(action=Action.SEARCH_AUDIT_LOG).exists()


def _views_yesterday(user: User, clients: list[Client]) -> None:
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    with time_machine.travel(timezone.make_aware(dt.datetime.combine(yesterday, dt.time(14)))):
        for client in clients:
            _view(user, client)
            _view(user, client, "contacts")  # the same record twice counts once


def test_opening_many_records_outside_one_s_caseload_tells_the_ig_lead_once(
    ig_lead: User,
    sam: User,
    service: Service,
    make_client: Callable[..., Client],
    make_user: Callable[..., User],
    settings: object,
) -> None:
    settings.HIU_UNUSUAL_ACCESS_RECORDS = 3  # type: ignore[attr-defined]
    colleague = make_user("colleague", Role.CASE_MANAGER, service)
    own = [make_client(service, case_manager=sam) for _ in range(5)]
    theirs = [make_client(service, case_manager=colleague) for _ in range(3)]
    _views_yesterday(sam, own)  # a whole day in one's own caseload is not unusual
    _views_yesterday(colleague, theirs[:2])
    assert unusual_access(timezone.localdate() - dt.timedelta(days=1), 3) == []

    _views_yesterday(sam, theirs)
    [found] = unusual_access(timezone.localdate() - dt.timedelta(days=1), 3)
    assert (found.user, found.records) == (sam, 3)
    notify_due(timezone.now())
    notify_due(timezone.now())  # the job runs every few minutes: the IG lead is told once
    [told] = Notification.objects.filter(kind=Kind.UNUSUAL_ACCESS)
    assert told.recipient == ig_lead
    assert "Sam Okafor opened 3 client records outside their caseload" in told.text
    assert "username=sokafor" in told.link
    assert "action=view_client" in told.link


def test_the_check_looks_at_yesterday_only(
    ig_lead: User, sam: User, service: Service, make_client: Callable[..., Client]
) -> None:
    for client in [make_client(service) for _ in range(25)]:
        _view(sam, client)  # today: tomorrow's check will see it
    assert unusual_access(timezone.localdate() - dt.timedelta(days=1), 20) == []
    [today] = unusual_access(timezone.localdate(), 20)
    assert today.records == 25
