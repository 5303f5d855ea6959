"""The audit log for IG leads and administrators: search it (by NHS number, person, action,
record and dates), read it in words, and export what a search finds."""

from __future__ import annotations

import csv
import io
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from hiu.spreadsheet_safety import escape_formula_text
from hiu.web.accounts.permissions import role_required
from hiu.web.accounts.roles import Role, has_role
from hiu.web.audit.models import Action
from hiu.web.audit.search import AuditSearch, AuditSearchForm
from hiu.web.audit.service import record
from hiu.web.audit.wording import describe

PAGE_SIZE = 50
#: An export holds at most this many entries, newest first; a narrower search gets the rest.
EXPORT_LIMIT = 100_000
EXPORT_COLUMNS = ("When", "Who", "What happened", "Action", "Record type", "Record", "From")


def _searched(request: HttpRequest) -> tuple[AuditSearchForm, AuditSearch | None]:
    """The search in the query string; ``None`` when a field is wrong (the page says which),
    so that a mistyped value never shows every entry instead. An NHS number in a query string
    is left out: it is searched for by POST only (search.py)."""
    query = request.GET.copy()
    query.pop("page", None)
    in_address = query.pop("nhs_number", [""])[0].strip()
    form = AuditSearchForm(query if query or in_address else None)
    if in_address:
        form.is_valid()
        form.add_error("nhs_number", "Enter the NHS number in the form and press Search")
    if form.is_bound and not form.is_valid():
        return form, None
    return form, form.search() if form.is_bound else AuditSearch()


@role_required(Role.IG_LEAD, Role.ADMINISTRATOR)
def log(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _search(request)
    form, search = _searched(request)
    if search is None:
        return render(request, "audit/log.jinja", _context(request, form))
    page = Paginator(search.events(), PAGE_SIZE).get_page(request.GET.get("page"))
    context = _context(
        request,
        form,
        page=page,
        entries=describe(list(page.object_list), request.user),
        query=search.as_query(),
        searched=search.any,
        person=search.person,
    )
    return render(request, "audit/log.jinja", context)


def _search(request: HttpRequest) -> HttpResponse:
    """The search form sent: the page of its results, by GET, with any NHS number replaced by
    the records it matched (post, redirect, get)."""
    form = AuditSearchForm(request.POST)
    if not form.is_valid():
        return render(request, "audit/log.jinja", _context(request, form))
    search = form.search()
    if form.cleaned_data.get("nhs_number"):
        # Looking a person up by NHS number is itself recorded (the number is not).
        record(Action.SEARCH_AUDIT_LOG, request=request, detail=search.as_detail())
    query = search.as_query()
    return redirect(f"{reverse('audit:log')}?{urlencode(query)}" if query else "audit:log")


def _context(request: HttpRequest, form: AuditSearchForm, **found: object) -> dict[str, object]:
    """The page's context; with no ``page`` when the search has a mistake to correct."""
    return {
        "form": form,
        "page": None,
        "entries": [],
        "person": None,
        "shows_names": has_role(request.user, Role.IG_LEAD),
        **found,
    }


@role_required(Role.IG_LEAD, Role.ADMINISTRATOR)
def export(request: HttpRequest) -> HttpResponse:
    form, search = _searched(request)
    if search is None:
        return render(request, "audit/log.jinja", _context(request, form), status=400)
    events = list(search.events()[:EXPORT_LIMIT])
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    for entry in describe(events, request.user):
        event = entry.event
        row = (
            timezone.localtime(event.at).isoformat(timespec="seconds"),
            entry.who,
            entry.sentence,
            event.action,
            event.object_type,
            entry.record,
            event.ip_address or "",
        )
        # Usernames typed at the sign-in page and names from the record are outside text.
        writer.writerow([escape_formula_text(str(cell)) for cell in row])
    record(
        Action.EXPORT_AUDIT_LOG,
        request=request,
        detail={**search.as_detail(), "rows": len(events)},
    )
    response = HttpResponse(out.getvalue().encode("utf-8-sig"), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    response["Cache-Control"] = "no-store"
    return response
