"""Changes to interventions: the service's catalogue, referring a client to an intervention,
recording its sessions (or befriending visits), ending it, matching a volunteer, and
signposting and referrals out. Each runs in one transaction and writes its audit event here,
so no view can change a record without one. Audit details hold ids and codes, never text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from hiu.web.accounts.models import Service
from hiu.web.audit.models import Action
from hiu.web.audit.service import record
from hiu.web.clients.models import Client
from hiu.web.episodes.models import Episode
from hiu.web.episodes.phases import Phase
from hiu.web.interventions.models import (
    EndReason,
    Intervention,
    InterventionSession,
    InterventionType,
    Kind,
    OnwardKind,
    OnwardReferral,
    SessionStatus,
)
from hiu.web.interventions.querysets import InterventionTypeQuerySet
from hiu.web.refused import Refused as Refused

#: The name this module used before ``hiu.web.refused.Refused`` was shared.
InterventionRefused = Refused


@dataclass(frozen=True)
class SeedType:
    name: str
    kind: Kind
    provider: str
    planned_sessions: int | None
    max_sessions: int | None


#: Hackney's table of interventions (000 §2.3.5), in its order. CBT / MI is "up to 6-8
#: sessions" (six to eight weekly sessions, 000 §2.4.3); psychological therapy "up to 16
#: sessions" (000 §2.4.5), a ceiling with no usual number; befriending is weekly visits with no
#: limit; an engagement plan with ED has no sessions ("N/A").
SEED_CATALOGUE: tuple[SeedType, ...] = (
    SeedType("Engagement plan / ED protocol", Kind.ENGAGEMENT_PLAN, "HUH / ELFT", None, None),
    SeedType(
        "Cognitive behavioural therapy / motivational interviewing",
        Kind.PSYCHOLOGICAL_THERAPY,
        "East London NHS Foundation Trust (ELFT)",
        6,
        8,
    ),
    SeedType(
        "Psychological therapy",
        Kind.PSYCHOLOGICAL_THERAPY,
        "Tavistock and Portman NHS Foundation Trust",
        None,
        16,
    ),
    SeedType(
        "Befriending and peer support", Kind.BEFRIENDING, "Volunteer Centre Hackney", None, None
    ),
)


def catalogue_for(service: Service) -> InterventionTypeQuerySet:
    """The service's catalogue, filled with 000's table the first time it is asked for."""
    types = InterventionType.objects.filter(service=service)
    if not types.exists():
        with transaction.atomic():
            for position, seed in enumerate(SEED_CATALOGUE, start=1):
                InterventionType.objects.get_or_create(
                    service=service,
                    name=seed.name,
                    defaults={
                        "kind": seed.kind,
                        "provider": seed.provider,
                        "planned_sessions": seed.planned_sessions,
                        "max_sessions": seed.max_sessions,
                        "position": position,
                    },
                )
    return InterventionType.objects.filter(service=service)


@transaction.atomic
def save_type(
    service: Service,
    *,
    by: User,
    existing: InterventionType | None = None,
    name: str,
    kind: str,
    provider: str,
    planned_sessions: int | None,
    max_sessions: int | None,
    active: bool,
    position: int | None = None,
    request: HttpRequest | None = None,
) -> InterventionType:
    """Add a line to the catalogue or change one. Interventions already made keep the numbers
    they copied; a retired type stays on them and is no longer offered."""
    if (
        planned_sessions is not None
        and max_sessions is not None
        and max_sessions < planned_sessions
    ):
        raise Refused(
            "The most sessions must be the same as or more than the planned sessions",
            "max_sessions",
        )
    duplicate = InterventionType.objects.filter(service=service, name__iexact=name)
    if existing is not None:
        duplicate = duplicate.exclude(pk=existing.pk)
    if duplicate.exists():
        raise Refused("Your catalogue already has an intervention with this name", "name")
    item = existing or InterventionType(service=service)
    if item.service_id != service.pk:
        raise Refused("This intervention is not in your service's catalogue")
    if position is None:
        if existing is not None:
            position = existing.position
        else:
            last = InterventionType.objects.filter(service=service).aggregate(p=Max("position"))
            position = (last["p"] or 0) + 1
    item.name = name
    item.kind = kind
    item.provider = provider
    item.planned_sessions = planned_sessions
    item.max_sessions = max_sessions
    item.active = active
    item.position = position
    item.save()
    record(
        Action.CHANGE_SERVICE_SETTINGS,
        request=request,
        actor=by,
        object_type="service",
        object_id=service.pk,
        detail={
            "what": "intervention_type",
            "intervention_type": item.pk,
            "created": existing is None,
            "active": active,
        },
    )
    return item


def open_episode_of(client: Client) -> Episode | None:
    return client.episodes.exclude(phase=Phase.CLOSED).first()


def _audit(client_id: int, by: User, what: str, request: HttpRequest | None, **ids: object) -> None:
    record(
        Action.UPDATE_CLIENT,
        request=request,
        actor=by,
        object_type="client",
        object_id=client_id,
        detail={"what": what, **ids},
    )


def _check_day(
    on: dt.date, *, not_before: dt.date | None, what: str, since: str, field: str
) -> None:
    if on > timezone.localdate():
        raise Refused(f"{what} must be today or in the past", field)
    if not_before is not None and on < not_before:
        raise Refused(f"{what} must be on or after {since}", field)


@transaction.atomic
def make_intervention(
    client: Client,
    *,
    by: User,
    type: InterventionType,
    referred_on: dt.date,
    started_on: dt.date | None = None,
    provider: str = "",
    note: str = "",
    befriending_note: str = "",
    risk_note: str = "",
    request: HttpRequest | None = None,
) -> Intervention:
    """Refer the client to an intervention from their service's catalogue, in their open
    episode. The provider and session numbers are copied from the catalogue."""
    episode = open_episode_of(client)
    if episode is None:
        raise Refused("Open an episode first")
    if type.service_id != client.service_id or not type.active:
        raise Refused("Select an intervention from your service's catalogue", "type")
    _check_day(
        referred_on,
        not_before=episode.opened_on,
        what="The date of referral",
        since="the day the episode opened",
        field="referred_on",
    )
    if started_on is not None:
        _check_day(
            started_on,
            not_before=referred_on,
            what="The start date",
            since="the date of referral",
            field="started_on",
        )
    if type.kind == Kind.BEFRIENDING and not risk_note.strip():
        raise Refused("Enter the risk assessment for the befriending referral", "risk_note")
    intervention = Intervention.objects.create(
        client=client,
        episode=episode,
        type=type,
        provider=provider.strip() or type.provider,
        referred_on=referred_on,
        started_on=started_on,
        planned_sessions=type.planned_sessions if type.has_sessions else None,
        max_sessions=type.max_sessions if type.has_sessions else None,
        note=note,
        befriending_note=befriending_note if type.kind == Kind.BEFRIENDING else "",
        risk_note=risk_note if type.kind == Kind.BEFRIENDING else "",
        made_by=by,
    )
    _audit(
        client.pk,
        by,
        "intervention",
        request,
        episode=episode.pk,
        intervention=intervention.pk,
        intervention_type=type.pk,
    )
    return intervention


@dataclass(frozen=True)
class SessionAdded:
    session: InterventionSession
    attended: int
    # The session that brought attended sessions up to the planned number (or past it).
    planned_reached: bool


@transaction.atomic
def add_session(
    intervention: Intervention,
    *,
    by: User,
    on: dt.date,
    status: str,
    note: str = "",
    request: HttpRequest | None = None,
) -> SessionAdded:
    """Record a session (or a befriending visit). Refused once the intervention has had its
    most sessions, or after it ended. An attended session starts an intervention not yet
    started."""
    # Lock the row: two people recording the last allowed session at once must not both win.
    intervention = (
        Intervention.objects.select_for_update().select_related("type").get(pk=intervention.pk)
    )
    if intervention.is_ended:
        raise Refused("This intervention has ended: no more sessions can be recorded")
    if not intervention.type.has_sessions:
        raise Refused("An engagement plan has no sessions to record")
    _check_day(
        on,
        not_before=intervention.referred_on,
        what="The date of the session",
        since="the date of referral",
        field="on",
    )
    attended = intervention.sessions.filter(status=SessionStatus.ATTENDED).count()
    most = intervention.max_sessions
    if most is not None and attended >= most:
        raise Refused(
            f"This intervention has had the most sessions it can have ({most}): "
            "end it, or refer the client to another intervention"
        )
    session = InterventionSession.objects.create(
        intervention=intervention, on=on, status=status, note=note, by=by
    )
    started = False
    if status == SessionStatus.ATTENDED:
        attended += 1
        if intervention.started_on is None or on < intervention.started_on:
            intervention.started_on = on
            intervention.save(update_fields=["started_on"])
            started = True
    planned = intervention.planned_sessions
    reached = status == SessionStatus.ATTENDED and planned is not None and attended >= planned
    _audit(
        intervention.client_id,
        by,
        "session",
        request,
        intervention=intervention.pk,
        session=session.pk,
        status=status,
        started=started,
    )
    return SessionAdded(session=session, attended=attended, planned_reached=reached)


@transaction.atomic
def end_intervention(
    intervention: Intervention,
    *,
    by: User,
    on: dt.date,
    reason: str,
    note: str = "",
    request: HttpRequest | None = None,
) -> Intervention:
    intervention = Intervention.objects.select_for_update().get(pk=intervention.pk)
    if intervention.is_ended:
        raise Refused("This intervention has already ended")
    if reason not in EndReason.values:
        raise Refused("Select why the intervention ended", "end_reason")
    earliest = intervention.started_on or intervention.referred_on
    since = "the day it started" if intervention.started_on else "the date of referral"
    _check_day(on, not_before=earliest, what="The end date", since=since, field="ended_on")
    last = intervention.sessions.aggregate(last=Max("on"))["last"]
    if last is not None and on < last:
        raise Refused("The end date must be on or after the last session recorded", "ended_on")
    intervention.ended_on = on
    intervention.end_reason = reason
    intervention.end_note = note
    intervention.save(update_fields=["ended_on", "end_reason", "end_note"])
    _audit(
        intervention.client_id,
        by,
        "intervention_end",
        request,
        intervention=intervention.pk,
        end_reason=reason,
    )
    return intervention


@transaction.atomic
def match_volunteer(
    intervention: Intervention,
    *,
    by: User,
    volunteer_name: str,
    request: HttpRequest | None = None,
) -> Intervention:
    """Record the volunteer a befriending referral is matched with."""
    intervention = (
        Intervention.objects.select_for_update().select_related("type").get(pk=intervention.pk)
    )
    if intervention.type.kind != Kind.BEFRIENDING or intervention.is_ended:
        raise Refused("Only an open befriending referral can be matched")
    intervention.volunteer_name = volunteer_name.strip()
    intervention.save(update_fields=["volunteer_name"])
    _audit(intervention.client_id, by, "volunteer_match", request, intervention=intervention.pk)
    return intervention


@transaction.atomic
def change_befriending_referral(
    intervention: Intervention,
    *,
    by: User,
    befriending_note: str,
    risk_note: str,
    request: HttpRequest | None = None,
) -> Intervention:
    """The case manager's notes for the volunteers, kept up to date while befriending goes on:
    a risk that changes must reach the coordinator (000 §2.3.5)."""
    intervention = (
        Intervention.objects.select_for_update().select_related("type").get(pk=intervention.pk)
    )
    if intervention.type.kind != Kind.BEFRIENDING or intervention.is_ended:
        raise Refused("Only an open befriending referral can be changed")
    if not befriending_note.strip():
        raise Refused("Enter what the person would like from a volunteer", "befriending_note")
    if not risk_note.strip():
        raise Refused("Enter the risk assessment for the befriending referral", "risk_note")
    intervention.befriending_note = befriending_note
    intervention.risk_note = risk_note
    intervention.save(update_fields=["befriending_note", "risk_note"])
    _audit(
        intervention.client_id, by, "befriending_referral", request, intervention=intervention.pk
    )
    return intervention


@transaction.atomic
def record_onward(
    client: Client,
    *,
    by: User,
    kind: str,
    organisation: str,
    reason: str,
    on: dt.date,
    outcome: str = "",
    request: HttpRequest | None = None,
) -> OnwardReferral:
    """Signposting or a referral to another organisation, in the client's open episode."""
    episode = open_episode_of(client)
    if episode is None:
        raise Refused("Open an episode first")
    if kind not in OnwardKind.values:
        raise Refused("Select whether the client was signposted or referred", "kind")
    _check_day(on, not_before=None, what="The date", since="", field="on")
    onward = OnwardReferral.objects.create(
        client=client,
        episode=episode,
        kind=kind,
        organisation=organisation.strip(),
        reason=reason,
        on=on,
        outcome=outcome,
        by=by,
    )
    _audit(
        client.pk,
        by,
        "onward_referral",
        request,
        episode=episode.pk,
        onward_referral=onward.pk,
        kind=kind,
    )
    return onward
