"""The registry of correctable kinds of entry: what the generic correction pages need to know
about each (ADR 0019). Kinds are declared in ``hiu.web.corrections.kinds``; nothing else about
a correction differs from one kind to another.

``shown`` turns a field's value into the text the history keeps ("Phone call", "Yes",
"3 December 2026 14:30"): the history records what people saw, not database codes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.http import Http404

from hiu.web.clients.models import Client
from hiu.web.corrections.entries import Correctable
from hiu.web.corrections.forms import NothingToAmendForm
from hiu.web.formatting import format_date, format_datetime


def _nothing(_: Any) -> dict[str, Any]:
    return {}


@dataclass(frozen=True, kw_only=True)
class EntryKind:
    slug: str  # in URLs and in Correction.kind
    label: str  # "contact or attempt", in sentences
    model: type[Correctable]
    listed_at: Callable[[Any], str]  # entry -> the URL of the page that lists it
    describe: Callable[[Any], str]  # a short line naming the entry, for headings
    # The amend form (the reason is added to it) and the fields it changes, with their labels.
    # A kind that gives none is kept as made (a letter): it is corrected only by marking an
    # entry entered in error, or by moving it.
    form: type[forms.Form] = NothingToAmendForm
    fields: Mapping[str, str] = field(default_factory=dict)
    # The amend form's fields, drawn with the form macros.
    fields_template: str = ""
    initial: Callable[[Any], dict[str, Any]] = _nothing  # entry -> the form's initial values
    values: Callable[[dict[str, Any]], dict[str, Any]] = _nothing  # cleaned form -> fields
    # Extra rules for an amendment (raise ``Refused``), and what a move re-attaches.
    check: Callable[[Any, dict[str, Any]], None] | None = None
    moved: Callable[[Any, Client], None] | None = None
    form_kwargs: Mapping[str, Any] = field(default_factory=dict)
    # How the entry reaches its client ("client", or "intervention__client" for a session;
    # "" for an entry of the service's, on no one client's record: a team meeting), and
    # whether it can be moved to another client's record (a session moves with its
    # intervention, not on its own).
    client_field: str = "client"
    movable: bool = True
    # The audit action (``hiu.web.audit.models.Action`` value) and object type written for a
    # correction of an entry on no client's record: a declined screening decision, a meeting.
    unattached_audit: tuple[str, str] = ("screen_person", "")
    # What else marking an entry in error changes on it (the fields it set, to be saved).
    in_error_also: Callable[[Any], list[str]] | None = None
    # How a field whose value is not a plain one is shown (a list of codes, say).
    shown_as: Mapping[str, Callable[[Any], str]] = field(default_factory=dict)

    def text(self, entry: Correctable, name: str) -> str:
        """The value of ``entry.name`` as a page shows it."""
        if name in self.shown_as:
            return self.shown_as[name](getattr(entry, name))
        return shown(entry, name)

    def client_of(self, entry: Any) -> Client | None:
        """The entry's client; None for an entry with no client record (a declined
        screening decision, a team meeting)."""
        if not self.client_field:
            return None
        found: Any = entry
        for step in self.client_field.split("__"):
            found = getattr(found, step)
            if found is None:
                return None
        client: Client = found
        return client


_KINDS: dict[str, EntryKind] = {}


def register(kind: EntryKind) -> EntryKind:
    if kind.slug in _KINDS:
        raise ValueError(f"The kind {kind.slug} is registered twice")
    _KINDS[kind.slug] = kind
    return kind


def kind_named(slug: str) -> EntryKind:
    """The registered kind, or a 404 for a slug that names none."""
    from hiu.web.corrections import kinds  # noqa: F401 - the declarations register themselves

    try:
        return _KINDS[slug]
    except KeyError:
        raise Http404 from None


def all_kinds() -> list[EntryKind]:
    from hiu.web.corrections import kinds  # noqa: F401 - the declarations register themselves

    return list(_KINDS.values())


def shown(entry: Correctable, name: str) -> str:
    """The value of ``entry.name`` as a page shows it."""
    model_field = entry._meta.get_field(name)
    value = getattr(entry, name)
    if value is None or value == "":
        return "Not recorded"
    choices = getattr(model_field, "choices", None)
    if choices:
        return str(dict(choices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime):
        return format_datetime(value)
    if isinstance(value, dt.date):
        return format_date(value)
    return str(value)
