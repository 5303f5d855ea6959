"""Booking, changing and cancelling diary entries, the link from a booked home visit to the
lone-working check-in, and the workers' calendar feed tokens. Every change to a booking is a
change to the client's record, audited as one (no free text in the audit event)."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from hiu.web.audit.models import Action
from hiu.web.audit.service import record
from hiu.web.clients.models import Client
from hiu.web.contacts.models import Visit
from hiu.web.diary.models import Booking, CalendarFeed, Kind, Status
from hiu.web.diary.querysets import diary_workers
from hiu.web.refused import Refused

#: The longest booking: a day out to an appointment, not a week.
MAX_LENGTH = dt.timedelta(hours=12)
#: How far ahead a booking may be made.
MAX_AHEAD = dt.timedelta(days=366)


@dataclass(frozen=True)
class Details:
    """What a booking says, as the book and change forms give it."""

    worker: User
    kind: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    location: str
    with_whom: str
    escort: User | None
    notes: str


def _audit(client_id: int, by: User, request: HttpRequest | None, **detail: object) -> None:
    record(
        Action.UPDATE_CLIENT,
        request=request,
        actor=by,
        object_type="client",
        object_id=client_id,
        detail=detail,
    )


def home_location(client: Client) -> str:
    """Where a home visit is, by default: the client's address if the record holds one, else
    their postcode, else "Client's home"."""
    address = str(getattr(client, "address", "") or "").strip()
    if address:
        return address[:200]
    if client.postcode:
        return f"Client's home, {client.postcode}"
    return "Client's home"


def _check(client: Client, details: Details) -> None:
    workers = diary_workers(client.service)
    if not workers.filter(pk=details.worker.pk).exists():
        raise Refused("Select a worker in this service", "worker")
    if details.escort is not None:
        if details.escort.pk == details.worker.pk:
            raise Refused("The second worker must be someone other than the worker", "escort")
        if not workers.filter(pk=details.escort.pk).exists():
            raise Refused("Select a second worker in this service", "escort")
    if details.ends_at <= details.starts_at:
        raise Refused("The end time must be after the start time", "ends_time")
    if details.ends_at - details.starts_at > MAX_LENGTH:
        raise Refused("A booking must last 12 hours or less", "ends_time")
    if details.starts_at > timezone.now() + MAX_AHEAD:
        raise Refused("Book no more than a year ahead", "starts_on")


def _location(client: Client, details: Details) -> str:
    location = details.location.strip()
    if not location and details.kind == Kind.HOME_VISIT:
        return home_location(client)
    return location


@transaction.atomic
def book(
    client: Client, details: Details, *, by: User, request: HttpRequest | None = None
) -> Booking:
    """A new booking for ``client``. The start may be in the past (booked after the event)."""
    _check(client, details)
    booking = Booking.objects.create(
        client=client,
        worker=details.worker,
        kind=details.kind,
        starts_at=details.starts_at,
        ends_at=details.ends_at,
        location=_location(client, details),
        with_whom=details.with_whom.strip(),
        escort=details.escort,
        notes=details.notes.strip(),
        created_by=by,
    )
    _audit(client.pk, by, request, what="booking", booking=booking.pk)
    return booking


@transaction.atomic
def change(
    booking: Booking, details: Details, *, by: User, request: HttpRequest | None = None
) -> Booking:
    booking = (
        Booking.objects.select_for_update().select_related("client__service").get(pk=booking.pk)
    )
    if booking.status != Status.BOOKED:
        raise Refused("Only a booking still to happen can be changed")
    _check(booking.client, details)
    booking.worker = details.worker
    booking.kind = details.kind
    booking.starts_at = details.starts_at
    booking.ends_at = details.ends_at
    booking.location = _location(booking.client, details)
    booking.with_whom = details.with_whom.strip()
    booking.escort = details.escort
    booking.notes = details.notes.strip()
    booking.changed_by = by
    booking.changed_at = timezone.now()
    booking.save()
    _audit(booking.client_id, by, request, what="booking_changed", booking=booking.pk)
    return booking


@transaction.atomic
def cancel(
    booking: Booking,
    *,
    status: str,
    reason: str,
    by: User,
    request: HttpRequest | None = None,
) -> Booking:
    """Cancelled (with its reason) or did not attend: either way it no longer happens."""
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    if booking.status != Status.BOOKED:
        raise Refused("This booking is already closed")
    if status not in (Status.CANCELLED, Status.DID_NOT_ATTEND):
        raise Refused("Select whether it was cancelled or the client did not attend", "status")
    if status == Status.CANCELLED and not reason.strip():
        raise Refused("Enter why the booking is cancelled", "reason")
    booking.status = status
    booking.cancel_reason = reason.strip()
    booking.changed_by = by
    booking.changed_at = timezone.now()
    booking.save()
    _audit(booking.client_id, by, request, what="booking_" + status, booking=booking.pk)
    return booking


def booking_to_check_in(user: User, client: Client, booking_id: str | None) -> Booking | None:
    """The booked home visit a check-in starts from: the user's own (or as second worker),
    this client's, still booked and not yet started; None for anything else, so a stale or
    foreign ``?booking=`` just opens a blank check-in."""
    if not booking_id or not booking_id.isdigit():
        return None
    return (
        Booking.objects.filter(
            pk=int(booking_id),
            client=client,
            kind=Kind.HOME_VISIT,
            status=Status.BOOKED,
            visit__isnull=True,
        )
        .filter(Q(worker=user) | Q(escort=user))
        .first()
    )


def check_in_initial(booking: Booking | None) -> dict[str, str]:
    """The check-in form filled from the booking: at home (a home visit), back by the booking's
    end, and whether a second worker is going. The worker can change any of it."""
    if booking is None:
        return {}
    ends = timezone.localtime(booking.ends_at)
    return {
        "place": "home",
        "back_time": f"{ends:%H:%M}",
        "escort": "yes" if booking.escort_id else "no",
    }


def link_visit(booking: Booking, visit: Visit) -> None:
    """The check-in the booking started: kept, so its check-out closes the booking."""
    if booking.visit_id is None and booking.client_id == visit.client_id:
        Booking.objects.filter(pk=booking.pk).update(visit=visit)


def visit_checked_out(visit: Visit, *, saw_them: bool | None, by: User) -> None:
    """A booked visit is recorded: done when the worker saw the client, did not attend when
    they were not there (``saw_them`` None: nothing recorded, the booking stays as it is)."""
    if saw_them is None:
        return
    status = Status.DONE if saw_them else Status.DID_NOT_ATTEND
    Booking.objects.filter(visit=visit, status=Status.BOOKED).update(
        status=status, changed_by=by, changed_at=timezone.now()
    )


# The private calendar feed ----------------------------------------------------------------
def new_token() -> str:
    """A random secret: the feed's URL is its only key (calendar apps cannot sign in)."""
    return secrets.token_urlsafe(32)


def regenerate_feed(user: User, request: HttpRequest | None = None) -> CalendarFeed:
    """A new secret URL for the user's feed; the old one stops working at once."""
    feed, _ = CalendarFeed.objects.update_or_create(user=user, defaults={"token": new_token()})
    record(Action.CHANGE_CALENDAR_FEED, request=request, actor=user, detail={"what": "regenerated"})
    return feed


def revoke_feed(user: User, request: HttpRequest | None = None) -> None:
    CalendarFeed.objects.filter(user=user).delete()
    record(Action.CHANGE_CALENDAR_FEED, request=request, actor=user, detail={"what": "revoked"})


def feed_user(token: str) -> User | None:
    """The active user whose feed has this token, or None."""
    if not token:
        return None
    feed = CalendarFeed.objects.filter(token=token, user__is_active=True).select_related("user")
    found = feed.first()
    return found.user if found is not None else None
