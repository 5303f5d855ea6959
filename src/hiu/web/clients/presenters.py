"""What the client pages show, shaped for the templates, so views stay thin."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AbstractUser
from django.db.models import Count, Q
from django.utils import timezone

from hiu.web.audit.models import Action, AuditEvent
from hiu.web.clients.models import Client
from hiu.web.clients.querysets import ClientQuerySet
from hiu.web.formatting import format_date, format_nhs_number


@dataclass(frozen=True)
class Row:
    key: str
    value: str


@dataclass(frozen=True)
class ClientSummary:
    client: Client
    rows: list[Row]
    recent_views: list[AuditEvent]


def client_summary(client: Client, today: dt.date | None = None) -> ClientSummary:
    today = today or timezone.localdate()
    manager = client.case_manager
    episode = client.episodes.order_by("-number").first()
    engaged_on = episode.engaged_on if episode is not None else None
    rows = [
        Row("NHS number", format_nhs_number(client.nhs_number)),
        Row("Date of birth", f"{format_date(client.date_of_birth)} (aged {client.age_on(today)})"),
        Row("Sex", client.get_sex_display()),
        Row("Postcode", client.postcode or "Not recorded"),
        Row("Phone", client.phone or "Not recorded"),
        Row("GP practice", client.gp_practice_code or "Not recorded"),
        Row("Way in", client.get_way_in_display()),
        Row("Engaged on", format_date(engaged_on) if engaged_on else "Not yet"),
        Row("Case manager", _person(manager) if manager else "Not allocated"),
    ]
    recent_views = list(
        AuditEvent.objects.filter(
            object_type="client", object_id=str(client.pk), action=Action.VIEW_CLIENT
        ).select_related("actor")[:10]
    )
    return ClientSummary(client=client, rows=rows, recent_views=recent_views)


def _person(user: AbstractUser) -> str:
    return user.get_full_name() or user.get_username()


@dataclass(frozen=True)
class WorkerLoad:
    name: str
    clients: int


def team_caseload(clients: ClientQuerySet) -> list[WorkerLoad]:
    """Clients per case manager across the service, busiest first."""
    counts = (
        clients.filter(case_manager__isnull=False)
        .values("case_manager__username", "case_manager__first_name", "case_manager__last_name")
        .annotate(n=Count("id", filter=Q(case_manager__isnull=False)))
        .order_by("-n", "case_manager__username")
    )
    loads = []
    for row in counts:
        full = f"{row['case_manager__first_name']} {row['case_manager__last_name']}".strip()
        loads.append(WorkerLoad(name=full or row["case_manager__username"], clients=row["n"]))
    return loads
