"""The audit log in words: "Sam Okafor viewed Linda Davies's record (consent)".

Events hold ids, never names (models.py); the words are put together when the log is read.
Who sees a client's name is the clients' queryset's rule (``named_in_audit_log_for``: the IG
lead, for their own service); anyone else reads "client record 1042".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.auth.models import User

from hiu.web.accounts.roles import AnyUser
from hiu.web.audit.models import Action, AuditEvent
from hiu.web.clients.models import Client
from hiu.web.formatting import display_name
from hiu.web.identification.models import IdentifiedPerson

#: What the record's type is called in a sentence, when its name is not shown.
RECORD_WORDS = {
    "client": "client record",
    "identified_person": "identified-list row",
    "identification_run": "identification run",
    "import_job": "import",
    "evaluation_run": "evaluation run",
    "report": "report",
    "meeting": "team meeting",
    "service": "service",
    "user": "user",
    "unit_cost_table": "unit cost table",
    "organisations": "organisation list",
}


@dataclass(frozen=True)
class Entry:
    event: AuditEvent
    who: str
    sentence: str
    record: str


def describe(events: Sequence[AuditEvent], viewer: AnyUser) -> list[Entry]:
    """Each event as a line of the log, in the order given (one query per kind of record)."""
    clients = _client_names(_ids(events, "client"), viewer)
    people = _list_names(_ids(events, "identified_person"), viewer)
    entries = []
    for event in events:
        who = _who(event)
        record = _record(event, clients, people)
        entries.append(Entry(event, who, _sentence(event, who, record), record))
    return entries


def _ids(events: Iterable[AuditEvent], object_type: str) -> set[int]:
    return {
        int(event.object_id)
        for event in events
        if event.object_type == object_type and event.object_id.isdigit()
    }


def _client_names(ids: set[int], viewer: AnyUser) -> dict[int, str]:
    named = Client.objects.named_in_audit_log_for(viewer).filter(pk__in=ids)
    return {client.pk: client.full_name for client in named}


def _list_names(ids: set[int], viewer: AnyUser) -> dict[int, str]:
    named = IdentifiedPerson.objects.named_in_audit_log_for(viewer).filter(pk__in=ids)
    return {
        person.pk: f"{person.given_name} {person.family_name}".strip() or f"row {person.pk}"
        for person in named
    }


def _who(event: AuditEvent) -> str:
    if isinstance(event.actor, User):
        return display_name(event.actor)
    if event.action == Action.SIGN_IN_FAILED:
        return f"Someone signing in as “{event.actor_username}”"
    return event.actor_username or "Someone unknown"


def _record(event: AuditEvent, clients: dict[int, str], people: dict[int, str]) -> str:
    if not event.object_id:
        return ""
    key = int(event.object_id) if event.object_id.isdigit() else None
    if event.object_type == "client" and key in clients:
        return f"{clients[key]} (record {key})"
    if event.object_type == "identified_person" and key in people:
        return f"{people[key]} (identified-list row {key})"
    words = RECORD_WORDS.get(event.object_type, event.object_type.replace("_", " "))
    return f"{words} {event.object_id}"


def _sentence(event: AuditEvent, who: str, record: str) -> str:
    if event.action == Action.VIEW_CLIENT:
        page = str(event.detail.get("page", "")).replace("_", " ")
        return f"{who} viewed {record}" + (f": {page}" if page else "")
    if event.action == Action.SIGN_IN_FAILED:
        return f"{who} failed to sign in"
    label = event.action_label
    if label.startswith("A "):  # "A risk answer raised a risk alert": the actor is beside it
        return f"{label} ({who})" + (f": {record}" if record else "")
    sentence = f"{who} {label[:1].lower()}{label[1:]}"
    return f"{sentence}: {record}" if record else sentence
