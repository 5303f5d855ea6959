"""What the correction pages show, shaped for the templates."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import User

from hiu.web.accounts.roles import Role, has_role
from hiu.web.corrections.entries import Correctable
from hiu.web.corrections.models import Correction
from hiu.web.corrections.registry import EntryKind
from hiu.web.corrections.services import history_of

#: Roles that correct entries (amend, mark entered in error) on their service's records.
CORRECTING_ROLES = (Role.SERVICE_LEAD, Role.CASE_MANAGER, Role.DATA_COORDINATOR)
#: Moving an entry to another client's record is the lead's (an IG decision).
MOVING_ROLES = (Role.SERVICE_LEAD,)


@dataclass(frozen=True)
class FieldRow:
    label: str
    value: str


@dataclass(frozen=True)
class EntryPage:
    kind: EntryKind
    entry: Correctable
    title: str
    fields: list[FieldRow]
    history: list[Correction]
    may_move: bool
    back: str  # the page that lists the entry


def entry_page(kind: EntryKind, entry: Correctable, user: User) -> EntryPage:
    return EntryPage(
        kind=kind,
        entry=entry,
        title=kind.describe(entry),
        fields=[FieldRow(label, kind.text(entry, name)) for name, label in kind.fields.items()],
        history=history_of(kind, entry),
        may_move=kind.movable and has_role(user, *MOVING_ROLES) and not entry.in_error,
        back=kind.listed_at(entry),
    )


def corrected_ids(kind: str, entries: Iterable[Correctable]) -> set[int]:
    """The ids of those ``entries`` of ``kind`` that have a history of corrections."""
    ids = [entry.pk for entry in entries]
    return set(
        Correction.objects.filter(kind=kind, entry_id__in=ids).values_list("entry_id", flat=True)
    )
