"""Corrections in the demo caseload (ADR 0019): a few contacts amended and one recorded twice
marked entered in error, through the same services the pages use, so the history and the
"Show contacts and attempts marked in error" link have something to show."""

from __future__ import annotations

from hiu.web.accounts.models import Service
from hiu.web.clients.models import Client
from hiu.web.contacts.models import Contact
from hiu.web.corrections.models import Correction
from hiu.web.corrections.registry import kind_named
from hiu.web.corrections.services import amend, mark_in_error
from hiu.web.demo.factories import make_contact
from hiu.web.demo.service import DemoTeam

#: How many clients get an amended contact and a contact marked in error.
CORRECTED_CLIENTS = 3


def add_corrections(service: Service, team: DemoTeam) -> int:
    """Amend and mark in error on the first few clients with reached contacts; returns how
    many corrections were made (none when the demo already has some)."""
    if Correction.objects.filter(client__service=service).exists():
        return 0
    kind = kind_named("contact")
    made = 0
    clients = (
        Client.objects.filter(service=service, contacts__reached=True)
        .distinct()
        .order_by("nhs_number")[:CORRECTED_CLIENTS]
    )
    for client in clients:
        contact = (
            Contact.objects.filter(client=client, reached=True, duration_minutes__isnull=False)
            .order_by("at", "id")
            .first()
        )
        if contact is None or contact.duration_minutes is None:
            continue
        by = contact.by or team.lead
        amend(
            kind,
            contact,
            {"duration_minutes": contact.duration_minutes + 30},
            reason="The call went on after the note was written; the duration was too short",
            by=by,
        )
        twice = make_contact(
            client,
            episode=contact.episode,
            at=contact.at,
            channel=contact.channel,
            reached=True,
            duration_minutes=contact.duration_minutes,
            by=contact.by,
            note=contact.note,
        )
        mark_in_error(kind, twice, reason="Recorded twice: the same call saved again", by=by)
        made += 2
    return made
