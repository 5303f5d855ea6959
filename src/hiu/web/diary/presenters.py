"""The diary's pages: a week (Monday to Sunday) of one worker's bookings or the team's, a
table per day; the client's bookings on their record; the next booking on the summary."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils import timezone

from hiu.web.clients.caseload import person_name
from hiu.web.clients.models import Client
from hiu.web.diary.models import Booking, Kind, Status
from hiu.web.diary.querysets import between, next_booking, of_worker
from hiu.web.formatting import format_date

STATUS_TAGS = {
    Status.BOOKED: "nhsuk-tag--blue",
    Status.DONE: "nhsuk-tag--green",
    Status.CANCELLED: "nhsuk-tag--grey",
    Status.DID_NOT_ATTEND: "nhsuk-tag--orange",
}


def week_start(day: dt.date) -> dt.date:
    """The Monday of ``day``'s week."""
    return day - dt.timedelta(days=day.weekday())


def parse_week(text: str | None, today: dt.date) -> dt.date:
    """The Monday of the week asked for (``?week=YYYY-MM-DD``, any day of it), else this week."""
    try:
        day = dt.date.fromisoformat(text or "")
    except ValueError:
        day = today
    return week_start(day)


def time_range(booking: Booking) -> str:
    starts, ends = timezone.localtime(booking.starts_at), timezone.localtime(booking.ends_at)
    return f"{starts:%H:%M} to {ends:%H:%M}"


@dataclass(frozen=True)
class Entry:
    booking: Booking
    time: str
    kind: str
    status: str
    status_tag: str
    worker: str
    escort: str
    #: Whether the page's viewer can start the lone-working check-in from it now.
    can_check_in: bool


@dataclass(frozen=True)
class Day:
    day: dt.date
    heading: str
    is_today: bool
    entries: list[Entry]


@dataclass(frozen=True)
class Week:
    title: str
    first: dt.date
    last: dt.date
    days: list[Day]
    previous: dt.date
    next: dt.date
    this_week: dt.date
    is_this_week: bool
    count: int


def can_check_in(booking: Booking, viewer: User) -> bool:
    """A booked home visit not yet started, the viewer's own or as second worker. Any day: a
    worker may set out early, and the check-in asks for the expected back time anyway."""
    return (
        booking.kind == Kind.HOME_VISIT
        and booking.status == Status.BOOKED
        and booking.visit_id is None
        and viewer.pk in (booking.worker_id, booking.escort_id)
    )


def entry(booking: Booking, viewer: User) -> Entry:
    return Entry(
        booking=booking,
        time=time_range(booking),
        kind=Kind(booking.kind).label,
        status=Status(booking.status).label,
        status_tag=STATUS_TAGS[Status(booking.status)],
        worker=person_name(booking.worker),
        escort=person_name(booking.escort) if booking.escort_id else "",
        can_check_in=can_check_in(booking, viewer),
    )


def week_page(
    bookings: QuerySet[Booking], monday: dt.date, viewer: User, title: str, today: dt.date
) -> Week:
    start = timezone.make_aware(dt.datetime.combine(monday, dt.time()))
    end = timezone.make_aware(dt.datetime.combine(monday + dt.timedelta(days=7), dt.time()))
    found = list(between(bookings, start, end).select_related("client", "worker", "escort"))
    days = []
    for offset in range(7):
        day = monday + dt.timedelta(days=offset)
        entries = [entry(b, viewer) for b in found if timezone.localtime(b.starts_at).date() == day]
        days.append(Day(day, f"{day:%A} {format_date(day)}", day == today, entries))
    return Week(
        title=title,
        first=monday,
        last=monday + dt.timedelta(days=6),
        days=days,
        previous=monday - dt.timedelta(days=7),
        next=monday + dt.timedelta(days=7),
        this_week=week_start(today),
        is_this_week=monday == week_start(today),
        count=len(found),
    )


def worker_week(
    bookings: QuerySet[Booking], worker: User, monday: dt.date, viewer: User, today: dt.date
) -> Week:
    title = "Your diary" if worker.pk == viewer.pk else f"{person_name(worker)}'s diary"
    return week_page(of_worker(bookings, worker), monday, viewer, title, today)


@dataclass(frozen=True)
class ClientBookings:
    upcoming: list[Entry]
    past: list[Entry]


def client_bookings(client: Client, viewer: User, now: dt.datetime) -> ClientBookings:
    bookings = list(
        Booking.objects.filter(client=client).select_related("client", "worker", "escort")
    )
    upcoming = [entry(b, viewer) for b in bookings if b.status == Status.BOOKED and b.ends_at > now]
    past = [
        entry(b, viewer)
        for b in reversed(bookings)
        if not (b.status == Status.BOOKED and b.ends_at > now)
    ]
    return ClientBookings(upcoming=upcoming, past=past)


def next_booking_line(client: Client, now: dt.datetime) -> str:
    """The client's next booking in a sentence, or "" when there is none."""
    booking = next_booking(client, now)
    if booking is None:
        return ""
    starts = timezone.localtime(booking.starts_at)
    return (
        f"{Kind(booking.kind).label}, {starts:%A} {format_date(starts.date())}, "
        f"{time_range(booking)}, with {person_name(booking.worker)}"
    )
