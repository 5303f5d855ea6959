"""The correction pages of any kind of entry: its history, amend, mark entered in error, and
(the lead) move to another client's record. Thin: the client is opened through
``record_views`` (scoped to the user's service and audited), the entry is found on that client
only (another client's entry is a 404), and the writes go through ``services``."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from hiu.web.accounts.permissions import AuthenticatedHttpRequest, role_required
from hiu.web.clients.models import Client
from hiu.web.clients.record import client_to_read
from hiu.web.corrections.entries import Correctable
from hiu.web.corrections.forms import MoveForm, ReasonForm, amend_form
from hiu.web.corrections.presenters import CORRECTING_ROLES, MOVING_ROLES, entry_page
from hiu.web.corrections.registry import EntryKind, kind_named
from hiu.web.corrections.services import amend, mark_in_error, move
from hiu.web.record_views import bind, open_record, record_form, record_page
from hiu.web.refused import Refused


def _entry_of(client: Client, kind: EntryKind, entry_id: int) -> Correctable:
    """The entry, on this client's record only, whether or not it is marked in error. A kind
    on no client's record (a team meeting) is corrected from its own page: a 404 here."""
    if not kind.client_field:
        raise Http404
    # Every correctable kind hangs from a client (the stubs cannot see it on the mixin).
    on_client = kind.model.all_with_errors.filter(**{kind.client_field: client})
    found: Correctable = get_object_or_404(on_client, pk=entry_id)
    return found


def _to_entry(client_id: int, kind: EntryKind, entry_id: int) -> HttpResponse:
    return redirect("corrections:entry", client_id=client_id, kind=kind.slug, entry_id=entry_id)


def _entry_form_page(
    request: AuthenticatedHttpRequest, found: Client, page: str, what: EntryKind, item: Correctable
) -> Callable[[forms.Form], HttpResponse]:
    """The record page of a correction's form (``page`` is also its template's name, after
    ``entry_``), for ``record_form``'s ``show``."""
    template = f"corrections/{page.removeprefix('entry_')}.jinja"

    def show(form: forms.Form) -> HttpResponse:
        return record_page(
            request,
            found,
            page,
            template,
            client_id=found.pk,
            form=form,
            kind=what,
            entry=item,
            title=what.describe(item),
        )

    return show


@role_required(*CORRECTING_ROLES)
def entry(
    request: AuthenticatedHttpRequest, client_id: int, kind: str, entry_id: int
) -> HttpResponse:
    what = kind_named(kind)
    found = client_to_read(request, client_id, page="entry_history")
    item = _entry_of(found, what, entry_id)
    return record_page(
        request,
        found,
        "entry_history",
        "corrections/entry.jinja",
        client_id=found.pk,
        page=entry_page(what, item, request.user),
    )


@role_required(*CORRECTING_ROLES)
def amend_view(
    request: AuthenticatedHttpRequest, client_id: int, kind: str, entry_id: int
) -> HttpResponse:
    what = kind_named(kind)
    found = open_record(request, client_id, "entry_amend")
    item = _entry_of(found, what, entry_id)
    if item.in_error or not what.fields:
        return _to_entry(found.pk, what, item.pk)

    def save(form: forms.Form) -> None:
        amend(
            what,
            item,
            what.values(form.cleaned_data),
            reason=form.cleaned_data["reason"],
            by=request.user,
            request=request,
        )

    return record_form(
        request,
        bind(request, amend_form(what.form), lambda: what.initial(item)),
        save=save,
        saved=f"The {what.label} is amended: its history keeps what it said before",
        then=_to_entry(found.pk, what, item.pk),
        show=_entry_form_page(request, found, "entry_amend", what, item),
    )


@role_required(*CORRECTING_ROLES)
def in_error_view(
    request: AuthenticatedHttpRequest, client_id: int, kind: str, entry_id: int
) -> HttpResponse:
    what = kind_named(kind)
    found = open_record(request, client_id, "entry_in_error")
    item = _entry_of(found, what, entry_id)
    if item.in_error:
        return _to_entry(found.pk, what, item.pk)

    def save(form: ReasonForm) -> None:
        mark_in_error(
            what, item, reason=form.cleaned_data["reason"], by=request.user, request=request
        )

    return record_form(
        request,
        bind(request, ReasonForm),
        save=save,
        saved=f"The {what.label} is marked entered in error",
        then=redirect(what.listed_at(item)),
        show=_entry_form_page(request, found, "entry_in_error", what, item),
    )


@role_required(*MOVING_ROLES)
def move_view(
    request: AuthenticatedHttpRequest, client_id: int, kind: str, entry_id: int
) -> HttpResponse:
    what = kind_named(kind)
    found = open_record(request, client_id, "entry_move")
    item = _entry_of(found, what, entry_id)
    if item.in_error or not what.movable:
        return _to_entry(found.pk, what, item.pk)
    # Back to the wrong client's list once the entry has left it.
    back = what.listed_at(item)

    def save(form: MoveForm) -> None:
        # Only a client of the user's own service can be found: any other NHS number reads as
        # not found, so the form reveals nothing about other services' clients.
        right = (
            Client.objects.visible_to(request.user)
            .filter(nhs_number=form.cleaned_data["nhs_number"])
            .first()
        )
        if right is None:
            raise Refused("No client of your service has this NHS number", "nhs_number")
        move(
            what, item, right, reason=form.cleaned_data["reason"], by=request.user, request=request
        )

    return record_form(
        request,
        bind(request, MoveForm),
        save=save,
        saved=f"The {what.label} is moved to the other client's record. This record keeps a "
        "line saying it was moved, naming no one",
        then=redirect(back),
        show=_entry_form_page(request, found, "entry_move", what, item),
    )
