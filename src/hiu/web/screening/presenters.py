"""What the screening and referral pages show, shaped for the templates, so views stay thin."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.urls import reverse

from hiu.web.clients.models import Sex
from hiu.web.episodes.phases import Complexity
from hiu.web.formatting import (
    display_username,
    format_count,
    format_date,
    format_datetime,
    format_nhs_number,
)
from hiu.web.identification.models import IdentificationRun, IdentifiedPerson
from hiu.web.identification.presenters import (
    NOT_APPLICABLE,
    Row,
    Tag,
    display_name,
    mark_tag,
    thresholds_text,
)
from hiu.web.organisations.models import organisation_name
from hiu.web.screening.models import Decision, DeclineReason, Referral, ScreeningDecision
from hiu.web.screening.services import Clock, QuarterShare

#: The counts shown on the screening list, as (field, heading).
SCREENING_COUNTS = (
    ("ed_90d", "A&E, 90 days"),
    ("ed_365d", "A&E, 365 days"),
    ("ambulance_90d", "Ambulance, 90 days"),
    ("nhs111_90d", "111 calls, 90 days"),
    ("admissions_365d", "Emergency admissions, 365 days"),
)
CLOCK_TAGS = {
    "due": "nhsuk-tag--blue",
    "overdue": "nhsuk-tag--red",
    "within": "nhsuk-tag--green",
    "late": "nhsuk-tag--orange",
}
SUPPORTED_TAG = Tag("Already supported", "nhsuk-tag--purple")


def _count(value: int | None) -> str:
    return format_count(value) if value is not None else NOT_APPLICABLE


def reason_text(reason: DeclineReason | None) -> str:
    if reason is None:
        return "No reason recorded"
    return reason.label if reason.active else f"{reason.label} (reason now retired)"


def decision_text(decision: ScreeningDecision) -> str:
    """``Accepted (high complexity)`` or ``Declined: Moved out of the area``."""
    if decision.decision == Decision.ACCEPT:
        tier = (
            f" ({Complexity(decision.complexity).label.lower()} complexity)"
            if decision.complexity
            else ""
        )
        return f"Accepted{tier}"
    return f"Declined: {reason_text(decision.reason)}"


def earlier_text(decision: ScreeningDecision) -> str:
    where = (
        f"on the list as of {format_date(decision.list_as_of)}"
        if decision.list_as_of
        else "on an earlier list"
    )
    return f"Screened before {where}: {decision_text(decision)}"


def decision_tag(decision: ScreeningDecision) -> Tag:
    if decision.decision == Decision.ACCEPT:
        return Tag("Accepted", "nhsuk-tag--green")
    return Tag("Declined", "nhsuk-tag--grey")


def person_url(person: IdentifiedPerson) -> str:
    return reverse("screening:person", kwargs={"person_id": person.pk})


# The screening list ------------------------------------------------------------------------


@dataclass(frozen=True)
class ScreeningRow:
    href: str
    rank: str
    name: str
    nhs_number: str
    mark: Tag
    counts: list[str]
    supported: bool
    decision: Tag | None
    decision_text: str
    earlier: str
    action: str


@dataclass(frozen=True)
class FilterLink:
    text: str
    href: str
    current: bool


@dataclass(frozen=True)
class ScreeningListPage:
    run: IdentificationRun
    heading: str
    run_href: str
    listed: int
    screened: int
    filters: list[FilterLink]
    showing: str
    rows: list[ScreeningRow]
    count_headings: list[str] = field(
        default_factory=lambda: [heading for _, heading in SCREENING_COUNTS]
    )


def screening_list_page(
    run: IdentificationRun,
    people: Iterable[IdentifiedPerson],
    *,
    show: str,
    listed: int,
    screened: int,
    decisions: dict[int, ScreeningDecision],
    earlier: dict[str, ScreeningDecision],
    supported: set[str],
    may_screen: bool,
) -> ScreeningListPage:
    base = reverse("screening:run", kwargs={"run_id": run.pk})
    rows = []
    for person in people:
        decision = decisions.get(person.pk)
        before = earlier.get(person.nhs_number)
        rows.append(
            ScreeningRow(
                href=person_url(person),
                rank=str(person.rank) if person.rank is not None else NOT_APPLICABLE,
                name=display_name(person.given_name, person.family_name),
                nhs_number=format_nhs_number(person.nhs_number),
                mark=mark_tag(person.mark),
                counts=[_count(getattr(person, name)) for name, _ in SCREENING_COUNTS],
                supported=person.nhs_number in supported,
                decision=decision_tag(decision) if decision else None,
                decision_text=decision_text(decision) if decision else "",
                earlier=earlier_text(before) if before else "",
                action="See the decision" if decision is not None or not may_screen else "Screen",
            )
        )
    return ScreeningListPage(
        run=run,
        heading=f"Screen the list as of {format_date(run.as_of)}",
        run_href=reverse("identification:run", kwargs={"run_id": run.pk}),
        listed=listed,
        screened=screened,
        filters=[
            FilterLink(
                f"Not yet screened ({format_count(listed - screened)})",
                base,
                show != "all",
            ),
            FilterLink(
                f"Everyone on the list ({format_count(listed)})", f"{base}?show=all", show == "all"
            ),
        ],
        showing="everyone on the list" if show == "all" else "people not yet screened",
        rows=rows,
    )


# Screening one person ----------------------------------------------------------------------


@dataclass(frozen=True)
class PersonScreeningPage:
    person: IdentifiedPerson
    run: IdentificationRun
    name: str
    caption: str
    details: list[Row]
    activity_href: str
    list_href: str
    client_href: str | None
    supported: bool
    decision: list[Row] | None
    earlier: list[Row] | None


def _decision_rows(decision: ScreeningDecision) -> list[Row]:
    rows = [
        Row("Decision", decision_text(decision)),
        Row(
            "Decided",
            f"{format_datetime(decision.decided_at)} by "
            + display_username(decision.decided_by_username),
        ),
    ]
    if decision.list_as_of:
        rows.insert(0, Row("List", f"As of {format_date(decision.list_as_of)}"))
    if decision.note:
        rows.append(Row("Note", decision.note))
    return rows


def person_screening_page(
    person: IdentifiedPerson,
    *,
    decision: ScreeningDecision | None,
    earlier: ScreeningDecision | None,
    client_id: int | None,
    supported: bool,
) -> PersonScreeningPage:
    run = person.run
    details = [
        Row("NHS number", format_nhs_number(person.nhs_number)),
        Row(
            "Date of birth",
            f"{format_date(person.date_of_birth)}"
            + (f" (age {person.age})" if person.age is not None else "")
            if person.date_of_birth
            else "Not known",
        ),
        Row("Phone", person.phone or "Not known"),
        Row("Place on the list", mark_tag(person.mark).text),
        Row("Priority rank", str(person.rank) if person.rank is not None else NOT_APPLICABLE),
        Row("Eligible from", format_date(person.eligibility_date) or NOT_APPLICABLE),
        Row("Thresholds met", thresholds_text(person.thresholds_met, run.thresholds)),
    ]
    details += [Row(heading, _count(getattr(person, name))) for name, heading in SCREENING_COUNTS]
    return PersonScreeningPage(
        person=person,
        run=run,
        name=display_name(person.given_name, person.family_name),
        caption=f"List as of {format_date(run.as_of)}",
        details=details,
        activity_href=reverse(
            "identification:person", kwargs={"run_id": run.pk, "person_id": person.pk}
        ),
        list_href=reverse("screening:run", kwargs={"run_id": run.pk}),
        client_href=reverse("clients:detail", args=[client_id]) if client_id else None,
        supported=supported,
        decision=_decision_rows(decision) if decision else None,
        earlier=_decision_rows(earlier) if earlier else None,
    )


# Decline reasons ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ReasonRow:
    reason: DeclineReason
    label: str
    status: Tag
    used: str
    action: str  # "retire" or "restore"


def reason_rows(reasons: Iterable[DeclineReason], used: dict[int, int]) -> list[ReasonRow]:
    return [
        ReasonRow(
            reason=reason,
            label=reason.label,
            status=Tag("Offered", "nhsuk-tag--green")
            if reason.active
            else Tag("Retired", "nhsuk-tag--grey"),
            used=format_count(used.get(reason.pk, 0)),
            action="retire" if reason.active else "restore",
        )
        for reason in reasons
    ]


# Referrals ---------------------------------------------------------------------------------


def referral_url(referral: Referral) -> str:
    return reverse("screening:referral", kwargs={"referral_id": referral.pk})


def clock_tag(clock: Clock) -> Tag:
    return Tag(clock.text, CLOCK_TAGS[clock.state])


@dataclass(frozen=True)
class ReferralRow:
    href: str
    received: str
    name: str
    nhs_number: str
    organisation: str
    vulnerability: str
    clock: Tag


def referral_rows(referrals: Iterable[Referral], clocks: dict[int, Clock]) -> list[ReferralRow]:
    return [
        ReferralRow(
            href=referral_url(referral),
            received=format_datetime(referral.received_at),
            name=display_name(referral.client.given_name, referral.client.family_name),
            nhs_number=format_nhs_number(referral.client.nhs_number),
            organisation=referral.referring_organisation,
            vulnerability="Yes" if referral.vulnerability else "No",
            clock=clock_tag(clocks[referral.pk]),
        )
        for referral in referrals
    ]


def quarter_heading(share: QuarterShare) -> str:
    return f"{format_date(share.start)} to {format_date(share.end)}"


@dataclass(frozen=True)
class ReferralPage:
    referral: Referral
    name: str
    clock: Tag
    person: list[Row]
    referral_rows: list[Row]
    client_href: str
    contacts_note: str
    confirmation: str


def _practice(code: str) -> str:
    """A GP practice by its loaded name and code, or the code; "Not known" without one."""
    if not code:
        return "Not known"
    name = organisation_name(code)
    return f"{name} ({code})" if name else code


def referral_page(referral: Referral, clock: Clock) -> ReferralPage:
    client = referral.client
    person = [
        Row("NHS number", format_nhs_number(client.nhs_number)),
        Row("Date of birth", format_date(client.date_of_birth)),
        Row("Sex", Sex(client.sex).label if client.sex in Sex.values else client.sex),
        Row("Phone", client.phone or "Not known"),
        Row("Postcode", client.postcode or "Not known"),
        Row("GP practice", _practice(client.gp_practice_code)),
    ]
    rows = [
        Row("Received", format_datetime(referral.received_at)),
        Row("Referred by", referral.referring_organisation),
        Row("Referrer", referral.referrer_name or "Not given"),
        Row("Referrer's contact details", referral.referrer_contact or "Not given"),
        Row("Reason for referral", referral.reason),
        Row(
            "Referred for vulnerability",
            "Yes: vulnerability rather than high use of services"
            if referral.vulnerability
            else "No",
        ),
        Row("Agreed to be referred", "Yes" if referral.consent_to_refer else "No"),
        Row("First contact due by", format_datetime(referral.first_contact_due_at)),
        Row(
            "First contact",
            format_datetime(clock.first_contact_at) if clock.first_contact_at else "Not yet",
        ),
        Row(
            "Recorded",
            f"{format_datetime(referral.created_at)} by "
            + display_username(referral.recorded_by_username),
        ),
    ]
    said = []
    if referral.client_existed:
        said.append(
            "The person already had a client record with your service, which was used: the "
            "names on it were not changed."
        )
    else:
        said.append("A new client record was made for the person.")
    if referral.opened_episode:
        said.append("An episode of support was opened, in contacting.")
    else:
        said.append("They already had an open episode of support: the referral was added to it.")
    return ReferralPage(
        referral=referral,
        name=client.full_name,
        clock=clock_tag(clock),
        person=person,
        referral_rows=rows,
        client_href=reverse("clients:detail", args=[client.pk]),
        contacts_note="The clock stops at the first contact that reaches the person, recorded "
        "on their contacts page. Attempts that did not reach them do not stop it.",
        confirmation=" ".join(said),
    )
