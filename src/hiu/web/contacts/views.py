"""Contact log, letters, letter templates and lone-working visits. Thin: records are opened
through ``clients.record`` (scoped and audited), writes go through ``services`` and
``letters``, display comes from ``presenters``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from hiu.web.accounts.models import Service
from hiu.web.accounts.permissions import AuthenticatedHttpRequest, role_required, service_of
from hiu.web.accounts.roles import Role, has_role
from hiu.web.audit.models import Action
from hiu.web.audit.service import record
from hiu.web.clients.models import Client
from hiu.web.clients.record import client_to_change, client_to_read, record_header
from hiu.web.contacts.attempts import run_for
from hiu.web.contacts.forms import (
    NO_CONTACT,
    CheckInForm,
    CheckOutForm,
    ContactForm,
    MakeLetterForm,
    ServiceContactForm,
    TemplateForm,
)
from hiu.web.contacts.letters import (
    SERVICE_CONTACT_FIELDS,
    LetterRefused,
    TemplateRefused,
    addressee,
    make_letter,
    make_no_contact_letters,
    save_service_contact,
    save_template,
    template_for,
    templates_of,
)
from hiu.web.contacts.models import LetterKind, Visit
from hiu.web.contacts.presenters import TEMPLATE_ROLES, VISITING_ROLES, contact_log, visits_page
from hiu.web.contacts.querysets import letters_visible_to, visits_visible_to
from hiu.web.contacts.services import Seen, check_in, check_out, record_contact
from hiu.web.contacts.wording import PLACEHOLDERS
from hiu.web.diary.services import (
    booking_to_check_in,
    check_in_initial,
    link_visit,
    visit_checked_out,
)
from hiu.web.record_views import bind, open_record, record_form, record_page
from hiu.web.refused import Refused

CASEWORK = (Role.SERVICE_LEAD, Role.CASE_MANAGER, Role.DATA_COORDINATOR)
#: What a check-out tells a booked visit: saw the client, or they were not there.
SAW_THEM = {Seen.YES: True, Seen.NO: False}


@role_required(*CASEWORK)
def client(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    found = client_to_read(request, client_id, page="contacts")
    return _log_page(request, found)


def _log_page(
    request: AuthenticatedHttpRequest, found: Client, problem: str | None = None
) -> HttpResponse:
    context = {
        "header": record_header(request, found, "contacts"),
        "log": contact_log(
            found, request.user, show_in_error=request.GET.get("in_error") == "show"
        ),
        "problem": problem,
    }
    return render(request, "contacts/client.jinja", context)


@role_required(*CASEWORK)
def new(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    found = open_record(request, client_id, "new_contact")

    def save(form: ContactForm) -> bool:
        data = form.cleaned_data
        reached: bool = data["reached"] == "yes"
        record_contact(
            found,
            by=request.user,
            at=data["at"],
            channel=data["channel"],
            reached=reached,
            duration_minutes=data["duration"],
            note=data["note"],
            request=request,
        )
        return reached

    return record_form(
        request,
        bind(request, ContactForm, ContactForm.initial_now),
        save=save,
        saved=lambda reached: f"The {'contact' if reached else 'attempt'} is recorded",
        then=redirect("contacts:client", client_id=found.pk),
        show=lambda form: record_page(
            request,
            found,
            "new_contact",
            "contacts/new.jinja",
            client_id=found.pk,
            form=form,
            run=run_for(found),
        ),
        fallback="at_time",
    )


@require_POST
@role_required(*CASEWORK)
def make(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    found = client_to_change(request, client_id)
    form = MakeLetterForm(request.POST)
    if not form.is_valid():
        return _log_page(request, found, problem="Select which letter to make")
    kind = form.cleaned_data["kind"]
    if kind == NO_CONTACT:
        letters, refused = make_no_contact_letters(found, by=request.user, request=request)
        recipients = " and ".join(
            "the GP" if letter.recipient == "gp" else found.given_name for letter in letters
        )
        made = "Letters" if len(letters) > 1 else "A letter"
        text = f"{made} made for {recipients}: open each one below to print it."
        if refused:
            text += f" No letter was made for the GP: {refused[0]}."
        messages.success(request, text)
        return redirect("contacts:client", client_id=found.pk)
    try:
        letter = make_letter(found, kind, by=request.user, request=request)
    except LetterRefused as error:
        return _log_page(request, found, problem=str(error))
    messages.success(request, "The letter is made: print it from this page")
    return redirect("contacts:letter", letter_id=letter.pk)


@role_required(*CASEWORK)
def letter(request: AuthenticatedHttpRequest, letter_id: int) -> HttpResponse:
    # Another service's letter is a 404: its existence is not disclosed.
    found = get_object_or_404(
        letters_visible_to(request.user).select_related("client__service"), pk=letter_id
    )
    record(
        Action.DOWNLOAD_LETTER,
        request=request,
        object_type="client",
        object_id=found.client_id,
        detail={"letter": found.pk},
    )
    context = {
        "letter": found,
        "client": found.client,
        "service": found.client.service,
        "to": addressee(found.client, found.recipient),
    }
    return render(request, "contacts/letter.jinja", context)


def _own_service(request: AuthenticatedHttpRequest) -> Service:
    service = service_of(request)
    if service is None:
        raise PermissionDenied
    return service


@role_required(*TEMPLATE_ROLES)
def templates(request: AuthenticatedHttpRequest) -> HttpResponse:
    service = _own_service(request)
    context = {
        "service": service,
        "templates": templates_of(service),
        "can_change_contact": has_role(request.user, Role.SERVICE_LEAD),
    }
    return render(request, "contacts/templates.jinja", context)


@role_required(*TEMPLATE_ROLES)
def template(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    service = _own_service(request)
    if kind not in LetterKind.values:
        raise Http404
    current = template_for(service, kind)
    if request.method != "POST":
        form = TemplateForm(initial={"title": current.title, "body": current.body})
    else:
        form = TemplateForm(request.POST)
        if form.is_valid():
            try:
                save_template(
                    service,
                    kind,
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                    by=request.user,
                    request=request,
                )
            except TemplateRefused as error:
                for field, message in error.problems.items():
                    form.add_error(field, message)
            else:
                messages.success(request, f"The letter {LetterKind(kind).label.lower()} is saved")
                return redirect("contacts:templates")
    context = {
        "service": service,
        "template": current,
        "form": form,
        "placeholders": PLACEHOLDERS,
    }
    return render(request, "contacts/template.jinja", context)


@role_required(*VISITING_ROLES)
def visits(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "contacts/visits.jinja", {"page": visits_page(request.user)})


@role_required(*VISITING_ROLES)
def check_in_view(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    found = open_record(request, client_id, "visit_check_in")
    # From a booked home visit in the diary (``?booking=``): the form starts from the booking,
    # and the visit is kept on it, so checking out closes the booking.
    booking = booking_to_check_in(request.user, found, request.GET.get("booking"))

    def save(form: CheckInForm) -> None:
        data = form.cleaned_data
        visit = check_in(
            found,
            by=request.user,
            place=data["place_text"],
            expected_back_at=data["expected_back_at"],
            escort=data["escort"] == "yes",
            risk_note=data["risk_note"],
            called_ahead=data["called_ahead"],
            request=request,
        )
        if booking is not None:
            link_visit(booking, visit)

    return record_form(
        request,
        bind(request, CheckInForm, lambda: check_in_initial(booking)),
        save=save,
        saved="You are checked in. Check out here as soon as you are back safely",
        then=redirect("contacts:visits"),
        show=lambda form: record_page(
            request,
            found,
            "visit_check_in",
            "contacts/check_in.jinja",
            client_id=found.pk,
            form=form,
            booking=booking,
        ),
        fallback="back_time",
    )


def _visit_to_close(request: AuthenticatedHttpRequest, visit_id: int) -> Visit:
    """A visit of the user's own (or, for the lead, any in the service); others are a 404."""
    visits_seen = visits_visible_to(request.user)
    if not has_role(request.user, Role.SERVICE_LEAD):
        visits_seen = visits_seen.filter(worker=request.user)
    return get_object_or_404(visits_seen.select_related("client__service"), pk=visit_id)


@role_required(*VISITING_ROLES)
def check_out_view(request: AuthenticatedHttpRequest, visit_id: int) -> HttpResponse:
    visit = _visit_to_close(request, visit_id)
    if visit.checked_out_at is not None:
        messages.success(request, "This visit is already checked out")
        return redirect("contacts:visits")
    form = CheckOutForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            check_out(
                visit,
                by=request.user,
                seen=form.cleaned_data["seen"],
                outcome_note=form.cleaned_data["outcome_note"],
                request=request,
            )
        except Refused as error:
            messages.success(request, str(error))
        else:
            visit_checked_out(
                visit, saw_them=SAW_THEM.get(form.cleaned_data["seen"]), by=request.user
            )
            messages.success(request, "You are checked out. Thank you")
        return redirect("contacts:visits")
    context = {
        "header": record_header(request, visit.client, "visit_check_out"),
        "visit": visit,
        "form": form,
    }
    return render(request, "contacts/check_out.jinja", context)


@role_required(Role.SERVICE_LEAD)
def service_contact(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The service's own address and phone number, printed on every letter."""
    service = _own_service(request)
    if request.method == "POST":
        form = ServiceContactForm(request.POST)
        if form.is_valid():
            try:
                save_service_contact(service, form.values(), by=request.user, request=request)
            except Refused as refusal:
                refusal.put_on(form, None)
            else:
                messages.success(request, "The service's contact details are saved")
                return redirect("contacts:templates")
    else:
        form = ServiceContactForm(
            initial={name: getattr(service, name) for name in SERVICE_CONTACT_FIELDS}
        )
    return render(request, "contacts/service_contact.jinja", {"service": service, "form": form})
