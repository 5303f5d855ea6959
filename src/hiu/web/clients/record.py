"""Opening a client record from a view: found in the user's own service or a 404, and every
read audited. Every page of the record (in any casework app) opens the client through here,
and draws its frame with ``record_header``, which writes the view too: a form sent back with its
errors shows the record as much as a page opened, so no page can show the frame unaudited.
A request writes one view event per client, however many of these it passes through.

A client outside the user's service is a 404, not a 403: its existence is not disclosed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.shortcuts import get_object_or_404

from hiu.web.accounts.permissions import AuthenticatedHttpRequest
from hiu.web.audit.service import record_client_view
from hiu.web.clients.models import Client
from hiu.web.clients.sections import CLIENT_PAGES, ClientPage
from hiu.web.episodes.phases import Phase
from hiu.web.plans.models import sharing_stopped_on
from hiu.web.risk.models import RiskAlert
from hiu.web.risk.querysets import open_alerts


def client_to_read(request: AuthenticatedHttpRequest, client_id: int, page: str) -> Client:
    """The client, for a page that shows their record; the view is written to the audit log."""
    client = get_object_or_404(
        Client.objects.visible_to(request.user).select_related("case_manager", "service"),
        pk=client_id,
    )
    audit_view(request, client.pk, page)
    return client


# The clients whose view this request has written, kept on the request itself.
_VIEWED = "_hiu_viewed_clients"


def audit_view(request: AuthenticatedHttpRequest, client_id: int, page: str) -> None:
    """Write that the client's record was viewed, once per request."""
    viewed: set[int] = getattr(request, _VIEWED, set())
    if client_id in viewed:
        return
    viewed.add(client_id)
    setattr(request, _VIEWED, viewed)
    record_client_view(request, client_id, page=page)


def client_to_change(request: AuthenticatedHttpRequest, client_id: int) -> Client:
    """The client, for a form that changes their record. Not audited here: the service that
    makes the change writes the audit event, with what changed."""
    return get_object_or_404(
        Client.objects.visible_to(request.user).select_related("case_manager", "service"),
        pk=client_id,
    )


@dataclass(frozen=True)
class RecordHeader:
    """What the top of every client page shows: who, which phase, the alert, the tabs."""

    client: Client
    phase: str  # the open episode's phase label, or "No open episode"
    pages: tuple[ClientPage, ...]
    # The day the client withdrew consent: nothing about them may be shared from then on.
    sharing_stopped_on: dt.date | None
    # Risk answers not yet reviewed (hiu.web.risk): a red banner on every page of the record.
    risk_alerts: tuple[RiskAlert, ...] = ()


def record_header(request: AuthenticatedHttpRequest, client: Client, page: str) -> RecordHeader:
    """The frame of a record page; showing it is a view of the record, so it is audited."""
    audit_view(request, client.pk, page)
    episode = client.episodes.exclude(phase=Phase.CLOSED).first()
    phase = episode.get_phase_display() if episode is not None else "No open episode"
    return RecordHeader(
        client=client,
        phase=phase,
        pages=CLIENT_PAGES,
        sharing_stopped_on=sharing_stopped_on(client),
        risk_alerts=tuple(open_alerts(client)),
    )
