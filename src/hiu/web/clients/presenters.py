"""What the client record's own pages show (summary, activity), shaped for the templates, so
views stay thin. The caseload and team pages are in ``caseload.py``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from hiu.store.store import Store
from hiu.web.audit.models import Action, AuditEvent
from hiu.web.clients.activity import MEASURES, MonthlyActivity, monthly_activity, window
from hiu.web.clients.caseload import complexity_label, person_name, phase_label
from hiu.web.clients.chart import Chart, PhaseSpan, activity_chart, phase_spans
from hiu.web.clients.details import (
    FIELDS,
    Details,
    Difference,
    current_details,
    current_version,
    extract_differences,
    history,
)
from hiu.web.clients.models import Client, ClientDetails, ContactMethod, MessagesOk
from hiu.web.clients.summaries import SummaryRow, SummarySection, sections_for
from hiu.web.contacts.models import Contact
from hiu.web.episodes.models import Episode, PhaseChange
from hiu.web.episodes.phases import Phase
from hiu.web.formatting import (
    display_username,
    format_date,
    format_datetime,
    format_nhs_number,
)
from hiu.web.organisations.models import organisation_name

Row = SummaryRow


@dataclass(frozen=True)
class ClientSummary:
    client: Client
    identity: list[Row]
    episode: list[Row]  # empty when there is no open episode
    last_contact: list[Row]  # empty when no contact has reached them yet
    sections: list[SummarySection]
    recent_views: list[AuditEvent]


def client_summary(client: Client, today: dt.date) -> ClientSummary:
    manager = client.case_manager
    identity = [
        Row("NHS number", format_nhs_number(client.nhs_number)),
        Row("Date of birth", f"{format_date(client.date_of_birth)} (aged {client.age_on(today)})"),
        Row("Sex", client.get_sex_display()),
        Row("Case manager", person_name(manager)),
    ]
    episode = client.episodes.exclude(phase=Phase.CLOSED).first()
    episode_rows = []
    if episode is not None:
        episode_rows = [
            Row("Phase", phase_label(episode.phase)),
            Row("In this phase since", format_date(episode.phase_since)),
            Row("Complexity", complexity_label(episode.complexity)),
            Row("Way in", episode.get_way_in_display()),
            Row("Case manager", person_name(manager)),
            Row("Opened on", format_date(episode.opened_on)),
            Row("Engaged on", format_date(episode.engaged_on) if episode.engaged_on else "Not yet"),
        ]
    contact = last_reached_contact(client)
    contact_rows = []
    if contact is not None:
        contact_rows = [
            Row("When", format_datetime(contact.at)),
            Row("How", contact.get_channel_display()),
            Row("By", display_username(contact.by_username)),
        ]
    recent_views = list(
        AuditEvent.objects.filter(
            object_type="client", object_id=str(client.pk), action=Action.VIEW_CLIENT
        )
        .select_related("actor")  # each view is shown by its viewer's full name
        .order_by("-at", "-id")[:10]
    )
    return ClientSummary(
        client=client,
        identity=identity,
        episode=episode_rows,
        last_contact=contact_rows,
        sections=sections_for(client, today),
        recent_views=recent_views,
    )


def last_reached_contact(client: Client) -> Contact | None:
    return client.contacts.filter(reached=True).order_by("-at", "-id").first()


# The activity page ---------------------------------------------------------------------------
@dataclass(frozen=True)
class MonthRow:
    month: dt.date
    counts: list[int | None]  # None: that month of that kind is not yet imported
    phase: str  # the phase at the end of the month, or ""

    @property
    def label(self) -> str:
        return f"{self.month:%B %Y}"


@dataclass(frozen=True)
class ActivityPage:
    has_activity: bool
    chart: Chart
    headings: list[str]
    rows: list[MonthRow]  # newest first
    spans: list[PhaseSpan]


def _phase_at(spans: list[PhaseSpan], day: dt.date) -> str:
    for span in spans:
        if span.start <= day < span.end:
            return span.label
    return ""


def activity_page(
    client: Client,
    store: Store,
    today: dt.date,
    interventions: list[tuple[dt.date, str]],
) -> ActivityPage:
    """The client's monthly activity with their phases and interventions, for the chart and
    its table. One query to the activity store and two to the database."""
    first_opened = (
        Episode.objects.filter(client=client)
        .order_by("opened_on")
        .values_list("opened_on", flat=True)
    ).first()
    first, last = window(today, first_opened)
    activity: MonthlyActivity = monthly_activity(store, client.nhs_number, first, last)
    changes = PhaseChange.objects.filter(episode__client=client).order_by(
        "episode__number", "effective_on", "recorded_at", "id"
    )
    spans = phase_spans(changes.values_list("episode__number", "to_phase", "effective_on"), today)
    chart = activity_chart(activity, spans, interventions, who=client.full_name)
    rows = []
    for month in reversed(activity.months):
        next_month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        month_end = min(next_month - dt.timedelta(days=1), today)
        rows.append(
            MonthRow(
                month=month,
                counts=[activity.value(kind, month) for kind, _ in MEASURES],
                phase=_phase_at(spans, month_end),
            )
        )
    return ActivityPage(
        has_activity=activity.store_has_activity,
        chart=chart,
        headings=[label for _, label in MEASURES],
        rows=rows,
        spans=spans,
    )


@dataclass(frozen=True)
class AllocationRow:
    at: dt.datetime
    to: str
    to_id: int
    previous: str
    by: str
    reason: str


def allocation_history(client: Client) -> list[AllocationRow]:
    """Every change of the client's case manager, newest first, with names (not usernames)."""
    return [
        AllocationRow(
            at=a.at,
            to=person_name(a.case_manager),
            to_id=a.case_manager_id,
            previous=person_name(a.previous) if a.previous_id else "Nobody",
            by=person_name(a.by) if a.by_id else "Not recorded",
            reason=a.reason,
        )
        for a in client.allocations.select_related("case_manager", "previous", "by")
    ]


# Contact details -----------------------------------------------------------------------------
NOT_RECORDED = "Not recorded"


def practice_label(code: str, name: str) -> str:
    """A GP practice as people know it: its name (from the organisations the service loaded,
    else as recorded), with its ODS code."""
    known = organisation_name(code) if code else ""
    shown = known or name
    if shown and code:
        return f"{shown} ({code})"
    return shown or code or NOT_RECORDED


def detail_rows(details: Details) -> list[Row]:
    """Every detail of a version, in the order of ``details.FIELDS``."""
    phones = "; ".join(
        f"{phone.number} ({phone.label}"
        + (", safe to leave a message" if phone.messages_ok else "")
        + ")"
        for phone in details.phones
    )
    address = ", ".join(
        part
        for part in (details.address_line_1, details.address_line_2, details.town, details.postcode)
        if part
    )
    carer = ", ".join(
        part
        for part in (details.carer_name, details.carer_relationship, details.carer_phone)
        if part
    )
    if details.interpreter_needed:
        interpreter = f"Needed: {details.interpreter_language}"
    else:
        interpreter = "Not needed"
    values = {
        "preferred_name": details.preferred_name,
        "pronouns": details.pronouns,
        "phones": phones,
        "address": address,
        "preferred_method": ContactMethod(details.preferred_method).label
        if details.preferred_method
        else "",
        "best_times": details.best_times,
        "messages_ok": MessagesOk(details.messages_ok).label if details.messages_ok else "",
        "gp_practice": practice_label(details.gp_practice_code, details.gp_practice_name),
        "carer": carer,
        "interpreter": interpreter,
    }
    return [Row(label, values[name] or NOT_RECORDED) for name, label in FIELDS]


@dataclass(frozen=True)
class ContactDetails:
    rows: list[Row]
    version: ClientDetails | None  # None: as the record was made, never changed
    differences: list[Difference]


def contact_details(client: Client, person: dict[str, Any] | None) -> ContactDetails:
    """The overview's details: the current version, and where the extract says otherwise."""
    return ContactDetails(
        rows=detail_rows(current_details(client)),
        version=current_version(client),
        differences=extract_differences(client, person),
    )


@dataclass(frozen=True)
class DetailsVersionRow:
    version: ClientDetails
    by: str
    changed: str  # the labels of what changed, in words
    rows: list[Row]


def details_history_rows(client: Client) -> list[DetailsVersionRow]:
    labels = dict(FIELDS)
    rows = []
    for version, details, changed in history(client):
        rows.append(
            DetailsVersionRow(
                version=version,
                by=person_name(version.recorded_by),
                changed=", ".join(labels[name] for name in changed) or "Nothing",
                rows=detail_rows(details),
            )
        )
    return rows
