"""Letters: each service's templates, and making a letter for a client.

``make_letter`` is the one way any app makes a letter (contacts after the attempts, plans at
step-down, screening on acceptance). It refuses a letter to a GP or any organisation once the
client has withdrawn consent (``sharing_stopped_on``): a letter to the client themselves is
still allowed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from hiu.web.accounts.models import Service
from hiu.web.audit.models import Action
from hiu.web.audit.service import record
from hiu.web.clients.details import current_details
from hiu.web.clients.models import Client
from hiu.web.contacts.models import (
    NO_CONTACT_KINDS,
    RECIPIENT_OF,
    Channel,
    Contact,
    Letter,
    LetterKind,
    LetterTemplate,
    Recipient,
)
from hiu.web.contacts.querysets import open_episode_of
from hiu.web.contacts.wording import DEFAULTS, fill, placeholder_problem
from hiu.web.formatting import display_name, format_date, format_nhs_number
from hiu.web.organisations.models import Organisation, organisation_name
from hiu.web.plans.models import sharing_stopped_on
from hiu.web.refused import Refused


class LetterRefused(Exception):
    """A letter that may not be made; its message is written for the person who asked."""


class TemplateRefused(ValueError):
    """A template that may not be saved; ``problems`` names each field's problem."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(problems.values()))
        self.problems = problems


def templates_of(service: Service) -> list[LetterTemplate]:
    """Every kind of letter's template for ``service``, the defaults made the first time."""
    return [template_for(service, LetterKind(kind)) for kind in LetterKind.values]


def template_for(service: Service, kind: LetterKind | str) -> LetterTemplate:
    kind = LetterKind(kind)
    title, body = DEFAULTS[kind]
    template, _ = LetterTemplate.objects.get_or_create(
        service=service, kind=kind, defaults={"title": title, "body": body}
    )
    return template


def template_problems(title: str, body: str) -> dict[str, str]:
    problems = {}
    if not title.strip():
        problems["title"] = "Enter the letter's title"
    elif problem := placeholder_problem(title):
        problems["title"] = f"The title has a mistake: {problem}"
    if not body.strip():
        problems["body"] = "Enter the letter's wording"
    elif problem := placeholder_problem(body):
        problems["body"] = f"The wording has a mistake: {problem}"
    return problems


@transaction.atomic
def save_template(
    service: Service,
    kind: LetterKind | str,
    *,
    title: str,
    body: str,
    by: User,
    request: HttpRequest | None = None,
) -> LetterTemplate:
    """Save the service's wording of one kind of letter; refused with an unknown placeholder.
    Letters already made keep the wording they were made with."""
    problems = template_problems(title, body)
    if problems:
        raise TemplateRefused(problems)
    template = template_for(service, kind)
    template.title = title.strip()
    template.body = body.strip()
    template.updated_by = by
    template.save()
    record(
        Action.CHANGE_SERVICE_SETTINGS,
        request=request,
        actor=by,
        object_type="service",
        object_id=service.pk,
        detail={"what": "letter_template", "kind": str(template.kind)},
    )
    return template


def refusal(client: Client, kind: LetterKind | str) -> str | None:
    """Why this letter may not be made for ``client``, or None when it may."""
    if RECIPIENT_OF[LetterKind(kind)] == Recipient.CLIENT:
        return None
    stopped = sharing_stopped_on(client)
    if stopped is None:
        return None
    return (
        f"{client.full_name} withdrew consent on {format_date(stopped)}: "
        "nothing is shared about them"
    )


def placeholder_values(client: Client, by: User) -> dict[str, str]:
    episode = open_episode_of(client)
    worker = client.case_manager or by
    return {
        "client_name": client.full_name,
        "client_given_name": client.given_name,
        "date_of_birth": format_date(client.date_of_birth),
        "nhs_number": format_nhs_number(client.nhs_number),
        "gp_practice": _practice_name(client) or "your GP practice",
        "worker_name": display_name(worker),
        "service_name": client.service.name,
        "service_phone": client.service.phone or "the number at the top of this letter",
        "service_address": ", ".join(client.service.address_lines) or client.service.name,
        "today": format_date(timezone.localdate()),
        "phase": episode.get_phase_display().lower() if episode else "not currently supported",
    }


def _practice_name(client: Client) -> str:
    """The client's GP practice by name where the service knows it, else its code."""
    code = client.gp_practice_code
    if not code:
        return ""
    known = organisation_name(code)
    if known:
        return known
    named = current_details(client).gp_practice_name
    return named or code


@transaction.atomic
def make_letter(
    client: Client, kind: str, *, by: User, request: HttpRequest | None = None
) -> Letter:
    """Make a letter of ``kind`` for ``client`` from their service's template, as it reads
    today. Raises ``LetterRefused`` for a letter to a GP after consent was withdrawn.

    A letter to the client is also logged as a contact attempt by letter (not reached): a
    letter does not reach someone the way a conversation does. It does not count towards the
    run of attempts that leads to the no-contact letters (see ``rules``)."""
    kind = LetterKind(kind)
    problem = refusal(client, kind)
    if problem is not None:
        raise LetterRefused(problem)
    template = template_for(client.service, kind)
    values = placeholder_values(client, by)
    now = timezone.now()
    recipient = RECIPIENT_OF[kind]
    episode = open_episode_of(client)
    letter = Letter.objects.create(
        client=client,
        episode=episode,
        kind=kind,
        recipient=recipient,
        title=fill(template.title, values)[:200],
        body=fill(template.body, values),
        made_by=by,
        made_by_username=by.get_username(),
        made_at=now,
    )
    if recipient == Recipient.CLIENT:
        Contact.objects.create(
            client=client,
            episode=episode,
            at=now,
            channel=Channel.LETTER,
            reached=False,
            by=by,
            by_username=by.get_username(),
            note=f"Letter: {letter.title}",
        )
    record(
        Action.UPDATE_CLIENT,
        request=request,
        actor=by,
        object_type="client",
        object_id=client.pk,
        detail={"what": "letter", "kind": str(kind), "letter": letter.pk},
    )
    return letter


def make_no_contact_letters(
    client: Client, *, by: User, request: HttpRequest | None = None
) -> tuple[list[Letter], list[str]]:
    """The two letters after the attempts: to the client and to their GP. A letter that is
    refused is left out and its reason returned; the other is still made."""
    letters: list[Letter] = []
    refused: list[str] = []
    for kind in NO_CONTACT_KINDS:
        try:
            letters.append(make_letter(client, kind, by=by, request=request))
        except LetterRefused as error:
            refused.append(str(error))
    return letters, refused


# The service's own contact details, printed on every letter ----------------------------------
SERVICE_CONTACT_FIELDS = ("address_line_1", "address_line_2", "town", "postcode", "phone", "email")


@transaction.atomic
def save_service_contact(
    service: Service,
    values: dict[str, str],
    *,
    by: User,
    request: HttpRequest | None = None,
) -> Service:
    """Keep how clients and GPs reach the service; the audit event names what changed."""
    locked = Service.objects.select_for_update().get(pk=service.pk)
    changed = [name for name in SERVICE_CONTACT_FIELDS if getattr(locked, name) != values[name]]
    if not changed:
        raise Refused("Nothing has changed: change a detail, or go back to the letter templates")
    for name in changed:
        setattr(locked, name, values[name])
    locked.save(update_fields=changed)
    record(
        Action.CHANGE_SERVICE_SETTINGS,
        request=request,
        actor=by,
        object_type="service",
        object_id=service.pk,
        detail={"what": "service_contact", "changed": changed},
    )
    return locked


@dataclass(frozen=True)
class Addressee:
    """Who a letter goes to, as printed at its top."""

    lines: list[str]


def addressee(client: Client, recipient: str) -> Addressee:
    """The client's name and address, or their GP practice's name and address (from the
    organisations the service loaded; the name recorded on the client's details; the code)."""
    details = current_details(client)
    if recipient == Recipient.CLIENT:
        address = [
            line for line in (details.address_line_1, details.address_line_2, details.town) if line
        ]
        return Addressee(
            [client.full_name, *address, *([client.postcode] if client.postcode else [])]
        )
    code = details.gp_practice_code
    practice = Organisation.objects.filter(code=code).first() if code else None
    if practice is not None:
        return Addressee(["The GP", practice.name, *practice.address_lines])
    if details.gp_practice_name:
        return Addressee(["The GP", details.gp_practice_name])
    return Addressee(["The GP", f"GP practice {code}" if code else "GP practice not recorded"])
