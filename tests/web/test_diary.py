"""The diary (issue 18, point 5): booking visits, calls and appointments from the client record,
a week per worker and for the team, the iCalendar download and private feed (which name no
client), and a booked home visit leading into the lone-working check-in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import icalendar
import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from hiu.web.accounts.models import Service
from hiu.web.accounts.roles import Role
from hiu.web.audit.models import Action, AuditEvent
from hiu.web.clients.models import Client
from hiu.web.contacts.models import Visit
from hiu.web.demo.factories import make_booking
from hiu.web.diary.models import Booking, CalendarFeed, Kind, Status
from hiu.web.diary.presenters import week_start

pytestmark = pytest.mark.db_engine

HOSTILE = '<script>alert("x")</script>=HYPERLINK("http://evil.example","x")'


@pytest.fixture
def manager(staff: dict[Role, User]) -> User:
    user = staff[Role.CASE_MANAGER]
    user.first_name, user.last_name = "Casey", "Manager"
    user.save()
    return user


@pytest.fixture
def lead(staff: dict[Role, User]) -> User:
    return staff[Role.SERVICE_LEAD]


@pytest.fixture
def anna(make_client: Callable[..., Client], service: Service, manager: User) -> Client:
    return make_client(
        service,
        case_manager=manager,
        given_name="Annabel",
        family_name="Quartermaine",
        nhs_number="9990012345",
        postcode="E8 1AA",
    )


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def tomorrow() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=1)


def booking_form(worker: User, day: dt.date, **fields: Any) -> dict[str, Any]:
    return {
        "kind": Kind.HOME_VISIT,
        "worker": str(worker.pk),
        "starts_on_day": day.day,
        "starts_on_month": day.month,
        "starts_on_year": day.year,
        "starts_time": "10:00",
        "ends_time": "11:30",
        "location": "",
        "with_whom": "",
        "escort": "",
        "notes": "",
        **fields,
    }


def client_events(client: Client) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type="client", object_id=str(client.pk)))


# Booking -----------------------------------------------------------------------------------
def test_a_case_manager_books_a_home_visit_at_the_clients_home_and_it_is_audited(
    signed_in: Callable[[User], HttpClient], manager: User, anna: Client
) -> None:
    http = signed_in(manager)
    form = http.get(reverse("diary:book", args=[anna.pk])).content.decode()
    assert "Book a visit, call or appointment" in form
    response = http.post(
        reverse("diary:book", args=[anna.pk]),
        booking_form(manager, tomorrow(), notes="Bring the housing forms"),
    )
    assert response.status_code == 302
    booking = Booking.objects.get(client=anna)
    assert booking.location == "Client's home, E8 1AA"  # blank: the client's home
    assert timezone.localtime(booking.starts_at) == at(tomorrow(), 10)
    assert timezone.localtime(booking.ends_at) == at(tomorrow(), 11, 30)
    assert booking.status == Status.BOOKED
    assert booking.created_by == manager
    writes = [e for e in client_events(anna) if e.action == Action.UPDATE_CLIENT]
    assert [e.detail for e in writes] == [{"what": "booking", "booking": booking.pk}]
    views = [e.detail["page"] for e in client_events(anna) if e.action == Action.VIEW_CLIENT]
    assert "book" in views
    page = http.get(reverse("diary:client", args=[anna.pk])).content.decode()
    assert "Home visit" in page
    assert "10:00 to 11:30" in page
    assert "Casey Manager" in page


def test_the_record_summary_shows_the_next_booking(
    signed_in: Callable[[User], HttpClient], manager: User, anna: Client
) -> None:
    page = signed_in(manager).get(reverse("clients:detail", args=[anna.pk])).content.decode()
    assert "Nothing booked" in page
    make_booking(
        anna, manager, starts_at=at(tomorrow() + dt.timedelta(days=3), 14), kind=Kind.PHONE_CALL
    )
    make_booking(anna, manager, starts_at=at(tomorrow(), 9, 15))
    make_booking(
        anna, manager, starts_at=at(tomorrow(), 8), status=Status.CANCELLED, cancel_reason="Ill"
    )
    page = signed_in(manager).get(reverse("clients:detail", args=[anna.pk])).content.decode()
    summary = page.split(">Diary</h2>", 1)[1].split("</h2>", 1)[0]
    assert (
        f"Home visit, {tomorrow():%A} {tomorrow().day} {tomorrow():%B %Y}, 09:15 to 10:15"
        in summary
    )
    assert "Phone call" not in summary


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"ends_time": "09:00"}, "ends_time", "The end time must be after the start time"),
        ({"starts_time": "ten"}, "starts_time", "Enter the time it starts like 14:30"),
        ({"kind": ""}, "kind", "Select what kind of booking it is"),
        ({"ends_time": "23:30", "starts_time": "06:00"}, "ends_time", "12 hours or less"),
    ],
)
def test_a_booking_that_cannot_be_is_refused_saying_what_to_fix(
    signed_in: Callable[[User], HttpClient],
    manager: User,
    anna: Client,
    change: dict[str, str],
    field: str,
    message: str,
) -> None:
    response = signed_in(manager).post(
        reverse("diary:book", args=[anna.pk]), booking_form(manager, tomorrow(), **change)
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert f'href="#{field}' in page  # the error summary links to the field
    assert not Booking.objects.exists()


def test_the_second_worker_must_be_someone_else_in_the_service(
    signed_in: Callable[[User], HttpClient],
    manager: User,
    lead: User,
    anna: Client,
    make_user: Callable[..., User],
    other_service: Service,
) -> None:
    http = signed_in(manager)
    same = http.post(
        reverse("diary:book", args=[anna.pk]),
        booking_form(manager, tomorrow(), escort=str(manager.pk)),
    )
    assert "The second worker must be someone other than the worker" in same.content.decode()
    outsider = make_user("outsider", Role.CASE_MANAGER, other_service)
    foreign = http.post(
        reverse("diary:book", args=[anna.pk]),
        booking_form(manager, tomorrow(), escort=str(outsider.pk)),
    )
    assert "Select a second worker from the list" in foreign.content.decode()
    assert not Booking.objects.exists()
    http.post(
        reverse("diary:book", args=[anna.pk]),
        booking_form(manager, tomorrow(), escort=str(lead.pk)),
    )
    assert Booking.objects.get().escort == lead


def test_free_text_is_escaped_on_every_page_that_shows_it(
    signed_in: Callable[[User], HttpClient], manager: User, anna: Client
) -> None:
    http = signed_in(manager)
    http.post(
        reverse("diary:book", args=[anna.pk]),
        booking_form(
            manager, timezone.localdate(), location=HOSTILE, with_whom=HOSTILE, notes=HOSTILE
        ),
    )
    booking = Booking.objects.get()
    assert booking.location == HOSTILE[:200]
    for url in (
        reverse("diary:client", args=[anna.pk]),
        reverse("diary:week"),
        reverse("diary:team_week"),
        reverse("diary:change", args=[booking.pk]),
    ):
        page = http.get(url).content.decode()
        assert '<script>alert("x")' not in page, url
        assert "&lt;script&gt;" in page, url
    ics = http.get(reverse("diary:week_calendar")).content.decode()
    assert "script" not in ics
    assert "HYPERLINK" not in ics
    audit = [str(e.detail) for e in AuditEvent.objects.all()]
    assert not any("script" in detail or "HYPERLINK" in detail for detail in audit)


def test_changing_a_booking_keeps_it_and_says_who_changed_it(
    signed_in: Callable[[User], HttpClient], manager: User, lead: User, anna: Client
) -> None:
    booking = make_booking(anna, manager, starts_at=at(tomorrow(), 10))
    http = signed_in(lead)
    form = http.get(reverse("diary:change", args=[booking.pk])).content.decode()
    assert 'value="10:00"' in form
    response = http.post(
        reverse("diary:change", args=[booking.pk]),
        booking_form(
            manager, tomorrow(), starts_time="13:00", ends_time="14:00", kind=Kind.PHONE_CALL
        ),
    )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert timezone.localtime(booking.starts_at) == at(tomorrow(), 13)
    assert booking.kind == Kind.PHONE_CALL
    assert booking.changed_by == lead
    assert booking.location == ""  # a phone call has no default place
    assert {"what": "booking_changed", "booking": booking.pk} in [
        e.detail for e in client_events(anna)
    ]


def test_a_cancellation_needs_its_reason_and_a_did_not_attend_does_not(
    signed_in: Callable[[User], HttpClient], manager: User, anna: Client
) -> None:
    first = make_booking(anna, manager, starts_at=at(tomorrow(), 10))
    second = make_booking(anna, manager, starts_at=at(tomorrow(), 15))
    http = signed_in(manager)
    refused = http.post(reverse("diary:cancel", args=[first.pk]), {"status": Status.CANCELLED})
    assert "Enter why the booking is cancelled" in refused.content.decode()
    http.post(
        reverse("diary:cancel", args=[first.pk]),
        {"status": Status.CANCELLED, "reason": "Client asked to move it"},
    )
    http.post(reverse("diary:cancel", args=[second.pk]), {"status": Status.DID_NOT_ATTEND})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.cancel_reason) == (Status.CANCELLED, "Client asked to move it")
    assert second.status == Status.DID_NOT_ATTEND
    # A closed booking is not changed again.
    again = http.post(reverse("diary:change", args=[first.pk]), booking_form(manager, tomorrow()))
    assert "Only a booking still to happen can be changed" in again.content.decode()
    page = http.get(reverse("diary:client", args=[anna.pk])).content.decode()
    assert "Client asked to move it" in page
    assert "Did not attend" in page


def test_another_services_booking_is_a_404_naming_no_one(
    signed_in: Callable[[User], HttpClient],
    manager: User,
    make_user: Callable[..., User],
    make_client: Callable[..., Client],
    other_service: Service,
) -> None:
    outsider = make_user("outsider", Role.CASE_MANAGER, other_service)
    theirs = make_client(other_service, case_manager=outsider, family_name="Zebedee")
    booking = make_booking(theirs, outsider, starts_at=at(tomorrow(), 10))
    http = signed_in(manager)
    for name in ("diary:change", "diary:cancel"):
        response = http.get(reverse(name, args=[booking.pk]))
        assert response.status_code == 404
        assert "Zebedee" not in response.content.decode()
    assert http.get(reverse("diary:worker_week", args=[outsider.pk])).status_code == 404


# Weeks -------------------------------------------------------------------------------------
def test_my_week_shows_my_bookings_and_those_i_go_to_as_second_worker_a_table_a_day(
    signed_in: Callable[[User], HttpClient],
    manager: User,
    lead: User,
    anna: Client,
    make_client: Callable[..., Client],
    service: Service,
) -> None:
    today = timezone.localdate()
    other = make_client(service, case_manager=lead, given_name="Bertram", family_name="Ollerenshaw")
    make_booking(anna, manager, starts_at=at(today, 9))
    make_booking(other, lead, starts_at=at(today, 11), escort=manager)
    make_booking(other, lead, starts_at=at(today, 15), kind=Kind.PHONE_CALL)
    make_booking(anna, manager, starts_at=at(week_start(today) + dt.timedelta(days=7), 9))
    page = signed_in(manager).get(reverse("diary:week")).content.decode()
    assert page.count('class="nhsuk-table nhsuk-table--responsive hiu-diary-day"') == 7
    assert "Annabel Quartermaine" in page
    assert "Bertram Ollerenshaw" in page  # as second worker
    assert page.count("Bertram Ollerenshaw") == 1  # not the lead's own phone call
    assert "Second worker: Casey Manager" in page
    today_section = page.split("hiu-diary-today", 1)[1].split("</section>", 1)[0]
    assert "Today</strong>" in today_section
    assert "Annabel Quartermaine" in today_section
    # Next week's booking is a week on.
    assert page.count("Annabel Quartermaine") == 1
    monday = week_start(today) + dt.timedelta(days=7)
    assert f"?week={monday.isoformat()}" in page
    later = signed_in(manager).get(reverse("diary:week") + f"?week={monday.isoformat()}")
    assert "Annabel Quartermaine" in later.content.decode()
    assert "hiu-diary-today" not in later.content.decode()
    assert "Go to this week" in later.content.decode()


def test_the_team_week_shows_everyone_in_the_service_with_their_worker_and_no_one_else(
    signed_in: Callable[[User], HttpClient],
    manager: User,
    lead: User,
    anna: Client,
    make_user: Callable[..., User],
    make_client: Callable[..., Client],
    other_service: Service,
) -> None:
    today = timezone.localdate()
    make_booking(anna, lead, starts_at=at(today, 9))
    outsider = make_user("outsider", Role.CASE_MANAGER, other_service)
    theirs = make_client(other_service, case_manager=outsider, family_name="Zebedee")
    make_booking(theirs, outsider, starts_at=at(today, 10))
    page = signed_in(manager).get(reverse("diary:team_week")).content.decode()
    assert "Annabel Quartermaine" in page
    assert "Zebedee" not in page
    assert '<th scope="col" class="nhsuk-table__header" role="columnheader">Worker</th>' in page
    assert reverse("diary:worker_week", args=[lead.pk]) in page
    lead_week = signed_in(manager).get(reverse("diary:worker_week", args=[lead.pk]))
    assert "Annabel Quartermaine" in lead_week.content.decode()


def test_a_nonsense_week_is_this_week() -> None:
    from hiu.web.diary.presenters import parse_week

    today = dt.date(2026, 12, 10)
    assert parse_week("not-a-date", today) == dt.date(2026, 12, 7)
    assert parse_week("2026-12-13", today) == dt.date(2026, 12, 7)
    assert parse_week(None, today) == dt.date(2026, 12, 7)


def test_the_case_managers_home_links_their_week(
    signed_in: Callable[[User], HttpClient], manager: User
) -> None:
    page = signed_in(manager).get(reverse("clients:caseload")).content.decode()
    assert f'href="{reverse("diary:week")}"' in page


# Calendar files ------------------------------------------------------------------------------
def parse(content: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(content)


def events_of(calendar: icalendar.Calendar) -> list[Any]:
    return list(calendar.walk("VEVENT"))


def test_the_week_download_is_valid_icalendar_with_stable_uids_and_no_client_identifiers(
    signed_in: Callable[[User], HttpClient], manager: User, lead: User, anna: Client
) -> None:
    today = timezone.localdate()
    visit = make_booking(
        anna,
        manager,
        starts_at=at(today, 10),
        minutes=90,
        location="14 Quartermaine Road, E8 1AA",
        notes="Annabel's sister may be there",
        with_whom="Annabel's sister",
    )
    make_booking(anna, manager, starts_at=at(today, 15), kind=Kind.PHONE_CALL, minutes=15)
    make_booking(anna, lead, starts_at=at(today, 12))  # the lead's: not in my file
    http = signed_in(manager)
    response = http.get(reverse("diary:week_calendar"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode()
    assert "\r\n" in text
    events = events_of(parse(response.content))
    assert len(events) == 2
    first = events[0]
    assert first.decoded("DTSTART") == visit.starts_at
    assert first.decoded("DTEND") == visit.starts_at + dt.timedelta(minutes=90)
    assert str(first["SUMMARY"]) == "Home visit (A.Q.)"
    assert str(first["URL"]).endswith(reverse("diary:client", args=[anna.pk]))
    for identifier in (
        "Annabel",
        "Quartermaine",
        anna.nhs_number,
        "999 001 2345",
        "E8 1AA",
        "sister",
    ):
        assert identifier not in text
    # The same UID on the next download, and after the booking changes.
    uids = [str(e["UID"]) for e in events]
    Booking.objects.filter(pk=visit.pk).update(starts_at=visit.starts_at + dt.timedelta(hours=1))
    again = [
        str(e["UID"]) for e in events_of(parse(http.get(reverse("diary:week_calendar")).content))
    ]
    assert again == uids
    assert AuditEvent.objects.filter(action=Action.DOWNLOAD_CALENDAR).count() == 2


def test_long_lines_are_folded_and_text_escaped_as_rfc_5545_says() -> None:
    from hiu.web.diary.ical import Event, calendar

    moment = timezone.make_aware(dt.datetime(2026, 12, 8, 10, 0))
    event = Event(
        uid="booking-1@hiu",
        starts_at=moment,
        ends_at=moment + dt.timedelta(hours=1),
        summary="Home visit; a, b\\c — " + "é" * 80,
        url="https://hiu.example/clients/1/diary/",
        cancelled=True,
        stamp=moment,
    )
    text = calendar([event], "HIU diary")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    parsed = events_of(parse(text.encode()))[0]
    assert str(parsed["SUMMARY"]) == event.summary
    assert str(parsed["STATUS"]) == "CANCELLED"


def test_the_private_feed_works_by_its_token_alone_and_stops_when_regenerated_or_revoked(
    signed_in: Callable[[User], HttpClient], manager: User, anna: Client, client: HttpClient
) -> None:
    make_booking(anna, manager, starts_at=at(tomorrow(), 10))
    http = signed_in(manager)
    assert "You have no calendar feed" in http.get(reverse("diary:feed_settings")).content.decode()
    http.post(reverse("diary:feed_regenerate"))
    token = CalendarFeed.objects.get(user=manager).token
    assert len(token) >= 40
    page = http.get(reverse("diary:feed_settings")).content.decode()
    assert reverse("diary:feed", args=[token]) in page
    http.logout()

    feed = client.get(reverse("diary:feed", args=[token]))  # no one signed in
    assert feed.status_code == 200
    events = events_of(parse(feed.content))
    assert len(events) == 1
    assert "Quartermaine" not in feed.content.decode()
    assert client.get(reverse("diary:feed", args=["not-the-token"])).status_code == 404

    signed_in(manager).post(reverse("diary:feed_regenerate"))
    assert client.get(reverse("diary:feed", args=[token])).status_code == 404
    new = CalendarFeed.objects.get(user=manager).token
    assert new != token
    assert client.get(reverse("diary:feed", args=[new])).status_code == 200
    signed_in(manager).post(reverse("diary:feed_revoke"))
    assert client.get(reverse("diary:feed", args=[new])).status_code == 404
    changes = AuditEvent.objects.filter(action=Action.CHANGE_CALENDAR_FEED)
    assert [e.detail["what"] for e in changes.order_by("id")] == [
        "regenerated",
        "regenerated",
        "revoked",
    ]
    assert AuditEvent.objects.filter(action=Action.READ_CALENDAR_FEED).count() == 2


def test_the_feed_of_someone_who_left_stops(
    manager: User, anna: Client, client: HttpClient
) -> None:
    CalendarFeed.objects.create(user=manager, token="a-long-random-token-for-this-test-only-0123")
    assert (
        client.get(reverse("diary:feed", args=[CalendarFeed.objects.get().token])).status_code
        == 200
    )
    manager.is_active = False
    manager.save()
    assert (
        client.get(reverse("diary:feed", args=[CalendarFeed.objects.get().token])).status_code
        == 404
    )


# Into the lone-working check-in ----------------------------------------------------------------
def test_check_in_from_a_booked_home_visit_starts_from_it_and_checking_out_closes_it(
    signed_in: Callable[[User], HttpClient], manager: User, lead: User, anna: Client
) -> None:
    now = timezone.localtime()
    starts = now.replace(second=0, microsecond=0)
    booking = make_booking(anna, manager, starts_at=starts, minutes=60, escort=lead)
    http = signed_in(manager)
    week = http.get(reverse("diary:week")).content.decode()
    link = f"{reverse('contacts:check_in', args=[anna.pk])}?booking={booking.pk}"
    assert link in week
    form = http.get(link).content.decode()
    ends = timezone.localtime(booking.ends_at)
    assert f'value="{ends:%H:%M}"' in form  # expected back: the booking's end
    assert "From your diary" in form
    back = "23:59" if ends.date() != now.date() else f"{ends:%H:%M}"
    http.post(
        link, {"place": "home", "back_time": back, "escort": "yes", "risk_note": "None known"}
    )
    visit = Visit.objects.get(client=anna)
    booking.refresh_from_db()
    assert booking.visit == visit
    assert booking.status == Status.BOOKED  # still out on the visit
    assert link not in http.get(reverse("diary:week")).content.decode()
    http.post(reverse("contacts:check_out", args=[visit.pk]), {"seen": "yes"})
    booking.refresh_from_db()
    assert booking.status == Status.DONE


def test_a_visit_where_the_client_was_not_there_marks_the_booking_did_not_attend(
    signed_in: Callable[[User], HttpClient], manager: User, anna: Client
) -> None:
    booking = make_booking(anna, manager, starts_at=timezone.now(), minutes=60)
    visit = Visit.objects.create(
        client=anna,
        worker=manager,
        planned_at=timezone.now(),
        place="Client's home",
        checked_in_at=timezone.now(),
        expected_back_at=timezone.now() + dt.timedelta(hours=1),
    )
    Booking.objects.filter(pk=booking.pk).update(visit=visit)
    signed_in(manager).post(reverse("contacts:check_out", args=[visit.pk]), {"seen": "no"})
    booking.refresh_from_db()
    assert booking.status == Status.DID_NOT_ATTEND


def test_a_booking_not_the_workers_own_opens_a_blank_check_in(
    signed_in: Callable[[User], HttpClient], manager: User, lead: User, anna: Client
) -> None:
    booking = make_booking(anna, lead, starts_at=timezone.now(), minutes=60)
    http = signed_in(manager)
    link = f"{reverse('contacts:check_in', args=[anna.pk])}?booking={booking.pk}"
    assert "From your diary" not in http.get(link).content.decode()
    now = timezone.localtime()
    back = (
        "23:59"
        if (now + dt.timedelta(hours=1)).date() != now.date()
        else f"{now + dt.timedelta(hours=1):%H:%M}"
    )
    http.post(link, {"place": "home", "back_time": back, "escort": "no", "risk_note": "None known"})
    booking.refresh_from_db()
    assert booking.visit is None


def test_the_data_coordinator_reads_a_clients_bookings_but_is_offered_no_changes(
    signed_in: Callable[[User], HttpClient],
    staff: dict[Role, User],
    manager: User,
    anna: Client,
) -> None:
    booking = make_booking(anna, manager, starts_at=at(tomorrow(), 10))
    page = signed_in(staff[Role.DATA_COORDINATOR]).get(reverse("diary:client", args=[anna.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "10:00 to 11:00" in text
    assert reverse("diary:change", args=[booking.pk]) not in text
    assert reverse("diary:book", args=[anna.pk]) not in text
