"""What the contact pages show, shaped for the templates, so views stay thin.

``last_contact`` is for other apps (the client summary shows when the client was last reached).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils import timezone

from hiu.web.accounts.roles import Role, has_role
from hiu.web.clients.models import Client
from hiu.web.contacts.attempts import run_for
from hiu.web.contacts.letters import refusal
from hiu.web.contacts.models import Contact, Letter, LetterKind, Visit
from hiu.web.contacts.querysets import visits_in_progress, visits_visible_to
from hiu.web.contacts.rules import AttemptRun
from hiu.web.corrections.models import Correction
from hiu.web.corrections.presenters import corrected_ids
from hiu.web.corrections.services import moved_out_of

#: Roles that go out on visits and see the visits page.
VISITING_ROLES = (Role.SERVICE_LEAD, Role.CASE_MANAGER)
#: Roles that edit the service's letter templates.
TEMPLATE_ROLES = (Role.SERVICE_LEAD, Role.DATA_COORDINATOR)
#: How far back "My visits" lists visits already checked out.
RECENT_VISITS = dt.timedelta(days=14)


def last_contact(client: Client) -> Contact | None:
    """The latest contact that reached the client, or None if they were never reached."""
    return client.contacts.filter(reached=True).order_by("-at", "-id").first()


@dataclass(frozen=True)
class LetterChoice:
    kind: str
    label: str
    refused: str | None  # why it cannot be made (consent withdrawn), or None


@dataclass(frozen=True)
class ContactLog:
    client: Client
    contacts: list[Contact]
    letters: list[Letter]
    visits: list[Visit]
    run: AttemptRun | None
    prompt: str | None  # the three-attempts warning, when the letters are due
    gp_refused: str | None  # why the GP letter will not be made, if it will not
    letter_choices: list[LetterChoice]
    may_visit: bool
    may_edit_templates: bool
    now: dt.datetime
    # Corrections (ADR 0019): contacts marked entered in error (listed only when asked for),
    # the ids of contacts with a history, and the lines of contacts moved to another record.
    in_error: list[Contact]
    letters_in_error: list[Letter]
    visits_in_error: list[Visit]
    show_in_error: bool
    corrected: dict[str, set[int]]
    moved_out: list[Correction]

    @property
    def in_error_count(self) -> int:
        return len(self.in_error) + len(self.letters_in_error) + len(self.visits_in_error)


def contact_log(client: Client, user: User, *, show_in_error: bool = False) -> ContactLog:
    run = run_for(client)
    prompt = None
    if run is not None and run.letters_due:
        prompt = (
            f"{run.count} attempts without reaching {client.given_name}: "
            "send the letters to them and their GP"
        )
    choices = [
        LetterChoice(kind, label, refusal(client, kind)) for kind, label in LetterKind.choices
    ]
    contacts = list(client.contacts.select_related("by"))
    in_error = list(
        Contact.all_with_errors.filter(client=client)
        .in_error()
        .select_related("by", "entered_in_error_by")
    )
    letters = list(client.letters.all())
    visits = list(client.visits.all()[:20])
    letters_in_error = list(
        Letter.all_with_errors.filter(client=client)
        .in_error()
        .select_related("entered_in_error_by")
    )
    visits_in_error = list(
        Visit.all_with_errors.filter(client=client).in_error().select_related("entered_in_error_by")
    )
    return ContactLog(
        client=client,
        contacts=contacts,
        letters=letters,
        visits=visits,
        run=run,
        prompt=prompt,
        gp_refused=refusal(client, LetterKind.GP_NO_CONTACT),
        letter_choices=choices,
        may_visit=has_role(user, *VISITING_ROLES),
        may_edit_templates=has_role(user, *TEMPLATE_ROLES),
        now=timezone.now(),
        in_error=in_error,
        letters_in_error=letters_in_error,
        visits_in_error=visits_in_error,
        show_in_error=show_in_error,
        corrected={
            "contact": corrected_ids("contact", [*contacts, *in_error]),
            "letter": corrected_ids("letter", [*letters, *letters_in_error]),
            "visit": corrected_ids("visit", [*visits, *visits_in_error]),
        },
        moved_out=[
            *moved_out_of(client, "contact"),
            *moved_out_of(client, "letter"),
            *moved_out_of(client, "visit"),
        ],
    )


@dataclass(frozen=True)
class VisitRow:
    visit: Visit
    client: Client
    overdue: bool


@dataclass(frozen=True)
class VisitsPage:
    mine: list[VisitRow]  # my visits in progress
    mine_recent: list[VisitRow]  # my visits checked out lately
    team: list[VisitRow] | None  # the team's visits in progress, for the lead
    overdue: int  # visits in progress past their expected time, on this page


def _rows(visits: QuerySet[Visit], now: dt.datetime) -> list[VisitRow]:
    return [
        VisitRow(
            visit=visit,
            client=visit.client,
            overdue=visit.in_progress
            and visit.expected_back_at is not None
            and visit.expected_back_at < now,
        )
        for visit in visits.select_related("client", "worker")
    ]


def visits_page(user: User) -> VisitsPage:
    now = timezone.now()
    visible = visits_visible_to(user)
    mine = _rows(visits_in_progress(visible.filter(worker=user)).order_by("expected_back_at"), now)
    recent = _rows(
        visible.filter(worker=user, checked_out_at__gte=now - RECENT_VISITS).order_by(
            "-checked_out_at"
        ),
        now,
    )
    team = None
    if has_role(user, Role.SERVICE_LEAD):
        team = _rows(visits_in_progress(visible).order_by("expected_back_at"), now)
    shown = team if team is not None else mine
    return VisitsPage(
        mine=mine,
        mine_recent=recent,
        team=team,
        overdue=sum(1 for row in shown if row.overdue),
    )
