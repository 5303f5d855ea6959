"""Reading risk alerts: a client's open ones, and which clients of a set have one."""

from __future__ import annotations

from django.db.models import QuerySet

from hiu.web.clients.models import Client
from hiu.web.risk.models import RiskAlert


def open_alerts(client: Client) -> list[RiskAlert]:
    return list(
        RiskAlert.objects.filter(client=client, reviewed_at__isnull=True).order_by(
            "raised_at", "id"
        )
    )


def open_alerts_of(clients: QuerySet[Client]) -> QuerySet[RiskAlert]:
    """The open alerts of ``clients`` (already scoped to the user's service), oldest first."""
    return (
        RiskAlert.objects.filter(client__in=clients, reviewed_at__isnull=True)
        .select_related("client", "client__case_manager")
        .order_by("raised_at", "id")
    )


def clients_with_open_alerts(clients: QuerySet[Client]) -> set[int]:
    return set(
        RiskAlert.objects.filter(client__in=clients, reviewed_at__isnull=True).values_list(
            "client_id", flat=True
        )
    )
