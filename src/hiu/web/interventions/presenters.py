"""What the intervention pages show, shaped for the templates, so views stay thin.

``wait_to_first_intervention`` and ``median_wait_days`` are the measure 000 §2.3.5 asks for
("the timeframe ... to the patient starting an intervention should be recorded and reported")
and 000's KPI "average wait time from acceptance into the service to start of first
intervention": other apps (reports) may call them.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass

from django.db.models import Count, Min, Q
from django.urls import reverse

from hiu.web.accounts.models import Service
from hiu.web.clients.models import Client
from hiu.web.corrections.entries import current_only
from hiu.web.corrections.presenters import corrected_ids
from hiu.web.episodes.models import Episode
from hiu.web.interventions.models import (
    Intervention,
    InterventionSession,
    InterventionType,
    OnwardReferral,
    SessionStatus,
)
from hiu.web.interventions.querysets import InterventionQuerySet
from hiu.web.plans.models import sharing_stopped_on


def wait_to_first_intervention(episode: Episode) -> int | None:
    """Days from acceptance (the episode opening) to the first intervention started in it;
    None while none has started."""
    first: dt.date | None = episode.interventions.aggregate(first=Min("started_on"))["first"]
    if first is None:
        return None
    days: int = (first - episode.opened_on).days
    return days


def median_wait_days(service: Service) -> float | None:
    """The median wait to the first intervention across the service's episodes in which one
    started; None when none has."""
    episodes = (
        Episode.objects.filter(client__service=service)
        .annotate(first=Min("interventions__started_on"))
        .filter(first__isnull=False)
        .values_list("opened_on", "first")
    )
    waits = [(first - opened).days for opened, first in episodes]
    return float(statistics.median(waits)) if waits else None


def with_counts(interventions: InterventionQuerySet) -> InterventionQuerySet:
    return interventions.annotate(
        # A join uses no manager: sessions entered in error are left out here (ADR 0019).
        n_attended=Count(
            "sessions",
            filter=Q(sessions__status=SessionStatus.ATTENDED) & current_only("sessions"),
        ),
        n_missed=Count(
            "sessions", filter=Q(sessions__status=SessionStatus.MISSED) & current_only("sessions")
        ),
        n_cancelled=Count(
            "sessions",
            filter=Q(sessions__status=SessionStatus.CANCELLED) & current_only("sessions"),
        ),
    )


def sessions_text(
    attended: int,
    missed: int,
    cancelled: int,
    planned: int | None,
    most: int | None,
    *,
    has_sessions: bool = True,
) -> str:
    """e.g. "5 attended, 1 missed, of 6 planned (up to 8)"."""
    if not has_sessions:
        return "No sessions"
    text = f"{attended} attended, {missed} missed"
    if cancelled:
        text += f", {cancelled} cancelled"
    if planned is not None and most is not None and most != planned:
        text += f", of {planned} planned (up to {most})"
    elif planned is not None:
        text += f", of {planned} planned"
    elif most is not None:
        text += f", of up to {most}"
    return text


def status_text(intervention: Intervention) -> str:
    if intervention.ended_on is not None:
        return f"Ended: {intervention.get_end_reason_display().lower()}"
    if intervention.started_on is not None:
        return "Under way"
    return "Referred, not started"


@dataclass(frozen=True)
class InterventionRow:
    intervention: Intervention
    name: str
    sessions: str
    status: str
    url: str


def _row(intervention: Intervention) -> InterventionRow:
    return InterventionRow(
        intervention=intervention,
        name=intervention.type.name,
        sessions=sessions_text(
            getattr(intervention, "n_attended", 0),
            getattr(intervention, "n_missed", 0),
            getattr(intervention, "n_cancelled", 0),
            intervention.planned_sessions,
            intervention.max_sessions,
            has_sessions=intervention.type.has_sessions,
        ),
        status=status_text(intervention),
        url=reverse("interventions:detail", kwargs={"intervention_id": intervention.pk}),
    )


def wait_text(episode: Episode) -> str:
    days = wait_to_first_intervention(episode)
    if days is None:
        return "No intervention started yet"
    if days == 0:
        return "Started on the day of acceptance"
    return f"Started {days} day{'s' if days != 1 else ''} after acceptance"


@dataclass(frozen=True)
class ClientInterventions:
    client: Client
    episode: Episode | None
    open_episode: bool
    rows: list[InterventionRow]
    wait: str
    onward: list[OnwardReferral]


def client_interventions(client: Client) -> ClientInterventions:
    """The interventions and referrals out of the client's open episode, or of their latest."""
    episode = client.episodes.exclude(phase="closed").first()
    is_open = episode is not None
    if episode is None:
        episode = client.episodes.order_by("-number").first()
    if episode is None:
        return ClientInterventions(client, None, False, [], "", [])
    found = with_counts(
        Intervention.objects.filter(client=client, episode=episode).select_related("type")
    )
    onward = list(OnwardReferral.objects.filter(client=client, episode=episode))
    return ClientInterventions(
        client=client,
        episode=episode,
        open_episode=is_open,
        rows=[_row(i) for i in found.order_by("referred_on", "id")],
        wait=wait_text(episode),
        onward=onward,
    )


@dataclass(frozen=True)
class InterventionDetail:
    intervention: Intervention
    sessions: list[InterventionSession]
    summary: str
    status: str
    attended: int
    planned_reached: bool
    at_most: bool
    may_add_session: bool
    # Corrections (ADR 0019): sessions marked entered in error, shown only when asked for.
    in_error: list[InterventionSession]
    show_in_error: bool
    corrected: set[int]


def intervention_detail(
    intervention: Intervention, *, show_in_error: bool = False
) -> InterventionDetail:
    sessions = list(intervention.sessions.select_related("by"))
    in_error = list(
        InterventionSession.all_with_errors.filter(intervention=intervention)
        .in_error()
        .select_related("entered_in_error_by")
    )
    attended = sum(1 for s in sessions if s.status == SessionStatus.ATTENDED)
    missed = sum(1 for s in sessions if s.status == SessionStatus.MISSED)
    cancelled = sum(1 for s in sessions if s.status == SessionStatus.CANCELLED)
    planned, most = intervention.planned_sessions, intervention.max_sessions
    at_most = most is not None and attended >= most
    open_ = intervention.ended_on is None
    return InterventionDetail(
        intervention=intervention,
        sessions=sessions,
        summary=sessions_text(
            attended,
            missed,
            cancelled,
            planned,
            most,
            has_sessions=intervention.type.has_sessions,
        ),
        status=status_text(intervention),
        attended=attended,
        planned_reached=open_ and planned is not None and attended >= planned,
        at_most=open_ and at_most,
        may_add_session=open_ and intervention.type.has_sessions and not at_most,
        in_error=in_error,
        show_in_error=show_in_error,
        corrected=corrected_ids("session", [*sessions, *in_error]),
    )


@dataclass(frozen=True)
class TypeRow:
    item: InterventionType
    kind: str
    sessions: str
    url: str


def catalogue_rows(types: list[InterventionType]) -> list[TypeRow]:
    rows = []
    for item in types:
        if not item.has_sessions:
            sessions = "No sessions"
        elif (
            item.planned_sessions
            and item.max_sessions
            and item.max_sessions != item.planned_sessions
        ):
            sessions = f"{item.planned_sessions} planned, up to {item.max_sessions}"
        elif item.planned_sessions:
            sessions = f"{item.planned_sessions} planned"
        elif item.max_sessions:
            sessions = f"Up to {item.max_sessions}"
        else:
            sessions = "No limit"
        rows.append(
            TypeRow(
                item=item,
                kind=item.get_kind_display(),
                sessions=sessions,
                url=reverse("interventions:type", kwargs={"type_id": item.pk}),
            )
        )
    return rows


def postcode_district(postcode: str) -> str:
    """The outward code of a UK postcode ("E8 1AB" gives "E8"), the area and no more."""
    code = "".join(postcode.split()).upper()
    if not code:
        return ""
    if " " in postcode.strip():
        return postcode.strip().split()[0].upper()
    return code[:-3] if len(code) > 4 else code


@dataclass(frozen=True)
class BefriendingReferral:
    """What the volunteer coordinator sees of a person: only what befriending needs.

    Built here so the template never holds the client record itself: no family name, NHS
    number, date of birth or full postcode can reach the page.
    """

    intervention_id: int
    client_id: int
    name: str  # given name and family-name initial
    district: str
    phone: str
    befriending_note: str
    risk_note: str
    referred_on: dt.date
    visits: int
    volunteer_name: str
    consent_withdrawn_on: dt.date | None
    url: str


def befriending_referral(intervention: Intervention, visits: int) -> BefriendingReferral:
    client = intervention.client
    initial = client.family_name[:1].upper()
    return BefriendingReferral(
        intervention_id=intervention.pk,
        client_id=client.pk,
        name=f"{client.given_name} {initial}".strip(),
        district=postcode_district(client.postcode) or "Not recorded",
        phone=client.phone or "Not recorded",
        befriending_note=intervention.befriending_note,
        risk_note=intervention.risk_note,
        referred_on=intervention.referred_on,
        visits=visits,
        volunteer_name=intervention.volunteer_name,
        consent_withdrawn_on=sharing_stopped_on(client),
        url=reverse(
            "interventions:befriending_detail", kwargs={"intervention_id": intervention.pk}
        ),
    )


def befriending_referrals(interventions: InterventionQuerySet) -> list[BefriendingReferral]:
    found = with_counts(interventions.select_related("client")).order_by("referred_on", "id")
    return [befriending_referral(i, getattr(i, "n_attended", 0)) for i in found]


@dataclass(frozen=True)
class Visit:
    on: dt.date
    status: str
    note: str


def befriending_visits(intervention: Intervention) -> list[Visit]:
    return [
        Visit(s.on, s.get_status_display(), s.note)
        for s in intervention.sessions.order_by("-on", "-id")
    ]
