"""The client list: filtered by worker, phase, complexity and alert, and exported.

Alerts are a table (``ALERTS``): each names a label and how to narrow the clients to those with
it, so a new kind of alert (a risk answer, say) is one more line here and shows in the filter,
the list and the export.

The export carries what the list shows to the roles that may open it (name, NHS number, date of
birth, case manager, phase, complexity, alerts), every text cell made safe for a spreadsheet
(``hiu.spreadsheet_safety``), and is audited with the filter used, never the rows.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl
from django.db.models import Exists, OuterRef, Q

from hiu.spreadsheet_safety import escape_formula
from hiu.web.clients.caseload import complexity_label, person_name, phase_label
from hiu.web.clients.models import Client
from hiu.web.clients.querysets import ClientQuerySet
from hiu.web.episodes.models import RelapseAlert
from hiu.web.episodes.phases import Complexity, Phase

NO_EPISODE = "none"


@dataclass(frozen=True)
class AlertFilter:
    label: str
    narrow: Callable[[ClientQuerySet], ClientQuerySet]


def _open_relapse(clients: ClientQuerySet) -> ClientQuerySet:
    return clients.filter(
        Exists(RelapseAlert.objects.filter(client_id=OuterRef("pk"), resolved_at__isnull=True))
    )


ALERTS: dict[str, AlertFilter] = {
    "hiu_alert": AlertFilter("HIU alert", lambda clients: clients.filter(alert_active=True)),
    "relapse": AlertFilter("Open relapse alert", _open_relapse),
}


def phase_choices() -> list[tuple[str, str]]:
    return [(p.value, p.label) for p in Phase if p != Phase.CLOSED] + [
        (NO_EPISODE, "No open episode")
    ]


def complexity_choices() -> list[tuple[str, str]]:
    return [(c.value, c.label) for c in Complexity] + [(NO_EPISODE, "Not set")]


def alert_choices() -> list[tuple[str, str]]:
    return [(key, alert.label) for key, alert in ALERTS.items()]


@dataclass(frozen=True)
class ClientFilter:
    worker: str = ""
    phase: str = ""
    complexity: str = ""
    alert: str = ""

    def as_detail(self) -> dict[str, str]:
        """For the audit event: which filters, never who was found."""
        return {k: v for k, v in self.__dict__.items() if v}


def filtered(clients: ClientQuerySet, chosen: ClientFilter) -> ClientQuerySet:
    found = clients.with_open_episode()
    if chosen.worker == NO_EPISODE:
        found = found.unallocated()
    elif chosen.worker:
        found = found.filter(case_manager_id=int(chosen.worker))
    if chosen.phase == NO_EPISODE:
        found = found.filter(episode_id__isnull=True)  # type: ignore[misc]
    elif chosen.phase:
        found = found.filter(episode_phase=chosen.phase)  # type: ignore[misc]
    if chosen.complexity == NO_EPISODE:
        found = found.filter(  # type: ignore[misc]
            Q(episode_complexity="") | Q(episode_complexity__isnull=True), episode_id__isnull=False
        )
    elif chosen.complexity:
        found = found.filter(episode_complexity=chosen.complexity)  # type: ignore[misc]
    if chosen.alert in ALERTS:
        found = ALERTS[chosen.alert].narrow(found)
    relapse = RelapseAlert.objects.filter(client_id=OuterRef("pk"), resolved_at__isnull=True)
    return (
        found.annotate(open_relapse=Exists(relapse))
        .select_related("case_manager")
        .order_by("family_name", "given_name", "id")
    )


COLUMNS = (
    "Family name",
    "Given name",
    "NHS number",
    "Date of birth",
    "Case manager",
    "Phase",
    "Complexity",
    "Alerts",
)


def alerts_of(client: Client) -> list[str]:
    shown = []
    if client.alert_active:
        shown.append(ALERTS["hiu_alert"].label)
    if getattr(client, "open_relapse", False):
        shown.append(ALERTS["relapse"].label)
    return shown


def export_frame(clients: ClientQuerySet) -> pl.DataFrame:
    rows = [
        (
            c.family_name,
            c.given_name,
            c.nhs_number,
            c.date_of_birth.isoformat(),
            person_name(c.case_manager),
            phase_label(c.episode_phase),  # type: ignore[attr-defined]
            complexity_label(c.episode_complexity) if c.episode_id else "",  # type: ignore[attr-defined]
            "; ".join(alerts_of(c)),
        )
        for c in clients
    ]
    frame = pl.DataFrame(rows, schema=list(COLUMNS), orient="row")
    # Every cell is text from the record: none may start a formula.
    return frame.with_columns([escape_formula(pl.col(name)).alias(name) for name in COLUMNS])


def as_csv(frame: pl.DataFrame) -> bytes:
    return frame.write_csv().encode("utf-8-sig")


def as_xlsx(frame: pl.DataFrame) -> bytes:
    out = io.BytesIO()
    frame.write_excel(out, worksheet="Clients", autofit=True)
    return out.getvalue()
