"""Queries for team meetings. Each starts from the caller's own service, or from the clients
the caller may see (``Client.objects.visible_to``), so none reaches another service's rows."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import Count, QuerySet

from hiu.web.accounts.models import Service
from hiu.web.clients.models import Client
from hiu.web.meetings.models import Meeting


def meetings_of(service: Service) -> QuerySet[Meeting]:
    """The service's meetings, latest first, each with ``discussed``: how many clients."""
    # Explicitly ordered: a query with an aggregate does not use the model's default ordering.
    return (
        Meeting.objects.filter(service=service)
        .annotate(discussed=Count("clients"))
        .order_by("-held_on", "-id")
    )


def meetings_in_error_of(service: Service) -> QuerySet[Meeting]:
    """The service's meetings marked entered in error (ADR 0019), latest first."""
    return (
        Meeting.all_with_errors.in_error()
        .filter(service=service)
        .annotate(discussed=Count("clients"))
        .order_by("-held_on", "-id")
    )


def meeting_of(service: Service, meeting_id: int) -> Meeting | None:
    """The service's meeting, whether or not it is marked entered in error."""
    return Meeting.all_with_errors.filter(service=service, pk=meeting_id).first()


def clients_to_discuss(user: User) -> QuerySet[Client]:
    """The clients a meeting may discuss: the user's service's clients with an open episode
    (any phase but closed: stepped-down clients are still followed up), by family name."""
    return (
        Client.objects.visible_to(user).with_open_case().order_by("family_name", "given_name", "pk")
    )


def discussed_in(meeting: Meeting) -> list[Client]:
    return list(meeting.clients.order_by("family_name", "given_name", "pk"))
