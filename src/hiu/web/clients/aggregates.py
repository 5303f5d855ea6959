"""Counts across services for commissioners: aggregates only, suppressed before display.

These are the only client queries not scoped with ``visible_to``: they return numbers, never
records, and every number passes ``hiu.disclosure.suppress``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from hiu.disclosure import suppress
from hiu.web.accounts.models import Service


@dataclass(frozen=True)
class ServiceCounts:
    service: str
    clients: int | str
    engaged: int | str


def service_counts() -> list[ServiceCounts]:
    services = Service.objects.annotate(
        n_clients=Count("clients", distinct=True),
        # Clients who engaged in any episode of support, counted once each.
        n_engaged=Count(
            "clients", filter=Q(clients__episodes__engaged_on__isnull=False), distinct=True
        ),
    ).order_by("name")
    return [ServiceCounts(s.name, suppress(s.n_clients), suppress(s.n_engaged)) for s in services]
