"""Identification in the web app: a service's settings, making a list in the background, who is
new, continuing or dropped, the list's filters, the excluded, a person's activity, the audit
trail, the schedule (``manage identify_due``), the demo's lists, and who may see any of it.

Every test runs on a real activity store, built in the test's own data directory by the
importer from small CSV files. The service uses City and Hackney's rule set (the default): a
person is listed when they have 5 or more A&E attendances within 30 days (among other
thresholds) on a day of the 30 days ending on the as-of date, and is 18 or over.

The store below: Ada has 5 A&E attendances in mid-January 2025; Ben 5 in late January and 6
in mid-February; Cara 5 in late February; Yan, aged 14, 5 in early January; Dee none. So the
list as of 31 January has Ada and Ben (Yan excluded by age), and the list as of 28 February
has Ben (continuing) and Cara (new), with Ada dropped.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import shutil
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client as HttpClient
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from tables_support import without_phone_headings

from hiu.identify.listing import EXCLUSION_COLUMNS, LIST_COLUMNS
from hiu.identify.rules import SHIPPED_DIR
from hiu.ingest.pipeline import import_file
from hiu.store.store import Store
from hiu.synth.nhs_number import synthetic_nhs_numbers
from hiu.web.accounts.models import ListFrequency, Service
from hiu.web.accounts.roles import Role
from hiu.web.audit.models import Action, AuditEvent
from hiu.web.formatting import format_nhs_number
from hiu.web.identification import views
from hiu.web.identification.models import ExcludedPerson, IdentificationRun, IdentifiedPerson
from hiu.web.identification.running import (
    NO_ACTIVITY,
    UNEXPECTED_FAILURE,
    run_identification_job,
)
from hiu.web.identification.schedule import due_as_of, months_before
from hiu.web.identification.services import start_run
from hiu.web.identification.status import Mark, RunStatus, Trigger

pytestmark = pytest.mark.db_engine

ADA, BEN, CARA, YAN, DEE = (str(n) for n in synthetic_nhs_numbers(np.arange(5), 3))
NUMBERS = {"Ada": ADA, "Ben": BEN, "Cara": CARA, "Yan": YAN, "Dee": DEE}
JANUARY = dt.date(2025, 1, 31)
FEBRUARY = dt.date(2025, 2, 28)
LATEST = dt.date(2025, 2, 24)  # Cara's last attendance: the latest activity in the store

PEOPLE = (
    "nhs_number,given_name,family_name,date_of_birth,sex,phone\n"
    f"{ADA},Ada,Alpha,1960-05-01,2,07700 900001\n"
    f"{BEN},Ben,Beta,1970-06-02,1,07700 900002\n"
    f"{CARA},Cara,Gamma,1980-07-03,2,07700 900003\n"
    f"{YAN},Yan,Young,2010-08-04,1,\n"
    f"{DEE},Dee,Delta,1950-09-05,2,\n"
)
ATTENDANCE_DAYS = {
    ADA: [dt.date(2025, 1, day) for day in range(10, 15)],
    BEN: [dt.date(2025, 1, day) for day in range(20, 25)]
    + [dt.date(2025, 2, day) for day in range(10, 16)],
    CARA: [dt.date(2025, 2, day) for day in range(20, 25)],
    YAN: [dt.date(2025, 1, day) for day in range(5, 10)],
}


def attendances() -> str:
    lines = ["attendance_id,nhs_number,arrival_datetime,site_code,attendance_category"]
    for number, days in ATTENDANCE_DAYS.items():
        for index, day in enumerate(days):
            lines.append(f"ED-{number}-{index},{number},{day}T10:30:00,RQX01,1")
    return "\n".join(lines) + "\n"


OTHER_ACTIVITY = {
    "ambulance_incidents": (
        "incident_id,nhs_number,call_datetime,call_origin,outcome,conveyed_to_site\n"
        f"AMB-1,{ADA},2025-01-12T22:05:00,999,see_and_convey,RQX01\n"
    ),
    "nhs111_calls": (
        f"call_id,nhs_number,call_datetime,disposition\nC111-1,{ADA},2025-01-13T08:00:00,ed\n"
    ),
    "admissions": (
        "spell_id,nhs_number,admission_datetime,discharge_datetime,admission_method,"
        "primary_diagnosis,setting,site_code\n"
        f"SP-1,{ADA},2025-01-14T15:00:00,2025-01-16T11:00:00,21,R07.4,acute,RQX01\n"
    ),
}


def build_store(data_dir: Path, folder: Path) -> Store:
    store = Store.in_data_dir(data_dir)
    files = {"people": PEOPLE, "ed_attendances": attendances(), **OTHER_ACTIVITY}
    for kind, text in files.items():
        path = folder / f"{kind}.csv"
        path.write_text(text)
        result = import_file(store, kind, path, imported_by="test")
        assert result.manifest.rejected == 0, kind
    return store


@pytest.fixture(scope="session")
def built_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The store, imported once a session; each test gets a copy of its own."""
    data = tmp_path_factory.mktemp("identification-data")
    build_store(data, tmp_path_factory.mktemp("identification-extracts"))
    return data / "store"


@pytest.fixture
def activity(data_dir: Path, built_store: Path) -> Store:
    shutil.copytree(built_store, data_dir / "store")
    return Store.in_data_dir(data_dir)


@pytest.fixture
def coordinator(staff: dict[Role, User], signed_in: Callable[[User], HttpClient]) -> HttpClient:
    return signed_in(staff[Role.DATA_COORDINATOR])


def make_list(browser: HttpClient, as_of: dt.date) -> IdentificationRun:
    form = {"as_of_day": as_of.day, "as_of_month": as_of.month, "as_of_year": as_of.year}
    response = browser.post(reverse("identification:start"), form)
    assert response.status_code == 302
    run = IdentificationRun.objects.latest("id")
    assert response["Location"] == reverse("identification:run", args=[run.pk])
    return run


def marks(run: IdentificationRun) -> dict[str, tuple[str, int | None]]:
    names = {number: name for name, number in NUMBERS.items()}
    return {
        names[person.nhs_number]: (person.mark, person.rank)
        for person in IdentifiedPerson.objects.filter(run=run)
    }


def page_of(browser: HttpClient, run: IdentificationRun, **query: Any) -> str:
    response = browser.get(reverse("identification:run", args=[run.pk]), query)
    assert response.status_code == 200
    return response.content.decode()


SUMMARY_ROW = re.compile(
    r'<dt class="nhsuk-summary-list__key">\s*(.*?)\s*</dt>\s*'
    r'<dd class="nhsuk-summary-list__value[^"]*">\s*(.*?)\s*</dd>',
    re.DOTALL,
)


def summary_rows(page: str) -> dict[str, str]:
    """The first summary list's keys and values, as they are written in the page."""
    return dict(SUMMARY_ROW.findall(page))


def listed_names(page: str) -> set[str]:
    table = page.split("<tbody", 1)[1].split("</tbody>", 1)[0] if "<tbody" in page else ""
    return {name for name in NUMBERS if f"{name}</a>" in table}


@pytest.fixture
def two_lists(
    activity: Store, immediate_tasks: None, coordinator: HttpClient
) -> tuple[IdentificationRun, IdentificationRun]:
    january = make_list(coordinator, JANUARY)
    february = make_list(coordinator, FEBRUARY)
    january.refresh_from_db()
    february.refresh_from_db()
    return january, february


# Making a list ---------------------------------------------------------------------------


def test_a_data_coordinator_makes_a_list_in_the_background(
    activity: Store, immediate_tasks: None, coordinator: HttpClient, staff: dict[Role, User]
) -> None:
    run = make_list(coordinator, JANUARY)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    assert (run.rule_set, run.rule_set_title) == ("hackney", "City and Hackney")
    assert (run.trigger, run.requested_by) == (Trigger.ON_DEMAND, staff[Role.DATA_COORDINATOR])
    assert (run.as_of, run.period_start) == (JANUARY, dt.date(2025, 1, 2))
    assert (run.listed_count, run.excluded_count, run.below_cut) == (2, 1, 0)
    assert run.thresholds["ed_month"] == "5+ A&E attendances within 30 days"
    assert run.error == ""
    assert run.finished_at is not None
    assert marks(run) == {"Ada": (Mark.NEW, 1), "Ben": (Mark.NEW, 2)}
    page = page_of(coordinator, run)
    assert "List as of 31 January 2025" in page
    assert listed_names(page) == {"Ada", "Ben"}
    assert format_nhs_number(ADA) in page
    assert "5+ A&amp;E attendances within 30 days" in page
    assert "no earlier list: everyone is new" in page
    assert "data-hiu-refresh" not in page


def test_the_list_keeps_each_persons_details_and_counts(
    activity: Store, immediate_tasks: None, coordinator: HttpClient
) -> None:
    run = make_list(coordinator, JANUARY)
    ada = IdentifiedPerson.objects.get(run=run, nhs_number=ADA)
    assert (ada.given_name, ada.family_name, ada.phone) == ("Ada", "Alpha", "07700 900001")
    assert (ada.date_of_birth, ada.age) == (dt.date(1960, 5, 1), 64)
    assert ada.eligibility_date == dt.date(2025, 1, 14)  # the day of her fifth attendance
    assert ada.thresholds_met == "ed_month"
    assert (ada.ed_30d, ada.ed_90d, ada.ed_365d) == (5, 5, 5)
    assert (ada.ambulance_90d, ada.nhs111_90d, ada.admissions_365d) == (1, 1, 1)
    assert ada.bed_days_365d == 2


def test_a_second_list_marks_people_new_continuing_and_dropped(
    two_lists: tuple[IdentificationRun, IdentificationRun], coordinator: HttpClient
) -> None:
    january, february = two_lists
    assert february.previous_run == january
    assert marks(february) == {
        "Ben": (Mark.CONTINUING, 1),
        "Cara": (Mark.NEW, 2),
        "Ada": (Mark.DROPPED, None),
    }
    assert february.listed_count == 2  # the dropped are recorded, not counted as listed
    ada = IdentifiedPerson.objects.get(run=february, nhs_number=ADA)
    assert (ada.given_name, ada.age, ada.ed_90d, ada.thresholds_met) == ("Ada", 64, None, "")
    page = page_of(coordinator, february)
    assert "the list as of 31 January 2025" in page
    assert reverse("identification:run", args=[january.pk]) in page
    summary = summary_rows(page)
    assert summary["On the list"] == "2"
    assert summary["New since the previous list"] == "1"
    assert summary["Continuing"] == "1"
    assert summary["Dropped since the previous list"] == "1"
    assert summary["Excluded by the rule set&#39;s criteria"] == "0"
    assert listed_names(page) == {"Ben", "Cara", "Ada"}
    assert page.index("Ben</a>") < page.index("Cara</a>") < page.index("Ada</a>")


def test_marks_compare_with_the_previous_list_by_as_of_date_not_by_when_it_was_made(
    activity: Store, immediate_tasks: None, coordinator: HttpClient
) -> None:
    february = make_list(coordinator, FEBRUARY)
    january = make_list(coordinator, JANUARY)  # made later, but about an earlier month
    january.refresh_from_db()
    assert january.previous_run is None
    assert marks(january) == {"Ada": (Mark.NEW, 1), "Ben": (Mark.NEW, 2)}
    again = make_list(coordinator, FEBRUARY)  # the same month again: compared with the first
    again.refresh_from_db()
    assert again.previous_run == february
    assert marks(again) == {"Ben": (Mark.CONTINUING, 1), "Cara": (Mark.CONTINUING, 2)}


def test_excluded_people_are_kept_with_their_reasons(
    activity: Store, immediate_tasks: None, coordinator: HttpClient
) -> None:
    run = make_list(coordinator, JANUARY)
    yan = ExcludedPerson.objects.get(run=run)
    assert (yan.nhs_number, yan.age, yan.reasons) == (YAN, 14, "aged 14, under 18")
    assert not IdentifiedPerson.objects.filter(nhs_number=YAN).exists()
    response = coordinator.get(reverse("identification:excluded", args=[run.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "YOUNG, Yan" in page
    assert "Aged 14, under 18" in page
    assert format_nhs_number(YAN) in page
    assert 'aria-current="page"' in page.split("Excluded (1)", 1)[0]


def test_the_form_offers_the_day_of_the_latest_activity_and_explains_the_date(
    activity: Store, coordinator: HttpClient
) -> None:
    page = coordinator.get(reverse("identification:start")).content.decode()
    assert 'name="as_of_day" type="text" value="24"' in page
    assert 'name="as_of_month" type="text" value="2"' in page
    assert 'name="as_of_year" type="text" value="2025"' in page
    assert "The latest activity in the store is on 24 February 2025" in page
    assert "met a threshold on one of the 30 days ending on it" in page
    assert "City and Hackney (hackney)" in page


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("", "", "", "Enter the as-of date"),
        ("31", "", "", "The as-of date must include a month and a year"),
        ("31", "2", "2025", "The as-of date must be a real date"),
        ("x", "2", "2025", "The as-of date must be a real date"),
        ("1", "1", "25", "The as-of date must have a 4-digit year, like "),
        ("1", "1", "1999", "The as-of date must be in 2000 or later"),
        ("1", "1", "2999", "The as-of date must be today or in the past"),
    ],
)
def test_the_form_says_what_to_fix_and_queues_nothing(
    activity: Store,
    immediate_tasks: None,
    coordinator: HttpClient,
    day: str,
    month: str,
    year: str,
    message: str,
) -> None:
    form = {"as_of_day": day, "as_of_month": month, "as_of_year": year}
    response = coordinator.post(reverse("identification:start"), form)
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert message in page
    assert "<title>Error: " in page
    assert 'href="#as_of-day"' in page
    assert not IdentificationRun.objects.exists()


def test_making_a_list_is_audited_without_patient_data(
    activity: Store, immediate_tasks: None, coordinator: HttpClient, staff: dict[Role, User]
) -> None:
    run = make_list(coordinator, JANUARY)
    event = AuditEvent.objects.get(action=Action.START_IDENTIFICATION)
    assert event.actor == staff[Role.DATA_COORDINATOR]
    assert (event.object_type, event.object_id) == ("identification_run", str(run.pk))
    assert event.detail == {"rule_set": "hackney", "as_of": "2025-01-31"}


# The task: queued for the worker, and its failures ---------------------------------------


def test_the_database_backend_queues_the_run_for_the_worker(
    activity: Store, coordinator: HttpClient
) -> None:
    run = make_list(coordinator, JANUARY)
    run.refresh_from_db()
    assert run.status == RunStatus.QUEUED
    page = page_of(coordinator, run)
    assert "Waiting to start" in page
    assert 'data-hiu-refresh="2"' in page
    assert "<h2>People</h2>" not in page
    assert not AuditEvent.objects.filter(action=Action.VIEW_IDENTIFIED_LIST).exists()
    queued = DBTaskResult.objects.get().task_result
    assert queued.task.module_path == "hiu.web.identification.tasks.run_identification"
    assert queued.args == [run.pk]
    queued.task.call(*queued.args, **queued.kwargs)
    run.refresh_from_db()
    assert (run.status, run.listed_count) == (RunStatus.DONE, 2)


def test_a_run_is_made_once_even_if_its_task_runs_twice(
    activity: Store, coordinator: HttpClient
) -> None:
    run = make_list(coordinator, JANUARY)
    run_identification_job(run.pk)
    run_identification_job(run.pk)
    assert IdentifiedPerson.objects.filter(run=run).count() == 2


def test_a_run_with_no_activity_in_the_store_fails_saying_what_to_do(
    data_dir: Path, immediate_tasks: None, coordinator: HttpClient
) -> None:
    run = make_list(coordinator, JANUARY)
    run.refresh_from_db()
    assert (run.status, run.error) == (RunStatus.FAILED, NO_ACTIVITY)
    page = page_of(coordinator, run)
    assert "The list was not made" in page
    assert "Import the extracts on the activity data page" in page
    assert "<h2>People</h2>" not in page


def test_a_rule_set_with_a_mistake_fails_with_the_rule_sets_message(
    activity: Store,
    data_dir: Path,
    immediate_tasks: None,
    coordinator: HttpClient,
    service: Service,
) -> None:
    (data_dir / "rulesets").mkdir()
    (data_dir / "rulesets" / "riverside.toml").write_text('title = "Riverside"\n[list]\n')
    service.rule_set = "riverside"
    service.save()
    run = make_list(coordinator, JANUARY)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert run.error.startswith("The rule set riverside could not be used: rule set ")
    assert "riverside.toml" in run.error
    assert run.error in page_of(coordinator, run).replace("&#39;", "'")


def test_an_unexpected_failure_shows_an_apology_and_logs_no_patient_data(
    activity: Store,
    data_dir: Path,
    immediate_tasks: None,
    coordinator: HttpClient,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from hiu.web.identification import running

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError(f"row value {ADA} broke something")

    # The list is made, then keeping it fails: nothing of it is kept.
    monkeypatch.setattr(running.IdentifiedPerson.objects, "bulk_create", broken)
    with caplog.at_level(logging.ERROR):
        run = make_list(coordinator, JANUARY)
    run.refresh_from_db()
    assert (run.status, run.error) == (RunStatus.FAILED, UNEXPECTED_FAILURE)
    assert not IdentifiedPerson.objects.exists()
    assert not ExcludedPerson.objects.exists()
    console = logging.getLogger().handlers  # the settings' console handler and its filter
    formatted = [handler.format(record) for record in caplog.records for handler in console]
    assert formatted
    assert any("RuntimeError: (message withheld)" in line for line in formatted)
    assert not any(ADA in line for line in formatted)
    page = page_of(coordinator, run)
    assert UNEXPECTED_FAILURE in page
    assert ADA not in page


# The list's filters ----------------------------------------------------------------------


def test_the_list_filters_by_place_on_the_list(
    two_lists: tuple[IdentificationRun, IdentificationRun], coordinator: HttpClient
) -> None:
    _, february = two_lists
    assert listed_names(page_of(coordinator, february, mark="new")) == {"Cara"}
    assert listed_names(page_of(coordinator, february, mark="continuing")) == {"Ben"}
    assert listed_names(page_of(coordinator, february, mark="dropped")) == {"Ada"}


def test_the_list_filters_by_threshold_met(
    two_lists: tuple[IdentificationRun, IdentificationRun], coordinator: HttpClient
) -> None:
    _, february = two_lists
    assert listed_names(page_of(coordinator, february, threshold="ed_year")) == {"Ben"}
    assert listed_names(page_of(coordinator, february, threshold="ed_month")) == {"Ben", "Cara"}
    page = page_of(coordinator, february, threshold="ed_month")
    assert '<option value="ed_year">10+ A&amp;E attendances within 365 days</option>' in page


def test_the_list_filters_by_the_fewest_ae_attendances_in_90_days(
    two_lists: tuple[IdentificationRun, IdentificationRun], coordinator: HttpClient
) -> None:
    _, february = two_lists
    assert listed_names(page_of(coordinator, february, min_ed_90d="6")) == {"Ben"}
    assert listed_names(page_of(coordinator, february, min_ed_90d="5")) == {"Ben", "Cara"}


@pytest.mark.parametrize(
    ("search", "found"),
    [
        ("gamma", {"Cara"}),
        ("Cara Gamma", {"Cara"}),
        ("a", {"Ada", "Ben", "Cara"}),
        (format_nhs_number(CARA), {"Cara"}),
        (CARA[:6], {"Cara"}),
        ("Nobody", set()),
    ],
)
def test_the_list_finds_people_by_name_or_nhs_number(
    two_lists: tuple[IdentificationRun, IdentificationRun],
    coordinator: HttpClient,
    search: str,
    found: set[str],
) -> None:
    _, february = two_lists
    page = page_of(coordinator, february, q=search)
    assert listed_names(page) == found
    if not found:
        assert "No one on this list matches the filters." in page


def test_a_filter_with_a_mistake_is_explained_and_the_others_still_apply(
    two_lists: tuple[IdentificationRun, IdentificationRun], coordinator: HttpClient
) -> None:
    _, february = two_lists
    page = page_of(coordinator, february, mark="new", min_ed_90d="lots")
    assert "There is a problem with the filters" in page
    assert "Enter the fewest A&amp;E attendances as a whole number, like 5" in page
    assert listed_names(page) == {"Cara"}


def test_pages_of_a_long_list_keep_the_filters(
    two_lists: tuple[IdentificationRun, IdentificationRun],
    coordinator: HttpClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, february = two_lists
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    first = page_of(coordinator, february, threshold="ed_month")
    assert listed_names(first) == {"Ben"}
    assert "?threshold=ed_month&amp;page=2" in first
    second = page_of(coordinator, february, threshold="ed_month", page="2")
    assert listed_names(second) == {"Cara"}


# A person's activity ---------------------------------------------------------------------


def test_a_persons_activity_shows_each_kind_newest_first_and_monthly_counts(
    two_lists: tuple[IdentificationRun, IdentificationRun], coordinator: HttpClient
) -> None:
    january, _ = two_lists
    ada = IdentifiedPerson.objects.get(run=january, nhs_number=ADA)
    response = coordinator.get(reverse("identification:person", args=[january.pk, ada.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Ada Alpha</h1>" in page
    assert format_nhs_number(ADA) in page
    assert "1 May 1960 (aged 64 on 31 January 2025)" in page
    assert "8 events" in page  # 5 A&E attendances, an ambulance incident, a call, a spell
    assert page.index("14 January 2025, 10:30am") < page.index("10 January 2025, 10:30am")
    assert "12 January 2025, 10:05pm" in page  # the ambulance incident
    assert "See and convey" in page
    assert "Emergency admission: Emergency Care Department or acute or emergency dental" in page
    months = without_phone_headings(page).split("Activity each month", 1)[1].split("</table>", 1)[0]
    january_row = months.split("January 2025</th>", 1)[1].split("</tr>", 1)[0]
    assert [cell.split(">")[-1] for cell in january_row.split("</td>")[:4]] == ["5", "1", "1", "1"]
    assert months.index("January 2025") < months.index("December 2024")


def test_a_dropped_person_can_be_opened_too(
    two_lists: tuple[IdentificationRun, IdentificationRun], coordinator: HttpClient
) -> None:
    _, february = two_lists
    ada = IdentifiedPerson.objects.get(run=february, nhs_number=ADA)
    page = coordinator.get(reverse("identification:person", args=[february.pk, ada.pk]))
    assert "Dropped: on the previous list, not on this one" in page.content.decode()


def test_a_person_who_is_already_a_client_links_to_their_record(
    two_lists: tuple[IdentificationRun, IdentificationRun],
    coordinator: HttpClient,
    make_client: Callable[..., Any],
    service: Service,
) -> None:
    january, _ = two_lists
    client = make_client(service, nhs_number=BEN)
    ben = IdentifiedPerson.objects.get(run=january, nhs_number=BEN)
    page = coordinator.get(reverse("identification:person", args=[january.pk, ben.pk]))
    assert reverse("clients:detail", args=[client.pk]) in page.content.decode()


def test_a_person_is_opened_only_under_their_own_run(
    two_lists: tuple[IdentificationRun, IdentificationRun], coordinator: HttpClient
) -> None:
    january, february = two_lists
    ada = IdentifiedPerson.objects.get(run=january, nhs_number=ADA)
    url = reverse("identification:person", args=[february.pk, ada.pk])
    assert coordinator.get(url).status_code == 404


# The audit trail -------------------------------------------------------------------------


def test_every_view_of_a_list_and_of_a_persons_activity_is_audited_without_patient_data(
    two_lists: tuple[IdentificationRun, IdentificationRun],
    coordinator: HttpClient,
    staff: dict[Role, User],
) -> None:
    january, february = two_lists
    page_of(coordinator, february, q=format_nhs_number(CARA), mark="new")
    coordinator.get(reverse("identification:excluded", args=[january.pk]))
    cara = IdentifiedPerson.objects.get(run=february, nhs_number=CARA)
    coordinator.get(reverse("identification:person", args=[february.pk, cara.pk]))
    lists = list(AuditEvent.objects.filter(action=Action.VIEW_IDENTIFIED_LIST).order_by("id"))
    assert [(e.object_type, e.object_id) for e in lists] == [
        ("identification_run", str(february.pk)),
        ("identification_run", str(january.pk)),
    ]
    assert lists[0].detail == {
        "view": "list",
        "page": 1,
        "people_shown": 1,
        "filtered_by": ["mark", "q"],
    }
    assert lists[1].detail == {"view": "excluded", "page": 1, "people_shown": 1}
    activity = AuditEvent.objects.get(action=Action.VIEW_PERSON_ACTIVITY)
    assert (activity.object_type, activity.object_id) == ("identified_person", str(cara.pk))
    assert activity.detail == {"run": february.pk, "events": 5}
    assert {e.actor for e in AuditEvent.objects.all()} == {staff[Role.DATA_COORDINATOR]}
    everything = str(list(AuditEvent.objects.values()))
    for value in [*NUMBERS.values(), format_nhs_number(CARA), "Cara", "Gamma"]:
        assert value not in everything


# Settings --------------------------------------------------------------------------------


def test_the_service_lead_chooses_the_rule_set_and_how_often_lists_are_made(
    data_dir: Path, staff: dict[Role, User], signed_in: Callable[[User], HttpClient]
) -> None:
    lead = signed_in(staff[Role.SERVICE_LEAD])
    page = lead.get(reverse("identification:settings")).content.decode()
    assert 'value="hackney" checked' in page
    assert 'value="on_demand" checked' in page
    assert "NHS RightCare top 50 (rightcare)" in page
    response = lead.post(
        reverse("identification:settings"),
        {"rule_set": "rightcare", "list_frequency": "quarterly"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("identification:runs")
    service = Service.objects.get(pk=staff[Role.SERVICE_LEAD].staff_profile.service_id)
    assert (service.rule_set, service.list_frequency) == ("rightcare", ListFrequency.QUARTERLY)
    event = AuditEvent.objects.get(action=Action.CHANGE_IDENTIFICATION_SETTINGS)
    assert (event.object_type, event.object_id) == ("service", str(service.pk))
    assert event.detail == {"rule_set": "rightcare", "list_frequency": "quarterly"}
    runs_page = lead.get(reverse("identification:runs")).content.decode()
    assert "NHS RightCare top 50 (rightcare)" in runs_page
    assert "Quarterly" in runs_page


@pytest.mark.parametrize(
    ("form", "messages"),
    [
        ({}, ["Select the rule set your service uses", "Select how often lists are made"]),
        (
            {"rule_set": "../../etc/passwd", "list_frequency": "weekly"},
            ["Select the rule set your service uses", "Select how often lists are made"],
        ),
    ],
)
def test_the_settings_form_says_what_to_fix_and_changes_nothing(
    data_dir: Path,
    coordinator: HttpClient,
    service: Service,
    form: dict[str, str],
    messages: list[str],
) -> None:
    response = coordinator.post(reverse("identification:settings"), form)
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "<title>Error: " in page
    for message in messages:
        assert message in page
    assert 'href="#rule_set"' in page
    service.refresh_from_db()
    assert (service.rule_set, service.list_frequency) == ("hackney", ListFrequency.ON_DEMAND)
    assert not AuditEvent.objects.filter(action=Action.CHANGE_IDENTIFICATION_SETTINGS).exists()


def test_a_services_own_rule_set_can_be_chosen(
    data_dir: Path, coordinator: HttpClient, service: Service
) -> None:
    (data_dir / "rulesets").mkdir()
    text = (
        (SHIPPED_DIR / "stockport.toml")
        .read_text()
        .replace('title = "Stockport"', 'title = "Ours"')
    )
    (data_dir / "rulesets" / "riverside.toml").write_text(text)
    assert (
        "Ours (riverside)" in coordinator.get(reverse("identification:settings")).content.decode()
    )
    coordinator.post(
        reverse("identification:settings"), {"rule_set": "riverside", "list_frequency": "monthly"}
    )
    service.refresh_from_db()
    assert service.rule_set == "riverside"


# The schedule: manage identify_due -------------------------------------------------------


@pytest.mark.parametrize(
    ("frequency", "today", "as_of"),
    [
        (ListFrequency.MONTHLY, dt.date(2025, 3, 1), dt.date(2025, 2, 28)),
        (ListFrequency.MONTHLY, dt.date(2024, 3, 31), dt.date(2024, 2, 29)),
        (ListFrequency.MONTHLY, dt.date(2025, 1, 15), dt.date(2024, 12, 31)),
        (ListFrequency.QUARTERLY, dt.date(2025, 4, 1), dt.date(2025, 3, 31)),
        (ListFrequency.QUARTERLY, dt.date(2025, 6, 30), dt.date(2025, 3, 31)),
        (ListFrequency.QUARTERLY, dt.date(2025, 2, 10), dt.date(2024, 12, 31)),
        (ListFrequency.QUARTERLY, dt.date(2025, 11, 5), dt.date(2025, 9, 30)),
        (ListFrequency.ON_DEMAND, dt.date(2025, 3, 1), None),
    ],
)
def test_a_scheduled_list_is_as_of_the_end_of_the_previous_month_or_quarter(
    frequency: str, today: dt.date, as_of: dt.date | None
) -> None:
    assert due_as_of(frequency, today) == as_of


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2025, 12, 31), 3, dt.date(2025, 9, 30)),
        (dt.date(2025, 5, 31), 3, dt.date(2025, 2, 28)),
        (dt.date(2025, 2, 15), 3, dt.date(2024, 11, 15)),
        (dt.date(2024, 5, 29), 3, dt.date(2024, 2, 29)),
        (dt.date(2025, 1, 1), 0, dt.date(2025, 1, 1)),
    ],
)
def test_months_before_keeps_the_day_or_the_months_last(
    day: dt.date, months: int, expected: dt.date
) -> None:
    assert months_before(day, months) == expected


def identify_due(today: str, *extra: str) -> str:
    out = StringIO()
    call_command("identify_due", "--today", today, *extra, stdout=out)
    return out.getvalue()


def test_identify_due_queues_each_scheduled_services_list_once(
    activity: Store, service: Service, other_service: Service
) -> None:
    service.list_frequency = ListFrequency.MONTHLY
    service.save()
    quarterly = Service.objects.create(
        name="Quayside HIU", organisation_code="RQY", list_frequency=ListFrequency.QUARTERLY
    )
    first = identify_due("2025-02-10")
    assert "Riverside HIU: queued the list as of 31 January 2025 (run " in first
    assert "Quayside HIU: queued the list as of 31 December 2024 (run " in first
    assert "Hillside HIU" not in first  # on demand only
    runs = IdentificationRun.objects.order_by("service__name")
    assert [(r.service, r.as_of, r.trigger) for r in runs] == [
        (quarterly, dt.date(2024, 12, 31), Trigger.SCHEDULED),
        (service, JANUARY, Trigger.SCHEDULED),
    ]
    assert all(r.status == RunStatus.QUEUED and r.requested_by is None for r in runs)
    assert DBTaskResult.objects.count() == 2

    again = identify_due("2025-02-24")
    assert "Riverside HIU: the list as of 31 January 2025 is already made or queued." in again
    assert IdentificationRun.objects.count() == 2
    assert DBTaskResult.objects.count() == 2


def test_identify_due_does_not_queue_again_after_a_run_failed_or_for_an_on_demand_run(
    activity: Store, service: Service, staff: dict[Role, User]
) -> None:
    service.list_frequency = ListFrequency.MONTHLY
    service.save()
    start_run(service=service, as_of=JANUARY, user=staff[Role.DATA_COORDINATOR])
    identify_due("2025-02-03")
    scheduled = IdentificationRun.objects.get(trigger=Trigger.SCHEDULED)
    IdentificationRun.objects.filter(pk=scheduled.pk).update(status=RunStatus.FAILED)
    identify_due("2025-02-04")
    assert IdentificationRun.objects.filter(trigger=Trigger.SCHEDULED).count() == 1


def test_identify_due_makes_the_list_when_the_worker_runs_it(
    activity: Store, immediate_tasks: None, service: Service
) -> None:
    service.list_frequency = ListFrequency.MONTHLY
    service.save()
    identify_due("2025-02-03")
    run = IdentificationRun.objects.get()
    assert (run.status, run.listed_count, run.requested_by_username) == (RunStatus.DONE, 2, "")


def test_identify_due_waits_for_activity_up_to_the_as_of_date(
    activity: Store, service: Service
) -> None:
    service.list_frequency = ListFrequency.MONTHLY
    service.save()
    waiting = identify_due("2025-03-02")  # February's list: activity so far ends on 24 February
    assert "the list as of 28 February 2025 waits for activity up to that day." in waiting
    assert not IdentificationRun.objects.exists()
    forced = identify_due("2025-03-02", "--without-waiting-for-data")
    assert "queued the list as of 28 February 2025" in forced
    assert IdentificationRun.objects.get().as_of == FEBRUARY


def test_identify_due_refuses_a_date_it_cannot_read(db: object) -> None:
    with pytest.raises(CommandError, match="--today must be a date as YYYY-MM-DD"):
        identify_due("1 March")


def test_one_scheduled_run_per_service_and_date_is_enforced_by_the_database(
    activity: Store, service: Service
) -> None:
    from django.db import IntegrityError, transaction

    start_run(service=service, as_of=JANUARY, user=None, trigger=Trigger.SCHEDULED)
    with pytest.raises(IntegrityError), transaction.atomic():
        start_run(service=service, as_of=JANUARY, user=None, trigger=Trigger.SCHEDULED)
    start_run(service=service, as_of=JANUARY, user=None)  # on demand: as many as wanted


# The demo --------------------------------------------------------------------------------


def test_the_demo_makes_two_lists_three_months_apart_and_keeps_them_when_run_again(
    db: object, data_dir: Path, synthetic: Path
) -> None:
    out = StringIO()
    call_command("demo", synthetic=synthetic, stdout=out)
    earlier, latest = IdentificationRun.objects.order_by("as_of")
    assert latest.as_of == dt.date(2024, 12, 31)  # the synthetic year's last day of activity
    assert earlier.as_of == dt.date(2024, 9, 30)
    assert earlier.created_at < latest.created_at
    assert (earlier.status, latest.status) == (RunStatus.DONE, RunStatus.DONE)
    assert latest.previous_run == earlier
    assert latest.requested_by is not None
    assert latest.requested_by.username == "datacoordinator"
    assert earlier.listed_count > 0
    assert "Identification (hackney):" in out.getvalue()
    assert "list as of 31 December 2024: " in out.getvalue()
    call_command("demo", synthetic=synthetic, stdout=StringIO())
    assert IdentificationRun.objects.count() == 2


# Who may see what ------------------------------------------------------------------------

SEES_LISTS = {Role.SERVICE_LEAD, Role.CASE_MANAGER, Role.DATA_COORDINATOR}
VIEWS = [Action.VIEW_IDENTIFIED_LIST, Action.VIEW_PERSON_ACTIVITY]
PERSON_PAGES = ["identification:run", "identification:excluded", "identification:person"]


def _args(page: str, run: IdentificationRun) -> list[int]:
    if page == "identification:person":
        return [run.pk, IdentifiedPerson.objects.get(run=run, nhs_number=BEN).pk]
    return [run.pk]


@pytest.mark.parametrize("page", PERSON_PAGES)
@pytest.mark.parametrize("role", sorted(Role, key=lambda r: r.name))
def test_only_the_services_lead_case_managers_and_data_coordinators_open_a_list(
    two_lists: tuple[IdentificationRun, IdentificationRun],
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    role: Role,
    page: str,
) -> None:
    _, february = two_lists
    response = signed_in(staff[role]).get(reverse(page, args=_args(page, february)))
    allowed = role in SEES_LISTS
    assert response.status_code == (200 if allowed else 403)
    shown = format_nhs_number(BEN) in response.content.decode()
    assert shown == (allowed and page != "identification:excluded")
    viewed = AuditEvent.objects.filter(actor=staff[role], action__in=VIEWS).count()
    assert viewed == (1 if allowed else 0)


@pytest.mark.parametrize("page", PERSON_PAGES)
@pytest.mark.parametrize("role", sorted(SEES_LISTS, key=lambda r: r.name))
def test_another_services_list_is_not_found(
    two_lists: tuple[IdentificationRun, IdentificationRun],
    make_user: Callable[..., User],
    signed_in: Callable[[User], HttpClient],
    other_service: Service,
    role: Role,
    page: str,
) -> None:
    _, february = two_lists
    theirs = signed_in(make_user(f"hillside_{role.name.lower()}", role, other_service))
    response = theirs.get(reverse(page, args=_args(page, february)))
    assert response.status_code == 404
    assert format_nhs_number(BEN) not in response.content.decode()
    runs = theirs.get(reverse("identification:runs")).content.decode()
    assert reverse("identification:run", args=[february.pk]) not in runs
    assert not AuditEvent.objects.filter(
        action__in=VIEWS, actor__staff_profile__service=other_service
    ).exists()


@pytest.mark.parametrize("page", PERSON_PAGES)
def test_signed_out_people_are_sent_to_sign_in(
    two_lists: tuple[IdentificationRun, IdentificationRun], client: HttpClient, page: str
) -> None:
    _, february = two_lists
    client.logout()
    before = AuditEvent.objects.count()
    response = client.get(reverse(page, args=_args(page, february)))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))
    assert AuditEvent.objects.count() == before


def test_case_managers_see_lists_but_cannot_make_one_or_change_settings(
    two_lists: tuple[IdentificationRun, IdentificationRun],
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
) -> None:
    manager = signed_in(staff[Role.CASE_MANAGER])
    page = manager.get(reverse("identification:runs")).content.decode()
    assert "31 January 2025" in page
    assert "Make a list" not in page
    assert reverse("identification:settings") not in page
    form = {"as_of_day": "31", "as_of_month": "1", "as_of_year": "2025"}
    assert manager.post(reverse("identification:start"), form).status_code == 403
    settings = {"rule_set": "rightcare", "list_frequency": "monthly"}
    assert manager.post(reverse("identification:settings"), settings).status_code == 403
    assert IdentificationRun.objects.count() == 2


def test_the_runs_page_lists_the_services_lists_with_their_counts(
    two_lists: tuple[IdentificationRun, IdentificationRun], coordinator: HttpClient
) -> None:
    page = coordinator.get(reverse("identification:runs")).content.decode()
    assert "Make a list" in page
    table = without_phone_headings(page).split("<tbody", 1)[1]
    assert table.index("28 February 2025") < table.index("31 January 2025")
    february = table.split("28 February 2025", 1)[1].split("</tr>", 1)[0]
    cells = [cell.split(">")[-1] for cell in february.split("</td>")]
    assert cells[4:8] == ["2", "1", "1", "0"]  # on the list, new, dropped, excluded


@pytest.mark.parametrize("role", [Role.SERVICE_LEAD, Role.DATA_COORDINATOR])
def test_someone_outside_any_service_cannot_make_a_list_or_change_settings(
    activity: Store,
    immediate_tasks: None,
    make_user: Callable[..., User],
    signed_in: Callable[[User], HttpClient],
    role: Role,
) -> None:
    loner = signed_in(make_user("no_service", role, None))
    assert loner.get(reverse("identification:start")).status_code == 403
    assert loner.get(reverse("identification:settings")).status_code == 403
    form = {"as_of_day": "31", "as_of_month": "1", "as_of_year": "2025"}
    assert loner.post(reverse("identification:start"), form).status_code == 403
    assert loner.get(reverse("identification:runs")).status_code == 200
    assert not IdentificationRun.objects.exists()


def test_making_a_list_without_the_forms_token_is_refused(
    activity: Store, immediate_tasks: None, staff: dict[Role, User]
) -> None:
    browser = HttpClient(enforce_csrf_checks=True)
    browser.force_login(staff[Role.DATA_COORDINATOR])
    form = {"as_of_day": "31", "as_of_month": "1", "as_of_year": "2025"}
    assert browser.post(reverse("identification:start"), form).status_code == 403
    assert not IdentificationRun.objects.exists()


# Downloading a list ----------------------------------------------------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(browser: HttpClient, run: IdentificationRun) -> Any:
    return browser.get(reverse("identification:download", args=[run.pk]))


def sheets_of(response: Any, folder: Path) -> dict[str, pl.DataFrame]:
    """The downloaded file's sheets, read back as a spreadsheet user's program would."""
    assert response.status_code == 200
    path = folder / "downloaded.xlsx"
    # Reading the whole stream closes the response (and the file), as a WSGI server would.
    path.write_bytes(b"".join(response.streaming_content))
    return {name: pl.read_excel(path, sheet_name=name) for name in ("List", "Excluded", "About")}


def test_a_list_downloads_as_xlsx_with_the_listed_in_rank_order_then_the_dropped(
    two_lists: tuple[IdentificationRun, IdentificationRun],
    coordinator: HttpClient,
    data_dir: Path,
    tmp_path: Path,
) -> None:
    _, february = two_lists
    response = download(coordinator, february)
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == (
        'attachment; filename="identified-riverside-hiu-2025-02-28.xlsx"'
    )
    assert response["Cache-Control"] == "no-store"
    sheets = sheets_of(response, tmp_path)
    listed = sheets["List"]
    assert listed.columns == [*LIST_COLUMNS, "mark"]
    assert listed["nhs_number"].cast(pl.String).to_list() == [BEN, CARA, ADA]
    assert listed["mark"].to_list() == ["continuing", "new", "dropped"]
    assert listed["priority_rank"].to_list() == [1, 2, None]
    for column in ("priority_rank", "age", "spread", "ed_30d", "ed_90d", "bed_days_365d"):
        assert listed[column].dtype.is_integer(), column
    assert listed["date_of_birth"].dtype == pl.Date
    assert listed["eligibility_date"].dtype == pl.Date
    ben, cara, ada = listed.iter_rows(named=True)
    assert (ben["given_name"], ben["family_name"], ben["phone"]) == ("Ben", "Beta", "07700 900002")
    assert ben["date_of_birth"] == dt.date(1970, 6, 2)
    assert (ben["ed_30d"], ben["ed_90d"], ben["thresholds_met"]) == (6, 11, "ed_month; ed_year")
    assert (cara["age"], cara["eligibility_date"], cara["spread"]) == (44, dt.date(2025, 2, 24), 1)
    assert (ada["given_name"], ada["age"], ada["ed_90d"], ada["thresholds_met"]) == (
        "Ada",
        64,
        None,
        None,
    )
    assert sheets["Excluded"].columns == list(EXCLUSION_COLUMNS)
    assert sheets["Excluded"].height == 0
    # The file was written under the data directory and is gone once it has been sent.
    assert list((data_dir / "downloads").iterdir()) == []


def test_the_downloaded_list_has_the_excluded_and_says_what_the_list_is(
    two_lists: tuple[IdentificationRun, IdentificationRun],
    coordinator: HttpClient,
    tmp_path: Path,
) -> None:
    january, february = two_lists
    sheets = sheets_of(download(coordinator, january), tmp_path)
    excluded = sheets["Excluded"]
    assert excluded["nhs_number"].cast(pl.String).to_list() == [YAN]
    yan = excluded.row(0, named=True)
    assert (yan["given_name"], yan["age"], yan["reasons"]) == ("Yan", 14, "aged 14, under 18")
    assert excluded["age"].dtype.is_integer()
    assert sheets["List"]["mark"].to_list() == ["new", "new"]
    about = dict(sheets_of(download(coordinator, february), tmp_path)["About"].iter_rows())
    assert about["Service"] == "Riverside HIU (RQX)"
    assert about["Rule set"] == "hackney: City and Hackney"
    assert about["As-of date"] == "2025-02-28"
    assert about["Period"] == "2025-01-30 to 2025-02-28"
    assert about["Threshold ed_month"] == "5+ A&E attendances within 30 days"
    assert (about["Listed"], about["Met a threshold but excluded"]) == ("2", "0")
    assert (about["Marked new"], about["Marked continuing"], about["Marked dropped"]) == (
        "1",
        "1",
        "1",
    )
    assert about["Compared with"] == f"the list as of 2025-01-31 (identification run {january.pk})"
    assert about["Identification run"] == str(february.pk)
    assert (about["How it was made"], about["Asked for by"]) == ("On demand", "data_coordinator")
    assert about["Finished"].startswith("20")
    assert about["Downloaded by"] == "data_coordinator"
    assert dt.datetime.fromisoformat(about["Downloaded"]).tzinfo is not None


def test_every_download_is_audited_without_patient_data(
    two_lists: tuple[IdentificationRun, IdentificationRun],
    coordinator: HttpClient,
    staff: dict[Role, User],
    tmp_path: Path,
) -> None:
    _, february = two_lists
    sheets_of(download(coordinator, february), tmp_path)
    sheets_of(download(coordinator, february), tmp_path)
    events = AuditEvent.objects.filter(action=Action.DOWNLOAD_IDENTIFIED_LIST)
    assert events.count() == 2
    event = events.first()
    assert event is not None
    assert event.actor == staff[Role.DATA_COORDINATOR]
    assert (event.object_type, event.object_id) == ("identification_run", str(february.pk))
    assert event.detail == {"format": "xlsx", "people": 3, "excluded": 0}
    assert event.action_label == "Downloaded an identified list"
    everything = str(list(AuditEvent.objects.values()))
    for value in [*NUMBERS.values(), format_nhs_number(BEN), "Ben", "Beta", "Cara", "Gamma"]:
        assert value not in everything


def test_the_list_page_offers_the_download_only_when_the_list_is_done(
    activity: Store, coordinator: HttpClient
) -> None:
    queued = make_list(coordinator, JANUARY)  # the database backend: waiting for the worker
    link = reverse("identification:download", args=[queued.pk])
    assert "Download this list (XLSX)" not in page_of(coordinator, queued)
    assert download(coordinator, queued).status_code == 404
    run_identification_job(queued.pk)
    page = page_of(coordinator, queued)
    assert f'<a href="{link}" download>Download this list (XLSX)</a>' in page
    excluded_page = coordinator.get(reverse("identification:excluded", args=[queued.pk]))
    assert link not in excluded_page.content.decode()


def test_a_failed_run_has_no_download(
    data_dir: Path, immediate_tasks: None, coordinator: HttpClient
) -> None:
    run = make_list(coordinator, JANUARY)  # no activity in the store: the run fails
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert "Download this list" not in page_of(coordinator, run)
    assert download(coordinator, run).status_code == 404
    assert not AuditEvent.objects.filter(action=Action.DOWNLOAD_IDENTIFIED_LIST).exists()


@pytest.mark.parametrize("role", sorted(Role, key=lambda r: r.name))
def test_only_those_who_see_the_list_download_it(
    two_lists: tuple[IdentificationRun, IdentificationRun],
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    tmp_path: Path,
    role: Role,
) -> None:
    _, february = two_lists
    response = download(signed_in(staff[role]), february)
    allowed = role in SEES_LISTS
    assert response.status_code == (200 if allowed else 403)
    if allowed:
        assert sheets_of(response, tmp_path)["List"].height == 3
    else:
        assert BEN not in response.content.decode()
    downloads = AuditEvent.objects.filter(
        actor=staff[role], action=Action.DOWNLOAD_IDENTIFIED_LIST
    ).count()
    assert downloads == (1 if allowed else 0)


@pytest.mark.parametrize("role", sorted(SEES_LISTS, key=lambda r: r.name))
def test_another_services_list_cannot_be_downloaded(
    two_lists: tuple[IdentificationRun, IdentificationRun],
    make_user: Callable[..., User],
    signed_in: Callable[[User], HttpClient],
    other_service: Service,
    role: Role,
) -> None:
    _, february = two_lists
    theirs = signed_in(make_user(f"hillside_{role.name.lower()}", role, other_service))
    response = download(theirs, february)
    assert response.status_code == 404
    assert BEN not in response.content.decode()
    assert not AuditEvent.objects.filter(action=Action.DOWNLOAD_IDENTIFIED_LIST).exists()


def test_signed_out_people_are_sent_to_sign_in_not_given_the_file(
    two_lists: tuple[IdentificationRun, IdentificationRun], client: HttpClient
) -> None:
    _, february = two_lists
    client.logout()
    response = download(client, february)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))
    assert not AuditEvent.objects.filter(action=Action.DOWNLOAD_IDENTIFIED_LIST).exists()
