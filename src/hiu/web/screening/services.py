"""Screening and referral workflow: deciding on a person from an identified list, the service's
decline reasons, recording a live referral, and the first-contact clock.

Every write happens here, in one transaction, and writes its audit event here. Audit details
hold ids and codes only: never names, NHS numbers, dates of birth, phone numbers or notes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from hiu.web.accounts.models import Service
from hiu.web.accounts.roles import Role
from hiu.web.audit.models import Action
from hiu.web.audit.service import record
from hiu.web.clients.models import Client, Sex
from hiu.web.clients.models import WayIn as ClientWayIn
from hiu.web.clients.services import allocate
from hiu.web.contacts.models import Contact
from hiu.web.episodes.models import Episode
from hiu.web.episodes.phases import Complexity, Phase, WayIn
from hiu.web.episodes.services import open_episode, pathway_for
from hiu.web.formatting import format_datetime
from hiu.web.identification.models import IdentifiedPerson
from hiu.web.refused import Refused as Refused
from hiu.web.screening.models import Decision, DeclineReason, Referral, ScreeningDecision
from hiu.web.screening.querysets import DeclineReasonQuerySet, ReferralQuerySet

#: The reasons a service starts with (000 §2.3.1: the reason for not accepting is recorded).
#: The service lead changes them on the reasons page.
DEFAULT_REASONS = (
    "Attendances explained by planned or clinical care",
    "Already supported by another team",
    "Moved out of the area",
    "Died",
    "Does not meet the criteria on review",
    "Agreed at the MDT not to offer the service",
    "Other",
)

#: Roles whose holders may be given clients at screening.
ALLOCATABLE_ROLES = (Role.CASE_MANAGER, Role.SERVICE_LEAD)

#: The name this module used before ``hiu.web.refused.Refused`` was shared.
ScreeningRefused = Refused


# Decline reasons ---------------------------------------------------------------------------


def reasons_for(service: Service) -> DeclineReasonQuerySet:
    """The service's reasons, active and retired, in order; the defaults the first time."""
    reasons = DeclineReason.objects.of(service)
    if not reasons.exists():
        with transaction.atomic():
            DeclineReason.objects.bulk_create(
                DeclineReason(service=service, label=label, position=n)
                for n, label in enumerate(DEFAULT_REASONS, start=1)
            )
    return DeclineReason.objects.of(service)


def _check_label(service: Service, label: str, *, other_than: int | None = None) -> str:
    label = " ".join(label.split())
    if not label:
        raise Refused("Enter the reason", "label")
    if len(label) > 200:
        raise Refused("The reason must be 200 characters or fewer", "label")
    same = DeclineReason.objects.of(service).filter(label__iexact=label)
    if other_than is not None:
        same = same.exclude(pk=other_than)
    if same.exists():
        raise Refused("Your service already has a reason with this wording", "label")
    return label


def _audit_reason(
    service: Service, change: str, reason: DeclineReason, by: User, request: HttpRequest | None
) -> None:
    record(
        Action.CHANGE_SERVICE_SETTINGS,
        request=request,
        actor=by,
        object_type="service",
        object_id=service.pk,
        detail={"what": "decline_reason", "change": change, "reason": reason.pk},
    )


@transaction.atomic
def add_reason(
    service: Service, label: str, *, by: User, request: HttpRequest | None = None
) -> DeclineReason:
    label = _check_label(service, label)
    last = DeclineReason.objects.of(service).aggregate(n=Max("position"))["n"] or 0
    reason = DeclineReason.objects.create(service=service, label=label, position=last + 1)
    _audit_reason(service, "add", reason, by, request)
    return reason


@transaction.atomic
def rename_reason(
    reason: DeclineReason, label: str, *, by: User, request: HttpRequest | None = None
) -> DeclineReason:
    """A new wording. Decisions that used the reason show the new wording: rename to make it
    clearer, and retire it (then add another) when the meaning changes."""
    reason.label = _check_label(reason.service, label, other_than=reason.pk)
    reason.save(update_fields=["label"])
    _audit_reason(reason.service, "rename", reason, by, request)
    return reason


@transaction.atomic
def set_reason_active(
    reason: DeclineReason, active: bool, *, by: User, request: HttpRequest | None = None
) -> DeclineReason:
    """Retire a reason (no longer offered; kept on old decisions) or bring it back."""
    if reason.active != active:
        if (
            not active
            and not DeclineReason.objects.of(reason.service).active().exclude(pk=reason.pk).exists()
        ):
            raise Refused("Keep at least one reason that can be chosen")
        reason.active = active
        reason.save(update_fields=["active"])
        _audit_reason(reason.service, "restore" if active else "retire", reason, by, request)
    return reason


# Screening a list --------------------------------------------------------------------------


def allocatable_staff(service: Service) -> list[User]:
    """People a client can be given to at screening: the service's case managers and leads."""
    return list(
        User.objects.filter(
            is_active=True,
            staff_profile__service=service,
            groups__name__in=[role.label for role in ALLOCATABLE_ROLES],
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def open_episode_of(client: Client) -> Episode | None:
    return client.episodes.exclude(phase=Phase.CLOSED).first()


def already_supported(service_id: int, nhs_numbers: Iterable[str]) -> set[str]:
    """Which of these NHS numbers belong to the service's clients with an open episode."""
    return set(
        Episode.objects.filter(client__service_id=service_id, client__nhs_number__in=nhs_numbers)
        .exclude(phase=Phase.CLOSED)
        .values_list("client__nhs_number", flat=True)
    )


def earlier_decisions(
    service_id: int, run_id: int, nhs_numbers: Iterable[str]
) -> dict[str, ScreeningDecision]:
    """The latest decision on each person made on another (earlier) list of the service."""
    found = (
        ScreeningDecision.objects.of_service(service_id)
        .for_numbers(list(nhs_numbers))
        .exclude(identified_person__run_id=run_id)
        .select_related("reason")
        .order_by("nhs_number", "-decided_at", "-id")
    )
    latest: dict[str, ScreeningDecision] = {}
    for decision in found:
        latest.setdefault(decision.nhs_number, decision)
    return latest


@dataclass(frozen=True)
class Screening:
    """What the screening form asks for, checked."""

    decision: Decision
    complexity: str = ""
    case_manager: User | None = None
    reason: DeclineReason | None = None
    note: str = ""


@transaction.atomic
def screen_person(
    person: IdentifiedPerson,
    screening: Screening,
    *,
    by: User,
    request: HttpRequest | None = None,
) -> ScreeningDecision:
    """Accept or decline ``person``. Accepting finds or creates the client and opens an episode
    in contacting with the complexity tier; declining creates no client. Refused when the
    person was screened on this list already, or (accepting) when they have an open episode."""
    # Lock the list row: two people screening the same person at once must not both succeed.
    person = (
        IdentifiedPerson.objects.select_for_update()
        .select_related("run__service")
        .get(pk=person.pk)
    )
    service = person.run.service
    if ScreeningDecision.objects.filter(identified_person=person).exists():
        raise Refused("This person has already been screened on this list")
    decision = ScreeningDecision(
        service=service,
        identified_person=person,
        nhs_number=person.nhs_number,
        list_as_of=person.run.as_of,
        decision=screening.decision,
        note=screening.note.strip(),
        decided_by=by,
        decided_by_username=by.get_username(),
    )
    if screening.decision == Decision.DECLINE:
        reason = screening.reason
        if reason is None or reason.service_id != service.pk or not reason.active:
            raise Refused("Select why the person is not being offered support", "reason")
        decision.reason = reason
    else:
        if screening.complexity not in Complexity.values:
            raise Refused("Select the complexity tier", "complexity")
        decision.complexity = screening.complexity
        client, _created = _client_for(person, service, by, request)
        existing = open_episode_of(client)
        if existing is not None:
            raise Refused(
                "This person already has an open episode of support with your service: "
                "see their client record instead of accepting them again"
            )
        if screening.case_manager is not None:
            # Through the one allocation path: the record's allocation history, the audit
            # event and the new worker's notification, as for any other allocation.
            allocate(
                client,
                screening.case_manager,
                by=by,
                reason="Accepted at screening",
                request=request,
            )
        decision.client = client
        decision.episode = open_episode(
            client,
            by=by,
            way_in=WayIn.IDENTIFIED,
            phase=Phase.CONTACTING,
            complexity=screening.complexity,
            identified_person_id=person.pk,
            reason="Accepted at screening",
            request=request,
        )
    decision.save()
    record(
        Action.SCREEN_PERSON,
        request=request,
        actor=by,
        object_type="identified_person",
        object_id=person.pk,
        detail={"decision": str(screening.decision), "run": person.run_id},
    )
    return decision


def _client_for(
    person: IdentifiedPerson, service: Service, by: User, request: HttpRequest | None
) -> tuple[Client, bool]:
    """The service's client with the person's NHS number, or a new one from the list row."""
    client = (
        Client.objects.select_for_update()
        .filter(service=service, nhs_number=person.nhs_number)
        .first()
    )
    if client is not None:
        return client, False
    if person.date_of_birth is None:
        raise Refused(
            "The list has no date of birth for this person, so a client record cannot be made "
            "from it: record them as a referral instead"
        )
    client = Client.objects.create(
        service=service,
        nhs_number=person.nhs_number,
        given_name=person.given_name,
        family_name=person.family_name,
        date_of_birth=person.date_of_birth,
        phone=person.phone[:20],
        way_in=ClientWayIn.IDENTIFIED,
    )
    record(
        Action.CREATE_CLIENT,
        request=request,
        actor=by,
        object_type="client",
        object_id=client.pk,
        detail={"what": "screening", "identified_person": person.pk},
    )
    return client, True


# Live referrals ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReferralDetails:
    """What the referral form asks for, checked."""

    nhs_number: str
    given_name: str
    family_name: str
    date_of_birth: dt.date
    sex: str
    phone: str
    postcode: str
    gp_practice_code: str
    referring_organisation: str
    referrer_name: str
    referrer_contact: str
    reason: str
    vulnerability: bool
    consent_to_refer: bool
    received_at: dt.datetime


CONSENT_REFUSED = "A referral can only be accepted when the person has agreed to be referred"


@transaction.atomic
def record_referral(
    service: Service,
    details: ReferralDetails,
    *,
    by: User,
    request: HttpRequest | None = None,
) -> Referral:
    """Record a live referral: the client is found by NHS number in the service (names are not
    changed) or created, and an episode opens in contacting, unless one is open already, in
    which case the referral is attached to it."""
    if not details.consent_to_refer:
        raise Refused(CONSENT_REFUSED, "consent_to_refer")
    pathway = pathway_for(service)
    client = (
        Client.objects.select_for_update()
        .filter(service=service, nhs_number=details.nhs_number)
        .first()
    )
    client_existed = client is not None
    if client is None:
        client = Client.objects.create(
            service=service,
            nhs_number=details.nhs_number,
            given_name=details.given_name,
            family_name=details.family_name,
            date_of_birth=details.date_of_birth,
            sex=details.sex or Sex.NOT_KNOWN,
            phone=details.phone,
            postcode=details.postcode,
            gp_practice_code=details.gp_practice_code,
            way_in=ClientWayIn.REFERRED,
        )
    else:
        _fill_blanks(client, details)
    episode = open_episode_of(client)
    opened = episode is None
    if episode is None:
        episode = open_episode(
            client,
            by=by,
            way_in=WayIn.REFERRED,
            phase=Phase.CONTACTING,
            on=timezone.localdate(details.received_at),
            reason=f"Referred by {details.referring_organisation}",
            request=request,
        )
    referral = Referral.objects.create(
        service=service,
        client=client,
        episode=episode,
        referring_organisation=details.referring_organisation,
        referrer_name=details.referrer_name,
        referrer_contact=details.referrer_contact,
        reason=details.reason,
        vulnerability=details.vulnerability,
        consent_to_refer=details.consent_to_refer,
        received_at=details.received_at,
        first_contact_due_at=details.received_at + dt.timedelta(hours=pathway.first_contact_hours),
        client_existed=client_existed,
        opened_episode=opened,
        recorded_by=by,
        recorded_by_username=by.get_username(),
    )
    record(
        Action.UPDATE_CLIENT if client_existed else Action.CREATE_CLIENT,
        request=request,
        actor=by,
        object_type="client",
        object_id=client.pk,
        detail={"what": "referral", "referral": referral.pk},
    )
    return referral


def _fill_blanks(client: Client, details: ReferralDetails) -> None:
    """An existing client keeps their names and details; only empty contact details are filled
    in from the referral."""
    changed: list[str] = []
    for field in ("phone", "postcode", "gp_practice_code"):
        if not getattr(client, field) and getattr(details, field):
            setattr(client, field, getattr(details, field))
            changed.append(field)
    if changed:
        client.save(update_fields=[*changed, "updated_at"])


# The first-contact clock -------------------------------------------------------------------


@dataclass(frozen=True)
class Clock:
    """Where a referral's first contact stands."""

    state: str  # "due", "overdue", "within", "late"
    text: str
    first_contact_at: dt.datetime | None

    @property
    def met_target(self) -> bool:
        return self.state == "within"

    @property
    def settled(self) -> bool:
        """Known to have met or missed the target: counted in the quarter's share."""
        return self.state != "due"


def target_hours(referral: Referral) -> int:
    """The hours the service allowed when the referral came in."""
    seconds = (referral.first_contact_due_at - referral.received_at).total_seconds()
    return round(seconds / 3600)


def first_contacts(referrals: Iterable[Referral]) -> dict[int, dt.datetime | None]:
    """Each referral's first contact: the earliest contact that reached the client at or after
    the referral was received. Attempts that did not reach them do not stop the clock."""
    referrals = list(referrals)
    client_ids = {referral.client_id for referral in referrals}
    earliest = min((referral.received_at for referral in referrals), default=None)
    times: dict[int, list[dt.datetime]] = {}
    if earliest is not None:
        contacts = (
            Contact.objects.filter(client_id__in=client_ids, reached=True, at__gte=earliest)
            .order_by("at")
            .values_list("client_id", "at")
        )
        for client_id, at in contacts:
            times.setdefault(client_id, []).append(at)
    found: dict[int, dt.datetime | None] = {}
    for referral in referrals:
        found[referral.pk] = next(
            (at for at in times.get(referral.client_id, []) if at >= referral.received_at), None
        )
    return found


def clock_for(
    referral: Referral, first_contact_at: dt.datetime | None, now: dt.datetime | None = None
) -> Clock:
    now = now or timezone.now()
    due = referral.first_contact_due_at
    if first_contact_at is not None:
        if first_contact_at <= due:
            text = f"Contacted within {target_hours(referral)} hours"
            return Clock("within", text, first_contact_at)
        hours = int((first_contact_at - referral.received_at).total_seconds() // 3600)
        return Clock("late", f"Contacted after {hours} hours", first_contact_at)
    if now > due:
        return Clock("overdue", "Overdue", None)
    return Clock("due", f"Contact due by {format_datetime(due)}", None)


def first_contact_status(referral: Referral, *, now: dt.datetime | None = None) -> str:
    """The referral's first-contact tag text: "Contact due by <time>", "Overdue", "Contacted
    within 24 hours" or "Contacted after 31 hours" (the service's hours)."""
    return clock_for(referral, first_contacts([referral])[referral.pk], now).text


def quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def next_quarter_start(day: dt.date) -> dt.date:
    start = quarter_start(day)
    return (
        dt.date(start.year + 1, 1, 1) if start.month == 10 else start.replace(month=start.month + 3)
    )


def local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


@dataclass(frozen=True)
class QuarterShare:
    start: dt.date
    end: dt.date  # the quarter's last day
    met: int
    counted: int
    waiting: int  # received this quarter, not yet contacted and not yet due

    @property
    def text(self) -> str:
        """``7 of 9 (78%)``."""
        if not self.counted:
            return "No referrals to count yet"
        percent = (200 * self.met + self.counted) // (2 * self.counted)  # rounded half up
        return f"{self.met} of {self.counted} ({percent}%)"


def quarter_share(
    referrals: ReferralQuerySet, today: dt.date | None = None, now: dt.datetime | None = None
) -> QuarterShare:
    """The share of this quarter's referrals whose first contact was within the target.

    Counted: referrals received this quarter that were contacted, or whose due time has passed
    without contact. Referrals still inside their time and not yet contacted are left out
    until they are settled either way.
    """
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    start, end = quarter_start(today), next_quarter_start(today)
    found = list(referrals.received_between(local_midnight(start), local_midnight(end)))
    contacts = first_contacts(found)
    clocks = [clock_for(referral, contacts[referral.pk], now) for referral in found]
    return QuarterShare(
        start=start,
        end=end - dt.timedelta(days=1),
        met=sum(clock.met_target for clock in clocks),
        counted=sum(clock.settled for clock in clocks),
        waiting=sum(not clock.settled for clock in clocks),
    )
