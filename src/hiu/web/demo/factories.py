"""Small functions that make casework records: what the demo builder and the tests make again
and again (a service, staff in a role, a client, an episode, a contact, an identified list and
its people). Plain functions, no factory library: each makes one record (with what it needs)
in the casework database and returns it (ADR 0016).

Those with a natural key (a service's name, a username, a client's NHS number in a service)
bring a record already there up to date instead of failing, so the demo can run again.
``record_episode`` writes history directly; an episode that should go through the phase
machine is opened with hiu.web.episodes.services.open_episode, as the pages do.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from django.contrib.auth.models import Group, User
from django.db.models import Max
from django.utils import timezone

from hiu.web.accounts.models import Service, StaffProfile
from hiu.web.accounts.roles import Role
from hiu.web.clients.details import Phone, current_details, save_details
from hiu.web.clients.models import Client, ClientDetails
from hiu.web.contacts.models import HOME, Channel, Contact, Visit
from hiu.web.diary.models import Booking, Kind, Status
from hiu.web.episodes.models import Episode, RelapseAlert, RelapseReason
from hiu.web.episodes.phases import Phase, WayIn
from hiu.web.identification.models import IdentificationRun, IdentifiedPerson
from hiu.web.identification.status import Mark, RunStatus, Trigger
from hiu.web.screening.models import Referral

#: Made-up clients' NHS numbers: 99900 and five digits (synthetic, never issued).
MADE_UP_NHS_PREFIX = "99900"


def make_service(name: str, organisation_code: str = "RQX", **fields: Any) -> Service:
    """The service called ``name``, made or brought up to date with these fields."""
    service, _ = Service.objects.update_or_create(
        name=name, defaults={"organisation_code": organisation_code, **fields}
    )
    return service


def make_staff(
    username: str,
    role: Role | None,
    service: Service | None = None,
    *,
    password: str | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    job_title: str = "",
    organisation: str = "",
    django_admin: bool = False,
) -> User:
    """A member of staff in ``role`` (``None``: no role) working in ``service`` (``None``: in
    none, as an IG lead or administrator), made or brought up to date by username. Without a
    password they cannot sign in; ``django_admin`` lets them into Django's admin."""
    user, _ = User.objects.get_or_create(username=username)
    user.first_name = first_name
    user.last_name = last_name
    user.email = email
    user.is_active = True
    user.is_staff = django_admin
    user.is_superuser = django_admin
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save()
    user.groups.set([Group.objects.get(name=role.label)] if role is not None else [])
    StaffProfile.objects.update_or_create(
        user=user,
        defaults={"service": service, "job_title": job_title, "organisation": organisation},
    )
    return user


def make_client(service: Service, case_manager: User | None = None, **fields: Any) -> Client:
    """A client of ``service``, made or (one with that NHS number in the service being there
    already) brought up to date with ``case_manager`` and ``fields``. What a new client needs
    and is not given is made up from the next unused number n: NHS number 99900nnnnn, the
    names Given<n> and Family<n>, born n days after 1 January 1970."""
    identity = ("nhs_number", "given_name", "family_name", "date_of_birth")
    made_up = _made_up_identity() if not set(identity) <= fields.keys() else {}
    nhs_number = fields.pop("nhs_number", None) or made_up["nhs_number"]
    given = {"case_manager": case_manager, **fields}
    client, _ = Client.objects.update_or_create(
        service=service,
        nhs_number=nhs_number,
        defaults=given,
        create_defaults={k: v for k, v in made_up.items() if k != "nhs_number"} | given,
    )
    return client


def _made_up_identity() -> dict[str, Any]:
    n = Client.objects.count() + 1
    while Client.objects.filter(nhs_number=f"{MADE_UP_NHS_PREFIX}{n:05d}").exists():
        n += 1
    return {
        "nhs_number": f"{MADE_UP_NHS_PREFIX}{n:05d}",
        "given_name": f"Given{n}",
        "family_name": f"Family{n}",
        "date_of_birth": dt.date(1970, 1, 1) + dt.timedelta(days=n),
    }


def record_episode(
    client: Client,
    phase: Phase | str = Phase.ENGAGED,
    *,
    opened_on: dt.date | None = None,
    engaged_on: dt.date | None = None,
    way_in: WayIn | str = WayIn.IDENTIFIED,
    **fields: Any,
) -> Episode:
    """An episode in ``phase`` written as history, directly rather than through the phase
    machine: no phase changes, audit events or follow-ups, and any dates. Opened on
    ``opened_on`` (else the day it was engaged, else today), in its phase since then unless
    ``phase_since`` says otherwise, numbered after the client's last episode."""
    opened = opened_on or engaged_on or timezone.localdate()
    number = (client.episodes.aggregate(n=Max("number"))["n"] or 0) + 1
    values: dict[str, Any] = {"number": number, "phase_since": opened, **fields}
    return Episode.objects.create(
        client=client,
        phase=phase,
        opened_on=opened,
        engaged_on=engaged_on,
        way_in=way_in,
        **values,
    )


def make_contact(
    client: Client,
    *,
    at: dt.datetime,
    reached: bool,
    channel: Channel | str = Channel.PHONE,
    by: User | None = None,
    episode: Episode | None = None,
    duration_minutes: int | None = None,
    note: str = "",
) -> Contact:
    """A contact with ``client`` (an attempt, when not ``reached``) at ``at``, by ``by``."""
    return Contact.objects.create(
        client=client,
        episode=episode,
        at=at,
        channel=channel,
        reached=reached,
        duration_minutes=duration_minutes,
        by=by,
        by_username=by.get_username() if by is not None else "",
        note=note,
    )


def make_booking(
    client: Client,
    worker: User,
    *,
    starts_at: dt.datetime,
    minutes: int = 60,
    kind: str = Kind.HOME_VISIT,
    status: str = Status.BOOKED,
    location: str = "",
    escort: User | None = None,
    **fields: Any,
) -> Booking:
    """A diary booking for ``client`` with ``worker``, lasting ``minutes`` from ``starts_at``."""
    return Booking.objects.create(
        client=client,
        worker=worker,
        kind=kind,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=minutes),
        location=location,
        escort=escort,
        status=status,
        created_by=fields.pop("created_by", worker),
        **fields,
    )


def make_run(service: Service, as_of: dt.date, **fields: Any) -> IdentificationRun:
    """A finished identified list of ``service`` as of ``as_of`` (Hackney's rule set, made on
    demand at 9am that day), written directly rather than by running the rule set; its people
    are added with ``make_listed_person``."""
    values: dict[str, Any] = {
        "rule_set": "hackney",
        "rule_set_title": "Hackney",
        "thresholds": {"ed_month": "5+ A&E attendances within 30 days"},
        "trigger": Trigger.ON_DEMAND,
        "status": RunStatus.DONE,
        "finished_at": timezone.make_aware(dt.datetime.combine(as_of, dt.time(9))),
        **fields,
    }
    return IdentificationRun.objects.create(service=service, as_of=as_of, **values)


def make_listed_person(
    run: IdentificationRun, nhs_number: str, rank: int | None = None, **fields: Any
) -> IdentifiedPerson:
    """A person on ``run``'s list at ``rank`` (``None``: not ranked, as a dropped person),
    new to it, over the A&E threshold; what is not given is made up (Jean Knight<rank>)."""
    values: dict[str, Any] = {
        "mark": Mark.NEW,
        "given_name": "Jean",
        "family_name": f"Knight{rank}",
        "date_of_birth": dt.date(1960, 5, rank or 1),
        "age": 65,
        "phone": "07700 900123",
        "thresholds_met": "ed_month",
        "ed_30d": 6,
        "ed_90d": 9,
        "ed_365d": 20,
        **fields,
    }
    return IdentifiedPerson.objects.create(run=run, nhs_number=nhs_number, rank=rank, **values)


def record_details(client: Client, by: User, **fields: Any) -> ClientDetails:
    """A new version of the client's details: the current ones with ``fields`` changed;
    ``phones`` is a list of (label, number, safe to leave a message)."""
    phones = fields.pop("phones", None)
    reason = fields.pop("reason", "")
    details = replace(current_details(client), **fields)
    if phones is not None:
        details = replace(details, phones=tuple(Phone(*phone) for phone in phones))
    return save_details(client, details, by=by, reason=reason)


def make_referral(
    client: Client, received_at: dt.datetime, hours: int = 24, **fields: Any
) -> Referral:
    """A live referral of ``client`` received at ``received_at`` with a first-contact clock of
    ``hours`` (screening.services.record_referral is the way the pages make one, always now)."""
    values: dict[str, Any] = {
        "referring_organisation": "Psychiatric liaison team",
        "reason": "Frequent attendances",
        "consent_to_refer": True,
        **fields,
    }
    return Referral.objects.create(
        service=client.service,
        client=client,
        received_at=received_at,
        first_contact_due_at=received_at + dt.timedelta(hours=hours),
        **values,
    )


def make_visit(
    client: Client, worker: User, checked_in_at: dt.datetime, expected_back_at: dt.datetime
) -> Visit:
    """A lone-working home visit checked in at ``checked_in_at`` and not yet checked out
    (contacts.services.check_in is the page's way, always now)."""
    return Visit.objects.create(
        client=client,
        worker=worker,
        worker_username=worker.get_username(),
        planned_at=checked_in_at,
        place=HOME,
        checked_in_at=checked_in_at,
        expected_back_at=expected_back_at,
    )


def make_relapse_alert(episode: Episode, **fields: Any) -> RelapseAlert:
    """An open relapse alert on ``episode`` (new activity since stepping down)."""
    values: dict[str, Any] = {
        "reason": RelapseReason.NEW_ACTIVITY,
        "detail": "Urgent care used since stepping down.",
        **fields,
    }
    return RelapseAlert.objects.create(client=episode.client, episode=episode, **values)
