"""The form pages of a client's record, the one way: an audited read, then POST, redirect, GET.

Every casework app's form page does the same four things, and does them here:

- ``open_record`` opens the client in the user's own service (another's is a 404). On a GET it
  writes that the record was viewed; on a POST it does not, since the service writes the change
  (and the frame writes the view if the form comes back with its errors).
- ``bind`` makes the form: bound to what was sent on a POST, else filled with ``initial``.
- ``record_form`` saves a valid form through the service. A ``Refused`` goes onto the form
  (its field, or ``fallback``) and the page is shown again; a save is reported with a success
  message and a redirect.
- ``record_page`` renders a page of the record inside its frame (``record_header``), whose
  drawing writes the view: no page of the record is shown unaudited.

Who may use a page stays declared on each view (``role_required``); nothing here decides it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render

from hiu.web.accounts.permissions import AuthenticatedHttpRequest
from hiu.web.clients.models import Client
from hiu.web.clients.record import client_to_change, client_to_read, record_header
from hiu.web.refused import Refused

F = TypeVar("F", bound=forms.BaseForm)
R = TypeVar("R")


def is_sent(request: AuthenticatedHttpRequest) -> bool:
    return request.method == "POST"


def open_record(request: AuthenticatedHttpRequest, client_id: int, page: str) -> Client:
    """The client of a form page: read (and audited as ``page``) on a GET, opened to be changed
    on a POST."""
    if is_sent(request):
        return client_to_change(request, client_id)
    return client_to_read(request, client_id, page=page)


def bind(
    request: AuthenticatedHttpRequest,
    form_class: Callable[..., F],
    initial: Callable[[], Mapping[str, Any]] | None = None,
    **kwargs: Any,
) -> F:
    """The form: bound to the POST, or else unbound with ``initial()`` (only asked on a GET)."""
    if is_sent(request):
        return form_class(request.POST, **kwargs)
    return form_class(initial=dict(initial()) if initial is not None else None, **kwargs)


def record_form(
    request: AuthenticatedHttpRequest,
    form: F,
    *,
    save: Callable[[F], R],
    saved: str | Callable[[R], str],
    then: HttpResponse | Callable[[R], HttpResponse],
    show: Callable[[F], HttpResponse],
    fallback: str | None = None,
) -> HttpResponse:
    """Save a sent, valid ``form`` with ``save`` (the service call): on success the message
    ``saved`` and the redirect ``then``; on a ``Refused``, its message on the form (on its
    field, else on ``fallback``, else on the form as a whole). Otherwise ``show`` the page."""
    if form.is_bound and form.is_valid():
        try:
            result = save(form)
        except Refused as refusal:
            refusal.put_on(form, fallback)
        else:
            messages.success(request, saved(result) if callable(saved) else saved)
            return then(result) if callable(then) else then
    return show(form)


def record_page(
    request: AuthenticatedHttpRequest,
    client: Client,
    page: str,
    template: str,
    /,
    **context: Any,
) -> HttpResponse:
    """A page of the client's record, drawn in its frame: showing it writes that it was
    viewed (once a request)."""
    context["header"] = record_header(request, client, page)
    return render(request, template, context)
