"""Writes of the contact log and of lone-working visits. Each one audits here, so no view can
change a record without the audit log knowing (by ids and codes only, never names or notes)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from hiu.web.audit.models import Action
from hiu.web.audit.service import record
from hiu.web.clients.models import Client
from hiu.web.contacts.models import Channel, Contact, Visit
from hiu.web.contacts.querysets import open_episode_of
from hiu.web.refused import Refused as Refused

MAX_DURATION_MINUTES = 600

#: The name this module used before ``hiu.web.refused.Refused`` was shared.
ContactRefused = Refused


def _audit(client_id: int, by: User, request: HttpRequest | None, **detail: object) -> None:
    record(
        Action.UPDATE_CLIENT,
        request=request,
        actor=by,
        object_type="client",
        object_id=client_id,
        detail=detail,
    )


@transaction.atomic
def record_contact(
    client: Client,
    *,
    by: User,
    at: dt.datetime,
    channel: Channel | str,
    reached: bool,
    note: str,
    duration_minutes: int | None = None,
    request: HttpRequest | None = None,
) -> Contact:
    """A contact with the client, or an attempt that did not reach them (000 §2.4.3: notes
    after every contact or attempt), in their open episode if they have one."""
    if at > timezone.now():
        raise Refused("The date and time of the contact must be now or in the past")
    if duration_minutes is not None and not 1 <= duration_minutes <= MAX_DURATION_MINUTES:
        raise Refused("The duration must be between 1 and 600 minutes")
    contact = Contact.objects.create(
        client=client,
        episode=open_episode_of(client),
        at=at,
        channel=Channel(channel),
        reached=reached,
        duration_minutes=duration_minutes,
        by=by,
        by_username=by.get_username(),
        note=note.strip(),
    )
    _audit(client.pk, by, request, what="contact", contact=contact.pk, reached=reached)
    return contact


@transaction.atomic
def check_in(
    client: Client,
    *,
    by: User,
    place: str,
    expected_back_at: dt.datetime,
    escort: bool,
    risk_note: str,
    called_ahead: bool = False,
    request: HttpRequest | None = None,
) -> Visit:
    """The worker sets out on a visit (001 §9): the office knows where, with whom, and when
    they expect to be back."""
    now = timezone.now()
    if expected_back_at <= now:
        raise Refused("The time you expect to be back must be later than now")
    visit = Visit.objects.create(
        client=client,
        episode=open_episode_of(client),
        worker=by,
        worker_username=by.get_username(),
        planned_at=now,
        place=place.strip(),
        escort=escort,
        called_ahead=called_ahead,
        risk_note=risk_note.strip(),
        checked_in_at=now,
        expected_back_at=expected_back_at,
    )
    _audit(client.pk, by, request, what="visit_check_in", visit=visit.pk)
    return visit


class Seen:
    """What the check-out adds to the contact log."""

    YES = "yes"  # saw the client: a home visit or face-to-face contact, reached
    NO = "no"  # they were not there: an attempt that did not reach them
    NOT_LOGGED = "none"  # nothing (the contact is recorded some other way)


@transaction.atomic
def check_out(
    visit: Visit,
    *,
    by: User,
    seen: str,
    outcome_note: str,
    request: HttpRequest | None = None,
) -> Visit:
    """The worker is back safe. The visit may add a contact (or an attempt) to the log."""
    visit = Visit.objects.select_for_update().select_related("client").get(pk=visit.pk)
    if visit.checked_out_at is not None:
        raise Refused("This visit has already been checked out")
    now = timezone.now()
    visit.checked_out_at = now
    visit.checked_out_by = by
    visit.outcome_note = outcome_note.strip()
    if seen in (Seen.YES, Seen.NO):
        started = visit.checked_in_at or now
        minutes = int((now - started).total_seconds() // 60)
        contact = Contact.objects.create(
            client=visit.client,
            episode=visit.episode,
            at=started,
            channel=Channel.HOME_VISIT if visit.at_home else Channel.FACE_TO_FACE,
            reached=seen == Seen.YES,
            duration_minutes=min(max(minutes, 1), 600) if seen == Seen.YES else None,
            by=visit.worker or by,
            by_username=visit.worker_username or by.get_username(),
            note=visit.outcome_note or ("Visit" if seen == Seen.YES else "Visit: not there"),
        )
        visit.contact = contact
    visit.save()
    _audit(visit.client_id, by, request, what="visit_check_out", visit=visit.pk)
    return visit
