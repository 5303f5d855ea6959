"""Recording a team meeting. The write happens here, in one transaction with its audit event
(RECORD_MEETING, naming the meeting and the ids of the clients discussed), so no view can
record a meeting unaudited. The rules are checked here as well as in the form: a meeting is
not dated in the future, and only the service's own clients with an open episode are
discussed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from hiu.web.accounts.models import Service
from hiu.web.audit.models import Action
from hiu.web.audit.service import record
from hiu.web.clients.models import Client
from hiu.web.meetings.models import Meeting, MeetingKind
from hiu.web.refused import Refused as Refused


def organisation_lines(text: str) -> str:
    """The organisations one a line, blank lines and repeats taken out, in the order typed."""
    seen: list[str] = []
    for line in text.splitlines():
        name = " ".join(line.split())
        if name and name.casefold() not in {s.casefold() for s in seen}:
            seen.append(name)
    return "\n".join(seen)


@transaction.atomic
def record_meeting(
    service: Service,
    *,
    by: User,
    held_on: dt.date,
    kind: MeetingKind | str,
    organisations: str,
    clients: Sequence[Client],
    request: HttpRequest | None = None,
) -> Meeting:
    if held_on > timezone.localdate():
        raise Refused("The date of the meeting must be today or in the past", "held_on")
    if kind not in MeetingKind.values:
        raise Refused("Select the kind of meeting", "kind")
    for client in clients:
        if client.service_id != service.pk:
            raise Refused("Select clients of your own service", "clients")
    open_ids = set(
        Client.objects.filter(pk__in=[c.pk for c in clients], service=service)
        .with_open_case()
        .values_list("pk", flat=True)
    )
    if any(client.pk not in open_ids for client in clients):
        raise Refused("Select clients with an open episode", "clients")
    meeting = Meeting.objects.create(
        service=service,
        held_on=held_on,
        kind=MeetingKind(kind),
        organisations=organisation_lines(organisations),
        recorded_by=by,
        recorded_by_username=by.get_username(),
    )
    meeting.clients.set(clients)
    record(
        Action.RECORD_MEETING,
        request=request,
        actor=by,
        object_type="meeting",
        object_id=meeting.pk,
        detail={"kind": meeting.kind, "clients": sorted(c.pk for c in clients)},
    )
    return meeting
