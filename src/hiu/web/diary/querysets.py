"""Scoped queries: bookings are reached through the clients the signed-in person may see
(``Client.objects.visible_to``), and workers through their service, never on their own."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet

from hiu.web.accounts.models import Service
from hiu.web.accounts.roles import Role
from hiu.web.clients.models import Client
from hiu.web.diary.models import Booking, Status

#: Who keeps a diary: the people who visit and call clients.
DIARY_ROLES = (Role.SERVICE_LEAD, Role.CASE_MANAGER)


def bookings_visible_to(user: User) -> QuerySet[Booking]:
    return Booking.objects.filter(client__in=Client.objects.visible_to(user))


def diary_workers(service: Service) -> QuerySet[User]:
    """The service's active case managers and leads, by name."""
    return (
        User.objects.filter(
            is_active=True,
            staff_profile__service=service,
            groups__name__in=[role.label for role in DIARY_ROLES],
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def of_worker(bookings: QuerySet[Booking], worker: User) -> QuerySet[Booking]:
    """The worker's bookings: their own and those they go to as the second worker."""
    return bookings.filter(Q(worker=worker) | Q(escort=worker))


def between(bookings: QuerySet[Booking], start: dt.datetime, end: dt.datetime) -> QuerySet[Booking]:
    """Bookings that start in ``[start, end)``, earliest first."""
    return bookings.filter(starts_at__gte=start, starts_at__lt=end).order_by("starts_at", "id")


def next_booking(client: Client, now: dt.datetime) -> Booking | None:
    """The client's next booking still to happen (booked, not yet ended)."""
    return (
        Booking.objects.filter(client=client, status=Status.BOOKED, ends_at__gt=now)
        .select_related("worker")
        .order_by("starts_at", "id")
        .first()
    )
