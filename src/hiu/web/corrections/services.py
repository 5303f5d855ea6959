"""Corrections to a client's record: amend, mark entered in error, move (ADR 0019).

Each one keeps what the entry was in a ``Correction`` row, and writes an audit event on the
client's record holding the kind of entry, its id and what was done: never the values nor the
reason's text (the audit log is shown to IG leads; the record's history is the place for them).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from hiu.web.accounts.roles import Role, has_role
from hiu.web.audit.models import Action
from hiu.web.audit.service import record
from hiu.web.clients.models import Client
from hiu.web.corrections.entries import Correctable
from hiu.web.corrections.models import Correction, CorrectionAction
from hiu.web.corrections.registry import EntryKind
from hiu.web.formatting import display_name
from hiu.web.refused import Refused


def name_of(user: User) -> str:
    return display_name(user)


def _reason(reason: str) -> str:
    text = reason.strip()
    if not text:
        raise Refused("Enter why you are making this correction", "reason")
    return text


def _audit(
    client_id: int | None, action: str, kind: EntryKind, entry: Correctable, by: User, request: Any
) -> None:
    detail = {"correction": action, "kind": kind.slug, "entry": entry.pk}
    if client_id is None:
        # No client record (a declined screening decision, a team meeting): the screening or
        # the meeting is what changed.
        action_value, object_type = kind.unattached_audit
        record(
            Action(action_value),
            request=request,
            actor=by,
            object_type=object_type or kind.slug,
            object_id=entry.pk,
            detail=detail,
        )
        return
    record(
        Action.UPDATE_CLIENT,
        request=request,
        actor=by,
        object_type="client",
        object_id=client_id,
        detail=detail,
    )


def _write(
    client: Client | None,
    kind: EntryKind,
    entry: Correctable,
    action: CorrectionAction,
    *,
    reason: str,
    by: User,
    request: HttpRequest | None,
    changes: list[dict[str, str]] | None = None,
) -> Correction:
    correction = Correction.objects.create(
        client=client,
        kind=kind.slug,
        entry_id=entry.pk,
        action=action,
        changes=changes or [],
        reason=reason,
        by=by,
        by_name=name_of(by),
        at=timezone.now(),
    )
    _audit(client.pk if client is not None else None, action, kind, entry, by, request)
    return correction


def _standing(entry: Correctable) -> None:
    if entry.in_error:
        raise Refused("This entry is marked entered in error: it cannot be changed")


@transaction.atomic
def amend(
    kind: EntryKind,
    entry: Correctable,
    values: dict[str, Any],
    *,
    reason: str,
    by: User,
    request: HttpRequest | None = None,
) -> Correction:
    """Change the entry's fields to ``values``, keeping each changed field's old and new value
    (as shown) in its history."""
    _standing(entry)
    why = _reason(reason)
    if kind.check is not None:
        kind.check(entry, values)
    changes = []
    for name, label in kind.fields.items():
        if name not in values:
            continue
        old = kind.text(entry, name)
        before = getattr(entry, name)
        setattr(entry, name, values[name])
        new = kind.text(entry, name)
        if new == old:
            # The same as shown (a time the form reads to the minute, say): left as it was,
            # so the history never says something changed into itself.
            setattr(entry, name, before)
        else:
            changes.append({"field": label, "old": old, "new": new})
    if not changes:
        raise Refused("Nothing has changed: change an answer, or go back to leave it as it was")
    entry.save(update_fields=[name for name in kind.fields if name in values])
    return _write(
        kind.client_of(entry),
        kind,
        entry,
        CorrectionAction.AMENDED,
        reason=why,
        by=by,
        request=request,
        changes=changes,
    )


@transaction.atomic
def mark_in_error(
    kind: EntryKind,
    entry: Correctable,
    *,
    reason: str,
    by: User,
    request: HttpRequest | None = None,
) -> Correction:
    """Mark the entry entered in error: it stays in the record's history but leaves its lists
    and every figure built from them."""
    _standing(entry)
    why = _reason(reason)
    entry.entered_in_error_at = timezone.now()
    entry.entered_in_error_by = by
    entry.entered_in_error_reason = why
    also = kind.in_error_also(entry) if kind.in_error_also is not None else []
    entry.save(
        update_fields=[
            "entered_in_error_at",
            "entered_in_error_by",
            "entered_in_error_reason",
            *also,
        ]
    )
    return _write(
        kind.client_of(entry),
        kind,
        entry,
        CorrectionAction.ENTERED_IN_ERROR,
        reason=why,
        by=by,
        request=request,
    )


@transaction.atomic
def move(
    kind: EntryKind,
    entry: Correctable,
    to: Client,
    *,
    reason: str,
    by: User,
    request: HttpRequest | None = None,
) -> tuple[Correction, Correction]:
    """Move an entry filed on the wrong client to the right one, in the same service. Both
    records get a line in their history; the one left names no other client."""
    if not kind.movable:
        raise Refused(f"A {kind.label} cannot be moved on its own")
    if not has_role(by, Role.SERVICE_LEAD):
        raise Refused("Only the service lead can move an entry to another client's record")
    _standing(entry)
    why = _reason(reason)
    wrong = kind.client_of(entry)
    if wrong is None:
        raise Refused(f"This {kind.label} is on no client's record: it cannot be moved")
    if to.pk == wrong.pk:
        raise Refused(
            "The entry is already on this client's record: enter the other client's NHS number",
            "nhs_number",
        )
    if to.service_id != wrong.service_id:
        raise Refused("No client of your service has this NHS number", "nhs_number")
    entry.client = to  # type: ignore[attr-defined]
    if kind.moved is not None:
        kind.moved(entry, to)
    entry.save()
    # The entry's earlier corrections hold its values: they follow it, so the wrong client's
    # record (and a subject access request of theirs) keeps nothing of the right client's.
    Correction.objects.filter(kind=kind.slug, entry_id=entry.pk, client=wrong).exclude(
        action=CorrectionAction.MOVED_OUT
    ).update(client=to)
    out = _write(wrong, kind, entry, CorrectionAction.MOVED_OUT, reason=why, by=by, request=request)
    into = _write(to, kind, entry, CorrectionAction.MOVED_IN, reason=why, by=by, request=request)
    return out, into


def history_of(kind: EntryKind, entry: Correctable) -> list[Correction]:
    """The entry's corrections, newest first. A move's line on the record it left is not part
    of the entry's history as seen from its new record (it says the same as the line there)."""
    return list(
        Correction.objects.filter(kind=kind.slug, entry_id=entry.pk)
        .exclude(action=CorrectionAction.MOVED_OUT)
        .order_by("-at", "-id")
    )


def moved_out_of(client: Client, kind: str | None = None) -> list[Correction]:
    """The lines saying an entry of ``kind`` left this record for another (naming no one)."""
    found = Correction.objects.filter(client=client, action=CorrectionAction.MOVED_OUT)
    if kind is not None:
        found = found.filter(kind=kind)
    return list(found.order_by("-at", "-id"))
