"""The caseworker's home, the team view, tasks, search, the client summary and the activity
chart (hiu.web.clients)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from tables_support import without_phone_headings

from hiu.ingest.pipeline import import_file
from hiu.store.coverage import imported_through
from hiu.store.store import Store
from hiu.synth.nhs_number import synthetic_nhs_numbers
from hiu.web.accounts.models import Service
from hiu.web.accounts.roles import Role
from hiu.web.audit.models import Action, AuditEvent
from hiu.web.clients.activity import MEASURES, monthly_activity, window
from hiu.web.clients.caseload import Load, my_caseload, quarter_of, team_view
from hiu.web.clients.chart import activity_chart, phase_spans
from hiu.web.clients.due import tasks_for
from hiu.web.clients.models import Client
from hiu.web.clients.search import SearchKind, SearchNotUnderstood, parse_search
from hiu.web.contacts.models import Channel, Contact
from hiu.web.episodes.models import Episode, FollowUp
from hiu.web.episodes.phases import Complexity, Phase, WayIn
from hiu.web.episodes.services import add_months, move, open_episode, pathway_for

pytestmark = pytest.mark.db_engine

TODAY = dt.date(2026, 5, 14)


@pytest.fixture
def lead(staff: dict[Role, User]) -> User:
    return staff[Role.SERVICE_LEAD]


@pytest.fixture
def manager(staff: dict[Role, User]) -> User:
    return staff[Role.CASE_MANAGER]


@pytest.fixture
def colleague(make_user: Callable[..., User], service: Service) -> User:
    user = make_user("colleague", Role.CASE_MANAGER, service)
    user.first_name, user.last_name = "Cal", "Colleague"
    user.save()
    return user


@pytest.fixture
def case(lead: User) -> Callable[..., Episode]:
    """An open episode for a client, in a phase, with a complexity, opened on a day."""

    def make(
        client: Client,
        phase: Phase = Phase.ENGAGED,
        complexity: str = Complexity.MEDIUM,
        on: dt.date | None = None,
        way_in: WayIn = WayIn.IDENTIFIED,
    ) -> Episode:
        return open_episode(
            client, by=lead, way_in=way_in, phase=phase, complexity=complexity, on=on
        )

    return make


def set_caps(service: Service, *, points: int = 50, new: int = 15) -> None:
    pathway = pathway_for(service)
    pathway.caseload_cap = points
    pathway.new_per_quarter_cap = new
    pathway.save()


# The case manager's home ---------------------------------------------------------------------
def test_caseload_shows_only_the_workers_clients_on_an_active_episode(
    manager: User,
    colleague: User,
    signed_in: Callable[[User], HttpClient],
    make_client: Callable[..., Client],
    case: Callable[..., Episode],
    service: Service,
    other_service: Service,
) -> None:
    # Given clients of mine in each phase, a colleague's client, and one of another service
    shown = {}
    for phase in (Phase.SCREENING, Phase.CONTACTING, Phase.ENGAGED, Phase.HOLDING):
        shown[phase] = make_client(service, case_manager=manager)
        case(shown[phase], phase=phase)
    stepped_down = make_client(service, case_manager=manager)
    case(stepped_down, phase=Phase.STEPPED_DOWN)
    no_episode = make_client(service, case_manager=manager)
    theirs = make_client(service, case_manager=colleague)
    case(theirs)
    elsewhere = make_client(other_service, case_manager=manager)
    case(elsewhere)
    # When I open my caseload
    page = signed_in(manager).get(reverse("clients:caseload")).content.decode()
    # Then I see my four active clients and no one else
    for client in shown.values():
        assert client.family_name.upper() in page
    for client in (stepped_down, no_episode, theirs, elsewhere):
        assert client.family_name.upper() not in page
    assert "Your 4 active clients" in page


def test_caseload_rows_show_phase_complexity_days_and_last_reached_contact(
    manager: User,
    make_client: Callable[..., Client],
    case: Callable[..., Episode],
    service: Service,
) -> None:
    client = make_client(service, case_manager=manager, alert_active=True)
    case(client, phase=Phase.ENGAGED, complexity=Complexity.HIGH, on=TODAY - dt.timedelta(days=9))
    reached = timezone.make_aware(dt.datetime(2026, 5, 1, 10, 0))
    Contact.objects.create(client=client, at=reached, channel=Channel.PHONE, reached=True)
    later_attempt = timezone.make_aware(dt.datetime(2026, 5, 10, 10, 0))
    Contact.objects.create(client=client, at=later_attempt, channel=Channel.PHONE, reached=False)

    [row] = my_caseload(manager, service, TODAY).rows

    assert row.phase == "Engaged"
    assert row.complexity == "High"
    assert row.weight == 3
    assert row.days_in_phase == 9
    assert row.last_reached_at == reached  # the later attempt did not reach them
    assert row.alert


@pytest.mark.parametrize(
    ("points", "cap", "at_or_over", "over", "nearly_full"),
    [
        (8, 10, False, False, False),
        (9, 10, False, False, True),  # 90%
        (10, 10, True, False, False),  # exactly at the cap
        (11, 10, True, True, False),  # one over
    ],
)
def test_load_boundaries(
    points: int, cap: int, at_or_over: bool, over: bool, nearly_full: bool
) -> None:
    load = Load(points, cap)
    assert (load.at_or_over, load.over, load.nearly_full) == (at_or_over, over, nearly_full)


@pytest.mark.parametrize(
    ("cap", "warning", "inset"),
    [(9, True, False), (8, True, False), (10, False, True), (11, False, False)],
)
def test_caseload_warns_at_or_over_the_cap_by_weighted_points(
    manager: User,
    signed_in: Callable[[User], HttpClient],
    make_client: Callable[..., Client],
    case: Callable[..., Episode],
    service: Service,
    cap: int,
    warning: bool,
    inset: bool,
) -> None:
    # Given clients worth 3 + 3 + 2 + 1 (a client with no complexity yet counts as medium)
    set_caps(service, points=cap)
    for complexity in (Complexity.HIGH, Complexity.HIGH, "", Complexity.LOW):
        case(make_client(service, case_manager=manager), complexity=complexity)
    # When I open my caseload
    page = signed_in(manager).get(reverse("clients:caseload")).content.decode()
    # Then it counts 9 points against the cap, warning at the cap and above
    assert f"Caseload 9 of {cap} points" in page
    assert ("Your caseload is at its cap" in page or "over its cap" in page) == warning
    assert ("nearly full" in page) == inset


def test_new_clients_this_quarter_count_from_the_first_to_the_last_day_of_the_quarter(
    manager: User,
    make_client: Callable[..., Client],
    case: Callable[..., Episode],
    service: Service,
) -> None:
    quarter = quarter_of(TODAY)
    assert (quarter.first_day, quarter.last_day) == (dt.date(2026, 4, 1), dt.date(2026, 6, 30))
    opened = {
        "first day": quarter.first_day,
        "last day": quarter.last_day,
        "day before": quarter.first_day - dt.timedelta(days=1),
        "day after": quarter.last_day + dt.timedelta(days=1),
    }
    for on in opened.values():
        case(make_client(service, case_manager=manager), on=on)
    # A relapse re-opens an episode for someone already known: not a new client.
    case(make_client(service, case_manager=manager), on=TODAY, way_in=WayIn.RELAPSE)

    assert my_caseload(manager, service, TODAY).new_this_quarter == 2
    assert my_caseload(manager, service, quarter.first_day).new_this_quarter == 2
    assert my_caseload(manager, service, quarter.last_day).new_this_quarter == 2


@pytest.mark.parametrize(("new", "warned"), [(2, False), (3, True)])
def test_caseload_warns_when_over_the_new_clients_cap(
    manager: User,
    signed_in: Callable[[User], HttpClient],
    make_client: Callable[..., Client],
    case: Callable[..., Episode],
    service: Service,
    new: int,
    warned: bool,
) -> None:
    set_caps(service, new=2)
    for _ in range(new):
        case(make_client(service, case_manager=manager))
    page = signed_in(manager).get(reverse("clients:caseload")).content.decode()
    assert f"{new} of 2 new clients this quarter" in page
    assert ("More new clients than planned this quarter" in page) == warned


def test_caseload_lists_tasks_due_overdue_first_and_marked(
    manager: User,
    colleague: User,
    signed_in: Callable[[User], HttpClient],
    make_client: Callable[..., Client],
    case: Callable[..., Episode],
    service: Service,
) -> None:
    today = timezone.localdate()
    mine = make_client(service, case_manager=manager, given_name="Mine")
    theirs = make_client(service, case_manager=colleague, given_name="Theirs")
    for client in (mine, theirs):
        episode = case(client, phase=Phase.STEPPED_DOWN)
        FollowUp.objects.create(episode=episode, months=3, due_on=today + dt.timedelta(days=3))
        FollowUp.objects.create(episode=episode, months=6, due_on=today - dt.timedelta(days=2))

    page = signed_in(manager).get(reverse("clients:caseload")).content.decode()

    tasks = page.split("Tasks due", 1)[1]
    assert tasks.index("6-month activity follow-up") < tasks.index("3-month activity follow-up")
    assert "Overdue (1)" in tasks
    assert tasks.count("nhsuk-tag--red") == 1  # the one overdue task is marked
    assert "Mine" in tasks
    assert "Theirs" not in tasks


def populate(
    service: Service,
    manager: User,
    make_client: Callable[..., Client],
    case: Callable[..., Episode],
    n: int,
) -> None:
    """``n`` clients of ``manager`` in a mix of phases and complexities, with contacts."""
    phases = [Phase.SCREENING, Phase.CONTACTING, Phase.ENGAGED, Phase.HOLDING, Phase.STEPPED_DOWN]
    tiers = [Complexity.HIGH, Complexity.MEDIUM, Complexity.LOW, ""]
    at = timezone.make_aware(dt.datetime(2026, 1, 5, 9, 0))
    for i in range(n):
        client = make_client(service, case_manager=manager if i % 4 else None)
        episode = case(client, phase=phases[i % len(phases)], complexity=tiers[i % len(tiers)])
        if episode.phase == Phase.HOLDING:
            episode.holding_since = timezone.localdate() - dt.timedelta(days=20)
            episode.save()
        Contact.objects.create(client=client, at=at, channel=Channel.PHONE, reached=i % 2 == 0)
        if episode.phase == Phase.STEPPED_DOWN:
            FollowUp.objects.create(episode=episode, months=3, due_on=timezone.localdate())


@pytest.mark.parametrize("url_name", ["clients:caseload", "clients:team", "clients:tasks"])
def test_pages_ask_a_fixed_number_of_queries_whatever_the_caseload(
    staff: dict[Role, User],
    manager: User,
    signed_in: Callable[[User], HttpClient],
    make_client: Callable[..., Client],
    case: Callable[..., Episode],
    service: Service,
    django_assert_max_num_queries: Any,
    monkeypatch: pytest.MonkeyPatch,
    url_name: str,
) -> None:
    # Each app's tasks are counted on their own, below: here, the pages' own queries.
    monkeypatch.setattr("hiu.web.clients.tasks.tasks_for", lambda clients, today: [])
    # Given 5 clients, the page's queries are counted
    user = manager if url_name == "clients:caseload" else staff[Role.SERVICE_LEAD]
    browser = signed_in(user)
    populate(service, manager, make_client, case, 5)
    with CaptureQueriesContext(connection) as small:
        assert browser.get(reverse(url_name)).status_code == 200
    # When there are 50
    populate(service, manager, make_client, case, 45)
    # Then the page asks no more
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = browser.get(reverse(url_name))
    assert response.status_code == 200


def test_tasks_from_every_app_come_in_a_fixed_number_of_queries(
    manager: User,
    make_client: Callable[..., Client],
    case: Callable[..., Episode],
    service: Service,
    django_assert_max_num_queries: Any,
) -> None:
    mine = Client.objects.visible_to(manager).allocated_to(manager)
    populate(service, manager, make_client, case, 5)
    with CaptureQueriesContext(connection) as small:
        tasks_for(mine, TODAY)
    populate(service, manager, make_client, case, 45)
    with django_assert_max_num_queries(len(small.captured_queries)):
        tasks_for(mine, TODAY)


# The team view -------------------------------------------------------------------------------
def test_team_view_counts_each_workers_cases_points_and_new_clients(
    lead: User,
    manager: User,
    colleague: User,
    make_client: Callable[..., Client],
    case: Callable[..., Episode],
    service: Service,
) -> None:
    set_caps(service, points=5, new=1)
    manager.staff_profile.organisation = "Homerton Healthcare"
    manager.staff_profile.save()
    # Mine: high + medium + low = 6 points (over 5); two new this quarter (over 1)
    for tier in (Complexity.HIGH, Complexity.MEDIUM, Complexity.LOW):
        case(make_client(service, case_manager=manager), complexity=tier, on=TODAY)
    case(make_client(service, case_manager=manager), phase=Phase.STEPPED_DOWN, on=TODAY)
    # The colleague: one high, opened last quarter
    case(
        make_client(service, case_manager=colleague),
        complexity=Complexity.HIGH,
        on=dt.date(2026, 3, 31),
    )
    # The lead carries one client too
    case(make_client(service, case_manager=lead), complexity=Complexity.LOW, on=TODAY)
    # And one client waits for a case manager
    waiting = make_client(service)
    case(waiting, phase=Phase.SCREENING, on=TODAY)

    team = team_view(service, Client.objects.visible_to(lead), TODAY)

    rows = {row.name: row for row in team.workers}
    mine = rows[manager.get_username()]
    assert (mine.open_cases, mine.load.points, mine.new_this_quarter) == (3, 6, 4)
    assert mine.load.over
    assert mine.new_over
    theirs = rows["Cal Colleague"]
    assert (theirs.open_cases, theirs.load.points, theirs.new_this_quarter) == (1, 3, 0)
    assert not theirs.load.over
    assert rows[lead.get_username()].open_cases == 1
    assert [row.client_id for row in team.unallocated] == [waiting.pk]
    phases = {bucket.label: bucket.count for bucket in team.by_phase}
    assert phases == {
        "Screening": 1,
        "Contacting": 0,
        "Engaged": 5,
        "Holding": 0,
        "Stepped down": 1,
    }
    assert team.open_cases == 6


def test_team_view_counts_open_cases_by_the_case_managers_organisation(
    lead: User,
    manager: User,
    colleague: User,
    make_client: Callable[..., Client],
    case: Callable[..., Episode],
    service: Service,
) -> None:
    manager.staff_profile.organisation = "Homerton Healthcare"
    manager.staff_profile.save()
    colleague.staff_profile.organisation = "East London NHS Foundation Trust"
    colleague.staff_profile.save()
    for worker, n in ((manager, 2), (colleague, 1), (lead, 1), (None, 1)):
        for _ in range(n):
            case(make_client(service, case_manager=worker))
    closed = make_client(service, case_manager=manager)
    move(case(closed, phase=Phase.CONTACTING), Phase.CLOSED, by=lead, reason="Declined")

    team = team_view(service, Client.objects.visible_to(lead), TODAY)

    assert [(b.label, b.count) for b in team.by_organisation] == [
        ("East London NHS Foundation Trust", 1),
        ("Homerton Healthcare", 2),
        ("Not allocated", 1),
        ("Not recorded", 1),
    ]


def test_team_page_shows_tags_and_links_to_allocate(
    lead: User,
    manager: User,
    signed_in: Callable[[User], HttpClient],
    make_client: Callable[..., Client],
    case: Callable[..., Episode],
    service: Service,
) -> None:
    set_caps(service, points=2, new=5)
    for tier in (Complexity.HIGH, Complexity.LOW):
        case(make_client(service, case_manager=manager), complexity=tier)
    waiting = make_client(service)
    case(waiting, phase=Phase.SCREENING)
    page = signed_in(lead).get(reverse("clients:team")).content.decode()
    assert "4 of 2 points" in page
    assert "Over the cap" in page
    assert reverse("clients:allocate", args=[waiting.pk]) in page
    assert 'action="' + reverse("clients:search") + '"' in page


# Allocation ----------------------------------------------------------------------------------
def test_the_lead_allocates_a_client_and_it_is_audited(
    lead: User,
    manager: User,
    signed_in: Callable[[User], HttpClient],
    make_client: Callable[..., Client],
    case: Callable[..., Episode],
    service: Service,
) -> None:
    client = make_client(service)
    case(client, phase=Phase.SCREENING)
    browser = signed_in(lead)
    form = browser.get(reverse("clients:allocate", args=[client.pk])).content.decode()
    assert manager.get_username() in form
    response = browser.post(
        reverse("clients:allocate", args=[client.pk]), {"case_manager": str(manager.pk)}
    )
    assert response.status_code == 302
    client.refresh_from_db()
    assert client.case_manager == manager
    event = AuditEvent.objects.get(action=Action.UPDATE_CLIENT, detail__what="allocate")
    assert event.object_id == str(client.pk)
    assert event.detail["case_manager"] == manager.pk


def test_allocation_refuses_someone_outside_the_service_and_says_what_to_do(
    lead: User,
    make_user: Callable[..., User],
    signed_in: Callable[[User], HttpClient],
    make_client: Callable[..., Client],
    service: Service,
    other_service: Service,
) -> None:
    outsider = make_user("outsider", Role.CASE_MANAGER, other_service)
    client = make_client(service)
    response = signed_in(lead).post(
        reverse("clients:allocate", args=[client.pk]), {"case_manager": str(outsider.pk)}
    )
    assert response.status_code == 200
    assert "Select who will be the case manager" in response.content.decode()
    client.refresh_from_db()
    assert client.case_manager is None
    assert not AuditEvent.objects.filter(action=Action.UPDATE_CLIENT).exists()


def test_a_case_manager_cannot_allocate(
    manager: User,
    signed_in: Callable[[User], HttpClient],
    make_client: Callable[..., Client],
    service: Service,
) -> None:
    client = make_client(service)
    response = signed_in(manager).post(
        reverse("clients:allocate", args=[client.pk]), {"case_manager": str(manager.pk)}
    )
    assert response.status_code == 403
    client.refresh_from_db()
    assert client.case_manager is None


# Tasks ---------------------------------------------------------------------------------------
def test_tasks_page_shows_a_case_manager_only_their_own_clients(
    manager: User,
    colleague: User,
    lead: User,
    signed_in: Callable[[User], HttpClient],
    make_client: Callable[..., Client],
    case: Callable[..., Episode],
    service: Service,
) -> None:
    today = timezone.localdate()
    for worker, name in ((manager, "Mine"), (colleague, "Theirs")):
        episode = case(
            make_client(service, case_manager=worker, given_name=name), phase=Phase.STEPPED_DOWN
        )
        FollowUp.objects.create(episode=episode, months=3, due_on=today)
    mine = signed_in(manager).get(reverse("clients:tasks")).content.decode()
    assert "Mine" in mine
    assert "Theirs" not in mine
    # The lead sees both, and can narrow to one worker or one kind of task
    everyone = signed_in(lead).get(reverse("clients:tasks")).content.decode()
    assert "Mine" in everyone
    assert "Theirs" in everyone
    narrowed = signed_in(lead).get(reverse("clients:tasks"), {"worker": colleague.pk})
    assert "Theirs" in narrowed.content.decode()
    assert "Mine" not in narrowed.content.decode()
    other_kind = signed_in(lead).get(reverse("clients:tasks"), {"kind": "follow_up"})
    assert "Mine" in other_kind.content.decode()


# Search --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("Smith", SearchKind.NAME, ("Smith",)),
        ("  jane   smith ", SearchKind.NAME, ("jane", "smith")),
        ("O'Brien-Jones", SearchKind.NAME, ("O'Brien-Jones",)),
        ("999 000 0018", SearchKind.NHS_NUMBER, "9990000018"),
        ("9990000018", SearchKind.NHS_NUMBER, "9990000018"),
        ("3/2/1985", SearchKind.DATE_OF_BIRTH, dt.date(1985, 2, 3)),
        ("03/02/1985", SearchKind.DATE_OF_BIRTH, dt.date(1985, 2, 3)),
        ("3 February 1985", SearchKind.DATE_OF_BIRTH, dt.date(1985, 2, 3)),
        ("3 feb 1985", SearchKind.DATE_OF_BIRTH, dt.date(1985, 2, 3)),
        ("1985-02-03", SearchKind.DATE_OF_BIRTH, dt.date(1985, 2, 3)),
    ],
)
def test_search_works_out_what_was_typed(text: str, kind: SearchKind, value: object) -> None:
    search = parse_search(text)
    assert search.kind == kind
    found = {
        SearchKind.NAME: search.words,
        SearchKind.NHS_NUMBER: search.nhs_number,
        SearchKind.DATE_OF_BIRTH: search.date_of_birth,
    }[kind]
    assert found == value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter a name, NHS number, date of birth, phone or postcode"),
        ("999 000", "An NHS number must be 10 digits"),
        ("31/2/1985", "Enter a real date of birth"),
        ("3 Febuary 1985", "Enter a real date of birth"),
        ("Smith 1985", "Enter a name, a 10-digit NHS number, a date of birth"),
        ("Smith; DROP", "Enter a name using letters"),
    ],
)
def test_search_says_what_to_do_when_it_cannot_tell(text: str, message: str) -> None:
    with pytest.raises(SearchNotUnderstood, match=message):
        parse_search(text)


@pytest.fixture
def people(
    make_client: Callable[..., Client], service: Service, other_service: Service, manager: User
) -> dict[str, Client]:
    return {
        "jane": make_client(
            service,
            case_manager=manager,
            given_name="Jane",
            family_name="Smith",
            nhs_number="9990000018",
            date_of_birth=dt.date(1985, 2, 3),
        ),
        "john": make_client(
            service, given_name="John", family_name="Smithers", date_of_birth=dt.date(1985, 2, 4)
        ),
        "anna": make_client(
            service, given_name="Anna", family_name="Jones", date_of_birth=dt.date(1985, 2, 3)
        ),
        # Another service's Jane Smith, with the same NHS number and birthday: never found.
        "elsewhere": make_client(
            other_service,
            given_name="Jane",
            family_name="Smith",
            nhs_number="9990000018",
            date_of_birth=dt.date(1985, 2, 3),
        ),
    }


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("smi", "name", {"jane", "john"}),
        ("Jane Smith", "name", {"jane"}),
        ("SMITHERS", "name", {"john"}),
        ("999 000 0018", "nhs_number", {"jane"}),
        ("3/2/1985", "date_of_birth", {"jane", "anna"}),
        ("3 February 1985", "date_of_birth", {"jane", "anna"}),
        ("1985-02-03", "date_of_birth", {"jane", "anna"}),
        ("Nobody", "name", set()),
    ],
)
@pytest.mark.parametrize("role", [Role.SERVICE_LEAD, Role.CASE_MANAGER, Role.DATA_COORDINATOR])
def test_search_finds_clients_of_the_service_only_and_audits_without_the_text(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    people: dict[str, Client],
    role: Role,
    text: str,
    kind: str,
    expected: set[str],
) -> None:
    response = signed_in(staff[role]).post(reverse("clients:search"), {"q": text})
    page = response.content.decode()
    found = {
        key for key, client in people.items() if reverse("clients:detail", args=[client.pk]) in page
    }
    assert found == expected
    event = AuditEvent.objects.get(action=Action.SEARCH_CLIENTS)
    assert event.detail == {"kind": kind, "results": len(expected)}
    assert event.actor == staff[role]
    for detail in AuditEvent.objects.values_list("detail", flat=True):
        text_in_detail = str(detail).lower()
        assert text.strip().lower() not in text_in_detail
        assert "9990000018" not in text_in_detail


def test_search_shows_at_most_50_with_the_count(
    lead: User,
    signed_in: Callable[[User], HttpClient],
    make_client: Callable[..., Client],
    service: Service,
) -> None:
    for _ in range(53):
        make_client(service, family_name="Many")
    page = signed_in(lead).post(reverse("clients:search"), {"q": "many"}).content.decode()
    assert "53 clients found" in page
    assert "Showing the first 50" in page
    assert page.count("MANY, ") == 50


def test_search_with_nothing_typed_shows_the_error_and_audits_nothing(
    lead: User, signed_in: Callable[[User], HttpClient]
) -> None:
    page = signed_in(lead).post(reverse("clients:search"), {"q": "  "}).content.decode()
    assert "There is a problem" in page
    assert 'href="#q"' in page
    assert not AuditEvent.objects.filter(action=Action.SEARCH_CLIENTS).exists()


def test_caseload_page_has_a_search_box(
    manager: User, signed_in: Callable[[User], HttpClient]
) -> None:
    page = signed_in(manager).get(reverse("clients:caseload")).content.decode()
    assert 'action="' + reverse("clients:search") + '"' in page


# The client summary --------------------------------------------------------------------------
def test_summary_shows_identity_the_open_episode_the_last_contact_and_who_viewed(
    manager: User,
    signed_in: Callable[[User], HttpClient],
    make_client: Callable[..., Client],
    case: Callable[..., Episode],
    service: Service,
) -> None:
    client = make_client(service, case_manager=manager, postcode="E8 1AA")
    on = timezone.localdate() - dt.timedelta(days=30)
    episode = case(client, phase=Phase.CONTACTING, complexity=Complexity.HIGH, on=on)
    move(episode, Phase.ENGAGED, by=manager, on=on + dt.timedelta(days=2))
    at = timezone.make_aware(dt.datetime(2026, 1, 7, 14, 5))
    Contact.objects.create(
        client=client, at=at, channel=Channel.FACE_TO_FACE, reached=True, by_username="cm1"
    )
    browser = signed_in(manager)
    browser.get(reverse("clients:detail", args=[client.pk]))
    page = browser.get(reverse("clients:detail", args=[client.pk])).content.decode()
    assert "E8 1AA" in page
    assert "Engaged" in page
    assert "High" in page
    assert "Face to face" in page
    assert "7 January 2026, 2:05pm" in page
    assert page.count(manager.get_username()) >= 2  # the case manager, and who viewed
    assert "Who viewed this record" in page
    assert 'aria-current="page">Summary' in page  # the record's tabs, Summary current


# The activity chart --------------------------------------------------------------------------
(NUMBER,) = (str(n) for n in synthetic_nhs_numbers(np.arange(1), 7))


def month(back: int) -> dt.date:
    """The first day of the month ``back`` months before this one."""
    return add_months(timezone.localdate().replace(day=1), -back)


def build_store(data_dir: Path, tmp_path: Path) -> Store:
    store = Store.in_data_dir(data_dir)
    two, five = month(2), month(5)
    files = {
        "ed_attendances": "attendance_id,nhs_number,arrival_datetime,site_code\n"
        + "".join(f"ED-{i},{NUMBER},{two:%Y-%m}-{10 + i:02d}T10:00:00,RQX01\n" for i in range(3))
        + f"ED-9,{NUMBER},{five:%Y-%m}-03T23:59:00,RQX01\n"
        + "ED-X,9434765919,2020-01-01T10:00:00,RQX01\n",
        "ambulance_incidents": "incident_id,nhs_number,call_datetime\n"
        f"AMB-1,{NUMBER},{two:%Y-%m}-09T22:00:00\n",
        "nhs111_calls": "call_id,nhs_number,call_datetime\n"
        f"C-1,{NUMBER},{five:%Y-%m}-01T08:00:00\n",
        "admissions": "spell_id,nhs_number,admission_datetime,admission_method\n"
        f"SP-1,{NUMBER},{two:%Y-%m}-12T15:00:00,21\n"
        f"SP-2,{NUMBER},{two:%Y-%m}-20T15:00:00,11\n",  # elective: not counted
    }
    for kind, text in files.items():
        path = tmp_path / f"{kind}.csv"
        path.write_text(text)
        result = import_file(store, kind, path, imported_by="test")
        assert result.manifest.rejected == 0, kind
    return store


def test_monthly_activity_counts_each_kind_by_month_in_one_query(
    data_dir: Path, tmp_path: Path
) -> None:
    store = build_store(data_dir, tmp_path)
    activity = monthly_activity(store, NUMBER, month(23), month(0))
    assert len(activity.months) == 24
    assert activity.count("ed_attendances", month(2)) == 3
    assert activity.count("ed_attendances", month(5)) == 1
    assert activity.count("ambulance_incidents", month(2)) == 1
    assert activity.count("nhs111_calls", month(5)) == 1
    assert activity.count("admissions", month(2)) == 1  # the emergency one only
    assert activity.total("ed_attendances") == 4


def test_each_kind_is_imported_to_the_day_of_its_latest_event(
    data_dir: Path, tmp_path: Path
) -> None:
    store = build_store(data_dir, tmp_path)
    assert imported_through(store) == {
        "ed_attendances": month(2) + dt.timedelta(days=11),
        "ambulance_incidents": month(2) + dt.timedelta(days=8),
        "nhs111_calls": month(5),
        "admissions": month(2) + dt.timedelta(days=19),  # any admission: the extract's reach
    }


def test_a_kind_never_imported_is_imported_to_no_day(data_dir: Path, tmp_path: Path) -> None:
    store = Store.in_data_dir(data_dir)
    path = tmp_path / "calls.csv"
    path.write_text(
        f"call_id,nhs_number,call_datetime\nC-1,{NUMBER},{month(3):%Y-%m}-02T08:00:00\n"
    )
    import_file(store, "nhs111_calls", path, imported_by="test")
    through = imported_through(store)
    assert through["nhs111_calls"] == month(3) + dt.timedelta(days=1)
    assert through["ed_attendances"] is None
    activity = monthly_activity(store, NUMBER, month(23), month(0))
    assert activity.value("ed_attendances", month(10)) is None  # never imported: not zero
    assert activity.value("nhs111_calls", month(3)) == 1


def test_months_after_each_kinds_latest_import_are_not_yet_imported_not_zero(
    data_dir: Path, tmp_path: Path
) -> None:
    store = build_store(data_dir, tmp_path)
    activity = monthly_activity(store, NUMBER, month(23), month(0))
    assert activity.value("ed_attendances", month(2)) == 3
    assert activity.value("ed_attendances", month(3)) == 0  # imported, and none that month
    assert activity.value("ed_attendances", month(1)) is None
    assert activity.value("nhs111_calls", month(5)) == 1
    assert activity.value("nhs111_calls", month(4)) is None
    assert activity.missing(month(3)) == ["nhs111_calls"]
    assert activity.missing(month(0)) == [kind for kind, _ in MEASURES]


def test_the_chart_shades_months_not_yet_imported_and_draws_no_line_across_them(
    data_dir: Path, tmp_path: Path
) -> None:
    store = build_store(data_dir, tmp_path)
    activity = monthly_activity(store, NUMBER, month(23), month(0))
    chart = activity_chart(activity, [], [], who="Ann Example")
    gaps = [(g.first, g.last, g.label) for g in chart.gaps]
    assert gaps == [
        (month(4), month(2), "Partly imported"),
        (month(1), month(0), "Not yet imported"),
    ]
    assert chart.gaps[0].kinds == ("nhs111_calls",)
    series = {s.kind: s for s in chart.series}
    calls = series["nhs111_calls"]
    # 24 months shown, the 111 calls imported to the 19th: no point after it, and no zero.
    assert len(calls.points) == 24 - 5
    assert max(p.x for p in calls.points) < chart.gaps[0].x
    assert len(series["ed_attendances"].points) == 24 - 2
    assert "not yet imported" in chart.description
    assert "They are not zero." in chart.description
    assert f"NHS 111 calls are imported to {month(5).day} {month(5):%B %Y}" in chart.description


def test_the_activity_page_says_not_yet_imported_in_the_chart_and_the_table_never_zero(
    data_dir: Path,
    tmp_path: Path,
    manager: User,
    signed_in: Callable[[User], HttpClient],
    make_client: Callable[..., Client],
    service: Service,
) -> None:
    build_store(data_dir, tmp_path)
    client = make_client(service, case_manager=manager, nhs_number=NUMBER)
    page = signed_in(manager).get(reverse("clients:activity", args=[client.pk])).content.decode()
    svg = page.split('<figure class="hiu-chart', 1)[1].split("</figure>", 1)[0]
    assert svg.count('class="hiu-chart-not-imported"') == 2
    assert ">Not yet imported</text>" in svg
    assert ">Partly imported</text>" in svg
    assert "Shaded grey: not yet imported" in svg  # the key
    table = without_phone_headings(page.split("<caption", 2)[-1])
    this_month = table.split(f"{month(0):%B %Y}</th>", 1)[1].split("</tr>", 1)[0]
    not_imported = this_month.split('hiu-not-imported" role="cell">')[1:]
    cells = [cell.split("<", 1)[0] for cell in not_imported]
    assert cells == ["Not yet imported"] * 4
    assert 'numeric">0<' not in this_month


def test_the_window_is_24_months_or_from_a_year_before_the_first_episode() -> None:
    today = dt.date(2026, 5, 14)
    assert window(today, None) == (dt.date(2024, 6, 1), dt.date(2026, 5, 1))
    assert window(today, dt.date(2025, 9, 30)) == (dt.date(2024, 6, 1), dt.date(2026, 5, 1))
    assert window(today, dt.date(2024, 3, 2)) == (dt.date(2023, 3, 1), dt.date(2026, 5, 1))


def test_phase_spans_follow_the_phase_changes_of_each_episode() -> None:
    today = dt.date(2026, 5, 14)
    changes = [
        (1, "contacting", dt.date(2025, 1, 3)),
        (1, "engaged", dt.date(2025, 1, 10)),
        (1, "closed", dt.date(2025, 6, 1)),
        (2, "engaged", dt.date(2026, 2, 1)),
    ]
    spans = [(s.episode_number, s.phase, s.start, s.end) for s in phase_spans(changes, today)]
    assert spans == [
        (1, "contacting", dt.date(2025, 1, 3), dt.date(2025, 1, 10)),
        (1, "engaged", dt.date(2025, 1, 10), dt.date(2025, 6, 1)),
        (2, "engaged", dt.date(2026, 2, 1), dt.date(2026, 5, 15)),
    ]


def test_activity_page_draws_the_chart_with_phase_bands_and_the_same_numbers_in_a_table(
    data_dir: Path,
    tmp_path: Path,
    manager: User,
    signed_in: Callable[[User], HttpClient],
    make_client: Callable[..., Client],
    case: Callable[..., Episode],
    service: Service,
) -> None:
    build_store(data_dir, tmp_path)
    client = make_client(service, case_manager=manager, nhs_number=NUMBER)
    episode = case(client, phase=Phase.CONTACTING, on=month(4))
    move(episode, Phase.ENGAGED, by=manager, on=month(3) + dt.timedelta(days=5))

    response = signed_in(manager).get(reverse("clients:activity", args=[client.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    svg = page.split('<figure class="hiu-chart', 1)[1].split("</svg>", 1)[0]
    assert 'role="img"' in svg
    assert '<title id="activity-chart-title">Urgent care activity each month' in svg
    assert '<desc id="activity-chart-desc">' in svg
    assert "4 A&amp;E attendances" in svg  # the description's totals
    assert 'fill="url(#hiu-phase-contacting)"' in svg
    assert 'fill="url(#hiu-phase-engaged)"' in svg
    assert "<script" not in page.split("<main", 1)[1]
    table = without_phone_headings(page.split("<caption", 2)[-1])
    row = table.split(f"{month(2):%B %Y}</th>", 1)[1].split("</tr>", 1)[0]
    cells = [cell.split(">", 1)[1].split("<", 1)[0] for cell in row.split("<td")[1:-1]]
    # The 111 extract runs only to five months ago: two months ago is not yet imported.
    assert cells == ["3", "1", "Not yet imported", "1"]
    assert 'scope="col"' in table
    assert 'scope="row"' in table
    assert "Engaged" in row  # the phase at the end of that month


def test_activity_page_says_when_nothing_has_been_imported(
    data_dir: Path,
    manager: User,
    signed_in: Callable[[User], HttpClient],
    make_client: Callable[..., Client],
    service: Service,
) -> None:
    client = make_client(service, case_manager=manager)
    page = signed_in(manager).get(reverse("clients:activity", args=[client.pk])).content.decode()
    assert "No activity has been imported yet" in page
    assert "activity-chart-title" not in page


def test_activity_page_marks_when_interventions_started(
    data_dir: Path,
    tmp_path: Path,
    manager: User,
    signed_in: Callable[[User], HttpClient],
    make_client: Callable[..., Client],
    service: Service,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    build_store(data_dir, tmp_path)
    client = make_client(service, case_manager=manager, nhs_number=NUMBER)
    started = month(1) + dt.timedelta(days=4)
    monkeypatch.setattr(
        "hiu.web.clients.views.intervention_marks",
        lambda c: [(started, "Psychological therapy started")] if c.pk == client.pk else [],
    )
    page = signed_in(manager).get(reverse("clients:activity", args=[client.pk])).content.decode()
    assert "Numbered line: an intervention started" in page
    assert f"Psychological therapy started, {started.day} {started:%B %Y}" in page
    desc = page.split("<desc", 1)[1].split("</desc>", 1)[0]
    assert "Interventions started: Psychological therapy started" in desc
