"""The demo command: people in every role, created by the command and never by migrations, and
the synthetic population's activity imported into the activity store."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.utils import timezone
from typer.testing import CliRunner

from hiu.cli import app
from hiu.report.identifiers import anyone_in
from hiu.schemas import KINDS
from hiu.store.store import Store
from hiu.synth.cli import ending_last_month
from hiu.synth.names import FAMILY_NAMES, GIVEN_NAMES_ANY, GIVEN_NAMES_FEMALE, GIVEN_NAMES_MALE
from hiu.web.accounts.models import Service
from hiu.web.accounts.roles import Role, role_of
from hiu.web.casestudies.models import CaseStudy
from hiu.web.casestudies.services import person_identifiers
from hiu.web.clients.models import Client, WorkerTask
from hiu.web.clients.tasks import work_of, worklist
from hiu.web.contacts.models import Contact
from hiu.web.corrections.models import Correction
from hiu.web.demo.case_studies import STORIES
from hiu.web.demo.service import DEMO_SERVICE, DEMO_USERS
from hiu.web.demo.synthetic import DEMO_IMPORTER
from hiu.web.demo.tasks import OVERDUE_PER_WORKER, RECENT
from hiu.web.demo.timeline import demo_today
from hiu.web.diary.models import Booking, Status
from hiu.web.episodes.models import Episode, HoldingCheck, PhaseChange
from hiu.web.identification.activity import latest_activity_date
from hiu.web.identification.models import IdentificationRun
from hiu.web.meetings.models import Meeting, MeetingKind
from hiu.web.plans.models import Assessment
from hiu.web.screening.models import Referral

pytestmark = pytest.mark.db_engine

REQUIRED_DEMO_USERNAMES = {
    "lead",
    "casemanager",
    "datacoordinator",
    "volunteers",
    "commissioner",
    "ig",
    "admin",
}


def test_migrations_create_roles_but_no_people(db: object) -> None:
    assert User.objects.count() == 0


def test_the_demo_creates_a_sign_in_for_every_role(
    db: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HIU_DEMO_PASSWORD", "a-demo-password-for-tests")
    call_command("demo", stdout=StringIO())
    assert set(User.objects.values_list("username", flat=True)) >= REQUIRED_DEMO_USERNAMES
    held = set()
    for spec in DEMO_USERS:
        user = authenticate(username=spec.username, password="a-demo-password-for-tests")
        assert user is not None, spec.username
        held.add(role_of(user))
    assert held == set(Role)


def test_the_demo_can_run_twice(db: object) -> None:
    call_command("demo", stdout=StringIO())
    call_command("demo", stdout=StringIO())
    assert User.objects.count() == len(DEMO_USERS)


def test_the_demo_refuses_a_folder_without_a_cohort(db: object, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"no cohort\.csv"):
        call_command("demo", synthetic=tmp_path)


def test_the_demo_caseload_comes_from_the_synthetic_cohort(
    db: object, data_dir: Path, tmp_path: Path
) -> None:
    (tmp_path / "cohort.csv").write_text("nhs_number,engaged_date\n9000000009,2025-02-03\n")
    (tmp_path / "people.csv").write_text(
        "nhs_number,given_name,family_name,date_of_birth,sex,postcode,lsoa_code,imd_decile,"
        "gp_practice_code,phone,care_home,date_of_death\n"
        "9000000009,Ada,Lovelace,1980-12-10,2,ZZ99 3AA,E01000001,2,F84003,07700 900123,false,\n"
        "9000000017,Not,Engaged,1975-01-01,1,ZZ99 3AB,E01000002,5,F84003,,false,\n"
    )
    call_command("demo", synthetic=tmp_path, stdout=StringIO())
    client = Client.objects.get(nhs_number="9000000009")
    assert (client.given_name, client.family_name) == ("Ada", "Lovelace")
    episode = client.episodes.get()
    assert episode.engaged_on is not None
    assert episode.engaged_on.isoformat() == "2025-02-03"


def test_the_demo_imports_the_synthetic_extracts_and_skips_them_the_second_time(
    db: object, data_dir: Path, synthetic: Path
) -> None:
    first = StringIO()
    call_command("demo", synthetic=synthetic, stdout=first)
    store = Store.in_data_dir(data_dir)
    batches = store.batches()
    assert sorted(m.kind for m in batches) == sorted(KINDS)
    assert {m.imported_by for m in batches} == {DEMO_IMPORTER}
    assert all(m.rejected == 0 for m in batches)  # synthetic extracts are clean
    assert all(rows > 0 for rows in store.row_counts().values())
    assert "people.csv: imported as batch 1" in first.getvalue()
    assert "rows read (100%)" in first.getvalue()  # progress as it goes

    again = StringIO()
    call_command("demo", synthetic=synthetic, stdout=again)
    assert len(store.batches()) == len(KINDS)
    assert again.getvalue().count("already imported as batch") == len(KINDS)


def test_the_demo_caseload_is_lived_in_at_every_phase_and_made_once(
    db: object, data_dir: Path, synthetic: Path
) -> None:
    call_command("demo", synthetic=synthetic, stdout=StringIO())
    phases = set(Episode.objects.values_list("phase", flat=True))
    assert {"engaged", "holding", "stepped_down"} <= phases
    # People on the latest list who are not in the cohort are being contacted, or closed
    # after the letters (this small population's list may have none).
    latest = IdentificationRun.objects.order_by("-as_of").first()
    cohort = {line.split(",")[0] for line in (synthetic / "cohort.csv").read_text().split()}
    if (
        latest is not None
        and latest.people.filter(mark__in=["new", "continuing"])
        .exclude(nhs_number__in=cohort)
        .exists()
    ):
        assert {"contacting", "closed"} <= phases
    # Every engaged client has contacts and consent; holding clients have their checks.
    engaged = Episode.objects.exclude(engaged_on=None)
    assert all(e.client.contacts.filter(reached=True).exists() for e in engaged)
    assert all(e.client.consents.exists() for e in engaged)
    assert HoldingCheck.objects.exists()
    # Whoever is being contacted from a list has had attempts logged; live referrals wait
    # on their first-contact clock, one of them contacted already.
    from_lists = Episode.objects.filter(phase="contacting", identified_person__isnull=False)
    assert all(e.client.contacts.exists() for e in from_lists)
    referrals = Referral.objects.all()
    assert referrals.count() == 3
    assert sum(r.client.contacts.filter(reached=True).exists() for r in referrals) == 1
    # A few contacts have been corrected (ADR 0019): amended, and one recorded twice marked
    # entered in error, which the log leaves out.
    actions = set(Correction.objects.values_list("action", flat=True))
    assert actions == {"amended", "entered_in_error"}
    assert Contact.all_with_errors.in_error().exists()
    counts = (
        Episode.objects.count(),
        PhaseChange.objects.count(),
        Contact.objects.count(),
        Correction.objects.count(),
    )
    call_command("demo", synthetic=synthetic, stdout=StringIO())
    assert (
        Episode.objects.count(),
        PhaseChange.objects.count(),
        Contact.objects.count(),
        Correction.objects.count(),
    ) == counts


def test_the_demo_stories_name_no_one_the_synthetic_population_could_hold() -> None:
    names = {*GIVEN_NAMES_MALE, *GIVEN_NAMES_FEMALE, *GIVEN_NAMES_ANY, *FAMILY_NAMES}
    for story in STORIES:
        words = set(re.findall(r"[A-Za-z']+", f"{story.title} {story.text}".lower()))
        assert not words & {name.lower() for name in names}, story.title
        assert not re.search(r"\d{3}", story.text.replace("999", "").replace("111", ""))


def test_the_demo_records_meetings_main_needs_and_case_studies_once(
    db: object, data_dir: Path, synthetic: Path
) -> None:
    call_command("demo", synthetic=synthetic, stdout=StringIO())
    service = Service.objects.get(name=DEMO_SERVICE)
    today = demo_today(Store.in_data_dir(data_dir))

    # A referral meeting every fortnight and a wider MDT every month, up to the demo's today,
    # each discussing clients whose support was open that day, 3 to 12 when there are enough.
    meetings = list(Meeting.objects.filter(service=service).order_by("held_on"))
    referral = [m.held_on for m in meetings if m.kind == MeetingKind.REFERRAL]
    mdt = [m.held_on for m in meetings if m.kind == MeetingKind.WIDER_MDT]
    assert len(referral) >= 4
    assert len(mdt) >= 2
    assert {(b - a).days for a, b in itertools.pairwise(referral)} == {14}
    assert len({(d.year, d.month) for d in mdt}) == len(mdt)
    assert max(m.held_on for m in meetings) <= today
    for meeting in meetings:
        clients = list(meeting.clients.all())
        assert all(c.service_id == service.pk for c in clients)
        open_that_day = {
            e.client_id
            for e in Episode.objects.filter(client__service=service)
            if e.opened_on <= meeting.held_on
            and meeting.held_on < (e.stepped_down_on or e.closed_on or dt.date.max)
        }
        assert {c.pk for c in clients} <= open_that_day
        assert min(3, len(open_that_day)) <= len(clients) <= 12
    assert any(meeting.clients.count() >= 3 for meeting in meetings)
    assert all(meeting.organisation_list for meeting in meetings)

    # Every assessment names its main need, one of its needs, and not always the same one.
    assessments = list(Assessment.objects.filter(client__service=service))
    assert assessments
    assert all(a.primary_need in a.needs for a in assessments)
    assert len({a.primary_need for a in assessments}) > 1

    # Case studies for the latest stepped-down clients: most may go into a report, one the
    # team kept back, one whose consent was withdrawn; none holds any client's identifiers.
    stories = list(CaseStudy.objects.filter(client__service=service))
    assert 3 <= len(stories) <= 10
    assert all(s.episode is not None and s.episode.stepped_down_on for s in stories)
    assert all(s.consent_given_on is not None and s.written_on <= today for s in stories)
    assert sum(not s.shareable for s in stories) == 1
    assert sum(s.consent_withdrawn_on is not None for s in stories) == 1
    assert CaseStudy.objects.shareable().count() == len(stories) - 2
    assert any(s.written_on > today - dt.timedelta(days=92) for s in stories)
    people = [person_identifiers(c) for c in Client.objects.filter(service=service)]
    for story in stories:
        assert anyone_in(f"{story.title}\n{story.text}", people) == []

    counts = (Meeting.objects.count(), CaseStudy.objects.count(), Assessment.objects.count())
    call_command("demo", synthetic=synthetic, stdout=StringIO())
    assert (Meeting.objects.count(), CaseStudy.objects.count(), Assessment.objects.count()) == (
        counts
    )


def test_the_demo_caseload_has_a_believable_week_of_tasks(
    db: object, data_dir: Path, synthetic: Path
) -> None:
    call_command("demo", synthetic=synthetic, stdout=StringIO())
    today = timezone.localdate()
    seen = 0
    for username in ("casemanager", "casemanager2", "casemanager3"):
        worker = User.objects.get(username=username)
        week = worklist(work_of(worker, Client.objects.visible_to(worker), today), today)
        # A few overdue, none by more than a few days: not months of old work
        assert len(week.overdue) <= OVERDUE_PER_WORKER
        assert all(today - item.due_on <= RECENT for item in week.overdue)
        seen += week.count
    assert seen > 0
    # Each case manager has tasks of their own, and the old work is recorded as done
    assert WorkerTask.objects.filter(origin="own").count() >= 3
    rows = WorkerTask.objects.count()
    call_command("demo", synthetic=synthetic, stdout=StringIO())
    assert WorkerTask.objects.count() == rows


# The demo lives today (issue 18, point 12) --------------------------------------------------
@pytest.fixture(scope="module")
def live_synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Extracts as `make demo` makes them: no start date given, so they end with the last
    complete month before today (3,000 adults, one year: a few seconds)."""
    out = tmp_path_factory.mktemp("live-synthetic")
    result = CliRunner().invoke(
        app, ["synth", "--adults", "3000", "--years", "1", "--seed", "11", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    return out


def test_synth_without_a_start_ends_with_the_last_complete_month() -> None:
    assert ending_last_month(3, dt.date(2026, 12, 7)) == dt.date(2023, 12, 1)
    assert ending_last_month(1, dt.date(2024, 3, 1)) == dt.date(2023, 3, 1)
    makefile = (Path(__file__).parents[2] / "Makefile").read_text()
    demo_synth = next(line for line in makefile.splitlines() if "hiu synth" in line)
    assert "--start" not in demo_synth  # `make demo` takes the default


def test_the_demo_activity_ends_last_month_and_its_caseload_runs_to_this_week(
    db: object, data_dir: Path, live_synthetic: Path
) -> None:
    call_command("demo", synthetic=live_synthetic, stdout=StringIO())
    today = timezone.localdate()
    store = Store.in_data_dir(data_dir)
    latest = latest_activity_date(store)
    assert latest is not None
    assert today - dt.timedelta(days=62) <= latest < today.replace(day=1)
    assert demo_today(store) == today

    service = Service.objects.get(name=DEMO_SERVICE)
    contacts = Contact.objects.filter(client__service=service)
    newest = max(timezone.localtime(c.at).date() for c in contacts)
    assert today - dt.timedelta(days=21) <= newest <= today
    # Recorded on the day of what it records, never "today" for a contact months ago.
    assert all(c.created_at == c.at for c in contacts)
    changes = PhaseChange.objects.filter(episode__client__service=service)
    assert all(timezone.localtime(c.recorded_at).date() == c.effective_on for c in changes)
    assert max(c.effective_on for c in changes) <= today
    # The diary has a working week: bookings still to come, and past ones closed.
    bookings = Booking.objects.filter(client__service=service)
    assert bookings.filter(starts_at__date__gte=today, status=Status.BOOKED).exists()
    assert not bookings.filter(starts_at__date__lt=today, status=Status.BOOKED).exists()
    assert max(m.held_on for m in Meeting.objects.filter(service=service)) >= today - dt.timedelta(
        days=31
    )


def test_the_demo_shows_one_risk_answer_to_review_and_notifies_the_team_once(
    db: object, data_dir: Path, synthetic: Path
) -> None:
    from hiu.web.notifications.models import Kind, Notification
    from hiu.web.risk.models import RiskAlert

    call_command("demo", synthetic=synthetic, stdout=StringIO())
    (alert,) = RiskAlert.objects.all()
    assert (alert.instrument, alert.item, alert.is_open) == ("phq9", 9, True)
    assert alert.client.case_manager is not None
    told = set(
        Notification.objects.filter(kind=Kind.RISK_ANSWER).values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"lead", alert.client.case_manager.username}
    # No other questionnaire in the demo holds a risk answer: one alarm, not one per client.
    counts = (RiskAlert.objects.count(), Notification.objects.count())
    call_command("demo", synthetic=synthetic, stdout=StringIO())
    assert (RiskAlert.objects.count(), Notification.objects.count()) == counts
