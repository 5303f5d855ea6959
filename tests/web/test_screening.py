"""Screening identified lists and live referrals: the rules, the boundaries and the refusals.

Seeds: 000 §2.3.1 (screening: accepted, or the reason recorded), 001 §4 (people referred for
vulnerability below any threshold), 002 (Chelsea & Westminster's live referrals and their
24-hour first-contact KPI).
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from hiu.web.accounts.models import Service
from hiu.web.accounts.roles import Role
from hiu.web.audit.models import Action, AuditEvent
from hiu.web.clients.models import Client
from hiu.web.contacts.models import Channel, Contact
from hiu.web.demo.factories import make_listed_person, make_run
from hiu.web.episodes.models import Episode
from hiu.web.episodes.phases import Complexity, Phase, WayIn
from hiu.web.episodes.services import move, open_episode, pathway_for
from hiu.web.identification.models import IdentificationRun, IdentifiedPerson
from hiu.web.identification.status import Mark, RunStatus
from hiu.web.screening import due
from hiu.web.screening.models import Decision, DeclineReason, Referral, ScreeningDecision
from hiu.web.screening.services import (
    DEFAULT_REASONS,
    ReferralDetails,
    first_contact_status,
    quarter_share,
    quarter_start,
    reasons_for,
    record_referral,
)

pytestmark = pytest.mark.db_engine

# NHS numbers that pass Modulus 11 (synthetic, in the 999 range).
VALID = ["9992000007", "9992000015", "9992000023", "9992000031", "9992000058", "9992000066"]


def reason(service: Service, label: str) -> DeclineReason:
    return reasons_for(service).get(label=label)


@pytest.fixture
def lead(staff: dict[Role, User], signed_in: Callable[[User], HttpClient]) -> HttpClient:
    return signed_in(staff[Role.SERVICE_LEAD])


@pytest.fixture
def run(service: Service) -> IdentificationRun:
    return make_run(service, dt.date(2026, 1, 31))


def screen(browser: HttpClient, person: IdentifiedPerson, **data: Any) -> Any:
    return browser.post(reverse("screening:person", kwargs={"person_id": person.pk}), data)


def text_of(response: Any) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.content.decode()))


# Screening a list --------------------------------------------------------------------------


def test_accepting_makes_a_client_and_opens_an_episode_in_contacting(
    lead: HttpClient, staff: dict[Role, User], service: Service, run: IdentificationRun
) -> None:
    # Given a person on the list with no client record
    person = make_listed_person(run, VALID[0], 1)
    manager = staff[Role.CASE_MANAGER]
    # When the lead accepts them as high complexity, for the case manager
    response = screen(
        lead, person, decision="accept", complexity="high", case_manager=manager.pk, note="Call"
    )
    # Then a client is made from the list row, allocated, with an episode in contacting
    assert response.status_code == 302
    assert response["Location"] == reverse("screening:run", kwargs={"run_id": run.pk})
    client = Client.objects.get(service=service, nhs_number=VALID[0])
    assert (client.given_name, client.family_name) == ("Jean", "Knight1")
    assert client.date_of_birth == dt.date(1960, 5, 1)
    assert client.phone == "07700 900123"
    assert client.way_in == "identified"
    assert client.case_manager == manager
    episode = Episode.objects.get(client=client)
    assert episode.phase == Phase.CONTACTING
    assert episode.complexity == Complexity.HIGH
    assert episode.way_in == WayIn.IDENTIFIED
    assert episode.identified_person_id == person.pk
    assert episode.changes.get().reason == "Accepted at screening"
    decision = ScreeningDecision.objects.get(identified_person=person)
    assert decision.decision == Decision.ACCEPT
    assert (decision.client, decision.episode) == (client, episode)
    assert decision.nhs_number == VALID[0]
    assert decision.note == "Call"


def test_accepting_without_a_case_manager_leaves_the_client_unallocated(
    lead: HttpClient, service: Service, run: IdentificationRun
) -> None:
    person = make_listed_person(run, VALID[0], 1)
    screen(lead, person, decision="accept", complexity="low", case_manager="")
    client = Client.objects.get(service=service, nhs_number=VALID[0])
    assert client.case_manager is None
    assert Episode.objects.get(client=client).complexity == Complexity.LOW


def test_accepting_someone_with_a_client_record_uses_it_without_changing_names(
    lead: HttpClient,
    service: Service,
    run: IdentificationRun,
    make_client: Callable[..., Client],
) -> None:
    existing = make_client(service, nhs_number=VALID[0], given_name="Jeanne")
    person = make_listed_person(run, VALID[0], 1)
    screen(lead, person, decision="accept", complexity="medium")
    assert Client.objects.filter(service=service, nhs_number=VALID[0]).count() == 1
    existing.refresh_from_db()
    assert existing.given_name == "Jeanne"
    assert Episode.objects.get(client=existing).phase == Phase.CONTACTING


def test_accepting_someone_who_already_has_an_open_episode_is_refused(
    lead: HttpClient,
    staff: dict[Role, User],
    service: Service,
    run: IdentificationRun,
    make_client: Callable[..., Client],
) -> None:
    # Given a client of the service already being supported
    existing = make_client(service, nhs_number=VALID[0])
    open_episode(existing, by=staff[Role.SERVICE_LEAD], way_in=WayIn.REFERRED, phase=Phase.ENGAGED)
    person = make_listed_person(run, VALID[0], 1)
    # When the lead accepts them from the list
    response = screen(lead, person, decision="accept", complexity="high")
    # Then the form says why, and nothing is recorded
    assert response.status_code == 200
    assert "already has an open episode of support" in text_of(response)
    assert "Already supported" in text_of(response)
    assert not ScreeningDecision.objects.exists()
    assert Episode.objects.filter(client=existing).count() == 1


def test_declining_records_the_reason_and_makes_no_client(
    lead: HttpClient, service: Service, run: IdentificationRun
) -> None:
    person = make_listed_person(run, VALID[0], 1)
    moved = reason(service, "Moved out of the area")
    response = screen(lead, person, decision="decline", reason=moved.pk, complexity="high")
    assert response.status_code == 302
    assert not Client.objects.exists()
    assert not Episode.objects.exists()
    decision = ScreeningDecision.objects.get(identified_person=person)
    assert (decision.decision, decision.reason, decision.client) == (Decision.DECLINE, moved, None)
    # The tier given with a decline is not kept: it belongs to accepting.
    assert decision.complexity == ""


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Select whether to accept or decline this person"),
        ({"decision": "accept"}, "Select the complexity tier"),
        ({"decision": "decline"}, "Select why the person is not being offered support"),
        ({"decision": "decline", "reason": "999999"}, "Select why the person"),
    ],
)
def test_the_form_says_what_is_missing(
    lead: HttpClient, run: IdentificationRun, data: dict[str, str], message: str
) -> None:
    person = make_listed_person(run, VALID[0], 1)
    response = screen(lead, person, **data)
    assert response.status_code == 200
    assert message in text_of(response)
    assert "There is a problem" in text_of(response)
    assert not ScreeningDecision.objects.exists()


def test_a_case_manager_from_another_service_cannot_be_chosen(
    lead: HttpClient,
    make_user: Callable[..., User],
    other_service: Service,
    run: IdentificationRun,
) -> None:
    outsider = make_user("outsider", Role.CASE_MANAGER, other_service)
    person = make_listed_person(run, VALID[0], 1)
    response = screen(lead, person, decision="accept", complexity="high", case_manager=outsider.pk)
    assert "Select a case manager from the list" in text_of(response)
    assert not Client.objects.exists()


def test_a_person_is_screened_once_on_a_list(
    lead: HttpClient, service: Service, run: IdentificationRun
) -> None:
    person = make_listed_person(run, VALID[0], 1)
    screen(lead, person, decision="decline", reason=reason(service, "Died").pk)
    response = screen(lead, person, decision="accept", complexity="high")
    assert response.status_code == 200
    assert "already been screened on this list" in text_of(response)
    assert ScreeningDecision.objects.count() == 1
    assert not Client.objects.exists()


def test_an_earlier_decision_is_shown_on_a_later_list(
    lead: HttpClient, service: Service, run: IdentificationRun
) -> None:
    # Given a person declined on January's list
    screen(
        lead,
        make_listed_person(run, VALID[0], 1),
        decision="decline",
        reason=reason(service, "Moved out of the area").pk,
    )
    # When they are on February's list again
    later = make_run(service, dt.date(2026, 2, 28))
    again = make_listed_person(later, VALID[0], 3, mark=Mark.CONTINUING)
    # Then both the list and their page show what was decided before, and why
    expected = "Screened before on the list as of 31 January 2026: Declined: Moved out of the area"
    listing = text_of(lead.get(reverse("screening:run", kwargs={"run_id": later.pk})))
    assert expected in listing
    assert "Not yet screened" in listing
    page = text_of(lead.get(reverse("screening:person", kwargs={"person_id": again.pk})))
    assert "Screened on an earlier list" in page
    assert "Declined: Moved out of the area" in page
    assert "Save the decision" in page


def test_a_retired_reason_stays_on_old_decisions_and_is_no_longer_offered(
    lead: HttpClient, service: Service, run: IdentificationRun
) -> None:
    mdt = reason(service, "Agreed at the MDT not to offer the service")
    screen(lead, make_listed_person(run, VALID[0], 1), decision="decline", reason=mdt.pk)
    lead.post(reverse("screening:reasons"), {"action": "retire", "reason": mdt.pk})
    mdt.refresh_from_db()
    assert not mdt.active
    listing = text_of(lead.get(reverse("screening:run", kwargs={"run_id": run.pk}) + "?show=all"))
    assert "Declined: Agreed at the MDT not to offer the service (reason now retired)" in listing
    # A retired reason cannot be chosen for a new decision.
    other = make_listed_person(run, VALID[1], 2)
    page = text_of(lead.get(reverse("screening:person", kwargs={"person_id": other.pk})))
    assert "Agreed at the MDT" not in page
    response = screen(lead, other, decision="decline", reason=mdt.pk)
    assert "Select why the person is not being offered support" in text_of(response)


def test_the_list_shows_who_is_already_supported_and_who_is_left_to_screen(
    lead: HttpClient,
    staff: dict[Role, User],
    service: Service,
    run: IdentificationRun,
    make_client: Callable[..., Client],
) -> None:
    supported = make_client(service, nhs_number=VALID[1])
    open_episode(supported, by=staff[Role.SERVICE_LEAD], way_in=WayIn.REFERRED)
    make_listed_person(run, VALID[0], 1, family_name="Waiting")
    make_listed_person(run, VALID[1], 2, family_name="Helped")
    screened = make_listed_person(run, VALID[2], 3, family_name="Decided")
    make_listed_person(run, VALID[3], None, family_name="Gone", mark=Mark.DROPPED)
    screen(lead, screened, decision="decline", reason=reason(service, "Died").pk)
    url = reverse("screening:run", kwargs={"run_id": run.pk})
    unscreened = text_of(lead.get(url))
    assert "WAITING" in unscreened
    assert "HELPED" in unscreened
    assert "DECIDED" not in unscreened
    # Dropped people are not on this list: they are not screened from it.
    assert "GONE" not in unscreened
    assert "1 of 3 people on the list screened" in unscreened
    assert unscreened.count("Already supported") == 1
    everyone = text_of(lead.get(url + "?show=all"))
    assert "DECIDED" in everyone
    assert "Declined: Died" in everyone


def test_a_person_without_a_date_of_birth_cannot_be_accepted_from_the_list(
    lead: HttpClient, run: IdentificationRun
) -> None:
    person = make_listed_person(run, VALID[0], 1, date_of_birth=None)
    response = screen(lead, person, decision="accept", complexity="high")
    assert "record them as a referral instead" in text_of(response)
    assert not Client.objects.exists()
    assert not ScreeningDecision.objects.exists()


def test_a_list_still_being_made_sends_people_back_to_it(
    lead: HttpClient, service: Service
) -> None:
    queued = make_run(service, dt.date(2026, 1, 31))
    queued.status = RunStatus.QUEUED
    queued.save()
    response = lead.get(reverse("screening:run", kwargs={"run_id": queued.pk}))
    assert response["Location"] == reverse("identification:run", kwargs={"run_id": queued.pk})


def test_screening_is_audited_by_record_id_without_patient_data(
    lead: HttpClient, service: Service, run: IdentificationRun
) -> None:
    accepted = make_listed_person(run, VALID[0], 1)
    declined = make_listed_person(run, VALID[1], 2)
    screen(lead, accepted, decision="accept", complexity="high")
    screen(lead, declined, decision="decline", reason=reason(service, "Died").pk)
    events = AuditEvent.objects.filter(action=Action.SCREEN_PERSON).order_by("id")
    assert [(e.object_type, e.object_id, e.detail) for e in events] == [
        ("identified_person", str(accepted.pk), {"decision": "accept", "run": run.pk}),
        ("identified_person", str(declined.pk), {"decision": "decline", "run": run.pk}),
    ]
    client = Client.objects.get()
    created = AuditEvent.objects.get(action=Action.CREATE_CLIENT)
    assert (created.object_type, created.object_id) == ("client", str(client.pk))
    for event in AuditEvent.objects.all():
        assert VALID[0] not in str(event.detail)
        assert "Knight" not in str(event.detail)


# Decline reasons ---------------------------------------------------------------------------


def test_a_service_starts_with_the_default_reasons_once(service: Service) -> None:
    assert [r.label for r in reasons_for(service)] == list(DEFAULT_REASONS)
    assert reasons_for(service).count() == len(DEFAULT_REASONS)


def test_the_lead_adds_renames_retires_and_restores_reasons(
    lead: HttpClient, service: Service
) -> None:
    url = reverse("screening:reasons")
    lead.post(url, {"action": "add", "add-label": "  Under another HIU service  "})
    added = DeclineReason.objects.get(service=service, label="Under another HIU service")
    assert added.position == len(DEFAULT_REASONS) + 1
    lead.post(
        url, {"action": "rename", "rename-reason": added.pk, "rename-label": "With another HIU"}
    )
    added.refresh_from_db()
    assert added.label == "With another HIU"
    lead.post(url, {"action": "retire", "reason": added.pk})
    added.refresh_from_db()
    assert not added.active
    lead.post(url, {"action": "restore", "reason": added.pk})
    added.refresh_from_db()
    assert added.active
    changes = AuditEvent.objects.filter(action=Action.CHANGE_SERVICE_SETTINGS).order_by("id")
    assert [e.detail["change"] for e in changes] == ["add", "rename", "retire", "restore"]
    assert all(e.object_id == str(service.pk) for e in changes)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "add", "add-label": ""}, "Enter the reason"),
        ({"action": "add", "add-label": "died"}, "already has a reason with this wording"),
        ({"action": "rename", "rename-reason": "", "rename-label": "x"}, "Select the reason"),
    ],
)
def test_reason_changes_say_what_to_fix(
    lead: HttpClient, service: Service, data: dict[str, str], message: str
) -> None:
    before = list(reasons_for(service).values_list("label", flat=True))
    response = lead.post(reverse("screening:reasons"), data)
    assert response.status_code == 200
    assert message in text_of(response)
    assert list(reasons_for(service).values_list("label", flat=True)) == before


# Live referrals ----------------------------------------------------------------------------


def referral_form(**changes: str) -> dict[str, str]:
    now = timezone.localtime() - dt.timedelta(hours=1)
    data = {
        "nhs_number": "999 200 0007",
        "given_name": "Ada",
        "family_name": "Lovelace",
        "date_of_birth_day": "10",
        "date_of_birth_month": "12",
        "date_of_birth_year": "1985",
        "sex": "2",
        "phone": "07700 900456",
        "postcode": "sw10 9nh",
        "gp_practice_code": "e85001",
        "referring_organisation": "Psychiatric liaison",
        "referrer_name": "Sam Nurse",
        "referrer_contact": "ext 1234",
        "reason": "Lost job, no GP",
        "vulnerability": "on",
        "consent_to_refer": "yes",
        "received_day": str(now.day),
        "received_month": str(now.month),
        "received_year": str(now.year),
        "received_time": f"{now:%H:%M}",
    }
    data.update(changes)
    return data


def post_referral(browser: HttpClient, **changes: str) -> Any:
    return browser.post(reverse("screening:new_referral"), referral_form(**changes))


def test_a_referral_makes_a_client_and_opens_an_episode_in_contacting(
    lead: HttpClient, service: Service
) -> None:
    response = post_referral(lead)
    referral = Referral.objects.get()
    assert response["Location"] == reverse(
        "screening:referral", kwargs={"referral_id": referral.pk}
    )
    client = referral.client
    assert (client.nhs_number, client.given_name, client.family_name) == (
        "9992000007",
        "Ada",
        "Lovelace",
    )
    assert (client.postcode, client.gp_practice_code, client.way_in) == (
        "SW10 9NH",
        "E85001",
        "referred",
    )
    episode = Episode.objects.get(client=client)
    assert referral.episode == episode
    assert (episode.phase, episode.way_in) == (Phase.CONTACTING, WayIn.REFERRED)
    assert episode.changes.get().reason == "Referred by Psychiatric liaison"
    assert referral.vulnerability
    assert referral.consent_to_refer
    assert referral.first_contact_due_at - referral.received_at == dt.timedelta(hours=24)
    event = AuditEvent.objects.get(action=Action.CREATE_CLIENT)
    assert (event.object_id, event.detail) == (
        str(client.pk),
        {"what": "referral", "referral": referral.pk},
    )
    page = text_of(lead.get(response["Location"]))
    assert "Referral recorded" in page
    assert "A new client record was made" in page
    assert "Contact due by" in page


def test_a_referral_without_the_persons_agreement_is_refused(lead: HttpClient) -> None:
    response = post_referral(lead, consent_to_refer="no")
    assert response.status_code == 200
    assert "A referral can only be accepted when the person has agreed to be referred" in text_of(
        response
    )
    assert not Referral.objects.exists()
    assert not Client.objects.exists()


@pytest.mark.parametrize("number", ["9992000008", "999200000", "99920000O7", ""])
def test_an_invalid_nhs_number_is_refused(lead: HttpClient, number: str) -> None:
    response = post_referral(lead, nhs_number=number)
    message = "Enter a valid NHS number" if number else "Enter the person's NHS number"
    assert message in text_of(response)
    assert not Referral.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"referring_organisation": ""}, "Enter who referred the person"),
        ({"reason": ""}, "Enter why the person was referred"),
        (
            {"date_of_birth_day": "", "date_of_birth_month": "", "date_of_birth_year": ""},
            "Enter the person's date of birth",
        ),
        ({"date_of_birth_day": "31", "date_of_birth_month": "2"}, "must be a real date"),
        ({"received_time": "25:00"}, "like 14:30"),
        ({"received_year": "2999"}, "must be in the past"),
    ],
)
def test_the_referral_form_says_what_to_fix(
    lead: HttpClient, changes: dict[str, str], message: str
) -> None:
    response = post_referral(lead, **changes)
    assert response.status_code == 200
    assert message in text_of(response)
    assert not Referral.objects.exists()


def test_a_referral_for_an_existing_client_uses_their_record_and_keeps_their_names(
    lead: HttpClient, service: Service, make_client: Callable[..., Client]
) -> None:
    existing = make_client(service, nhs_number="9992000007", given_name="Augusta", phone="")
    response = post_referral(lead)
    existing.refresh_from_db()
    assert Client.objects.count() == 1
    assert (existing.given_name, existing.family_name) != ("Ada", "Lovelace")
    assert existing.given_name == "Augusta"
    # Empty contact details are filled in from the referral.
    assert existing.phone == "07700 900456"
    referral = Referral.objects.get()
    assert referral.client == existing
    assert referral.client_existed
    event = AuditEvent.objects.get(action=Action.UPDATE_CLIENT, detail__what="referral")
    assert event.detail == {"what": "referral", "referral": referral.pk}
    assert not AuditEvent.objects.filter(action=Action.CREATE_CLIENT).exists()
    page = text_of(lead.get(response["Location"]))
    assert "already had a client record with your service, which was used" in page


def test_a_referral_for_someone_already_supported_is_added_to_their_open_episode(
    lead: HttpClient,
    staff: dict[Role, User],
    service: Service,
    make_client: Callable[..., Client],
) -> None:
    existing = make_client(service, nhs_number="9992000007")
    episode = open_episode(
        existing, by=staff[Role.SERVICE_LEAD], way_in=WayIn.IDENTIFIED, phase=Phase.ENGAGED
    )
    post_referral(lead)
    referral = Referral.objects.get()
    assert referral.episode == episode
    assert not referral.opened_episode
    assert Episode.objects.filter(client=existing).count() == 1


def test_another_services_client_with_the_same_nhs_number_is_not_used(
    lead: HttpClient, service: Service, other_service: Service, make_client: Callable[..., Client]
) -> None:
    theirs = make_client(other_service, nhs_number="9992000007")
    post_referral(lead)
    referral = Referral.objects.get()
    assert referral.client != theirs
    assert referral.client.service == service


# The first-contact clock -------------------------------------------------------------------

RECEIVED = timezone.make_aware(dt.datetime(2026, 1, 12, 10, 0))


def details(nhs_number: str = VALID[0], received_at: dt.datetime = RECEIVED) -> ReferralDetails:
    return ReferralDetails(
        nhs_number=nhs_number,
        given_name="Ada",
        family_name="Lovelace",
        date_of_birth=dt.date(1985, 12, 10),
        sex="2",
        phone="",
        postcode="",
        gp_practice_code="",
        referring_organisation="Psychiatric liaison",
        referrer_name="",
        referrer_contact="",
        reason="Unmet social need",
        vulnerability=False,
        consent_to_refer=True,
        received_at=received_at,
    )


def contact(referral: Referral, at: dt.datetime, *, reached: bool = True) -> Contact:
    return Contact.objects.create(
        client=referral.client, at=at, channel=Channel.PHONE, reached=reached
    )


@pytest.fixture
def referred(service: Service, staff: dict[Role, User]) -> Referral:
    return record_referral(service, details(), by=staff[Role.CASE_MANAGER])


def test_a_contact_at_exactly_the_due_time_is_within_the_target(referred: Referral) -> None:
    contact(referred, RECEIVED + dt.timedelta(hours=24))
    assert first_contact_status(referred) == "Contacted within 24 hours"


def test_a_contact_one_minute_late_is_not_within_the_target(referred: Referral) -> None:
    contact(referred, RECEIVED + dt.timedelta(hours=24, minutes=1))
    assert first_contact_status(referred) == "Contacted after 24 hours"


def test_a_late_contact_says_how_many_hours_it_took(referred: Referral) -> None:
    contact(referred, RECEIVED + dt.timedelta(hours=31, minutes=20))
    assert first_contact_status(referred) == "Contacted after 31 hours"


def test_an_attempt_that_did_not_reach_the_person_does_not_stop_the_clock(
    referred: Referral,
) -> None:
    contact(referred, RECEIVED + dt.timedelta(hours=1), reached=False)
    assert first_contact_status(referred, now=RECEIVED + dt.timedelta(hours=25)) == "Overdue"
    contact(referred, RECEIVED + dt.timedelta(hours=26))
    assert first_contact_status(referred) == "Contacted after 26 hours"


def test_contacts_before_the_referral_do_not_count(referred: Referral) -> None:
    contact(referred, RECEIVED - dt.timedelta(minutes=1))
    assert first_contact_status(referred, now=RECEIVED + dt.timedelta(hours=2)) == (
        "Contact due by 13 January 2026, 10:00am"
    )


def test_the_clock_uses_the_services_hours(service: Service, staff: dict[Role, User]) -> None:
    pathway = pathway_for(service)
    pathway.first_contact_hours = 48
    pathway.save()
    referral = record_referral(service, details(), by=staff[Role.CASE_MANAGER])
    assert referral.first_contact_due_at == RECEIVED + dt.timedelta(hours=48)
    contact(referral, RECEIVED + dt.timedelta(hours=47))
    assert first_contact_status(referral) == "Contacted within 48 hours"


def test_the_quarters_share_counts_referrals_once_they_are_settled(
    service: Service, other_service: Service, staff: dict[Role, User]
) -> None:
    by = staff[Role.CASE_MANAGER]
    now = timezone.make_aware(dt.datetime(2026, 2, 15, 12, 0))

    def refer(n: int, received: dt.datetime, where: Service = service) -> Referral:
        number = f"99930{n:05d}"
        return record_referral(where, details(number, received), by=by)

    jan = timezone.make_aware(dt.datetime(2026, 1, 5, 9, 0))
    # Seven contacted within 24 hours, one late, one overdue with no contact
    for n in range(7):
        contact(refer(n, jan + dt.timedelta(days=n)), jan + dt.timedelta(days=n, hours=23))
    contact(refer(7, jan), jan + dt.timedelta(hours=30))
    refer(8, jan + dt.timedelta(days=20))
    # Not counted: still inside its time, last quarter's, and another service's
    refer(9, now - dt.timedelta(hours=1))
    december = timezone.make_aware(dt.datetime(2025, 12, 31, 23, 30))
    contact(refer(10, december), december + dt.timedelta(hours=1))
    refer(11, jan, other_service)
    share = quarter_share(Referral.objects.filter(service=service), now=now)
    assert (share.met, share.counted, share.waiting) == (7, 9, 1)
    assert share.text == "7 of 9 (78%)"
    assert (share.start, share.end) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))


def test_the_referrals_page_shows_each_clock_and_the_quarters_share(
    lead: HttpClient, service: Service, staff: dict[Role, User]
) -> None:
    now = timezone.now()
    within = record_referral(
        service, details(VALID[0], now - dt.timedelta(hours=30)), by=staff[Role.CASE_MANAGER]
    )
    contact(within, now - dt.timedelta(hours=29))
    record_referral(
        service, details(VALID[1], now - dt.timedelta(hours=26)), by=staff[Role.CASE_MANAGER]
    )
    page = text_of(lead.get(reverse("screening:referrals")))
    assert "Contacted within 24 hours" in page
    assert "Overdue" in page
    # Both were received this quarter, unless the quarter began in the last 30 hours.
    today = timezone.localdate(now)
    if timezone.localdate(now - dt.timedelta(hours=30)) >= quarter_start(today):
        assert "1 of 2 (50%)" in page


# Tasks -------------------------------------------------------------------------------------


def test_a_referral_not_yet_contacted_is_a_task_until_someone_reaches_them(
    referred: Referral, service: Service
) -> None:
    clients = Client.objects.filter(service=service)
    tasks = due.tasks_due(clients, dt.date(2026, 1, 12))
    assert [(t.what, t.due_on, t.kind, t.client_id) for t in tasks] == [
        ("First contact for referral", dt.date(2026, 1, 13), "referral", referred.client_id)
    ]
    assert tasks[0].url == reverse("contacts:client", kwargs={"client_id": referred.client_id})
    contact(referred, RECEIVED + dt.timedelta(hours=2), reached=False)
    assert len(due.tasks_due(clients, dt.date(2026, 1, 12))) == 1
    contact(referred, RECEIVED + dt.timedelta(hours=3))
    assert due.tasks_due(clients, dt.date(2026, 1, 12)) == []


def test_no_first_contact_task_once_the_episode_has_closed(
    referred: Referral, service: Service, staff: dict[Role, User]
) -> None:
    assert referred.episode is not None
    move(referred.episode, Phase.CLOSED, by=staff[Role.SERVICE_LEAD], reason="Declined support")
    assert due.tasks_due(Client.objects.filter(service=service), dt.date(2026, 1, 12)) == []


def test_tasks_are_only_for_the_clients_asked_about(
    referred: Referral, other_service: Service
) -> None:
    assert due.tasks_due(Client.objects.filter(service=other_service), dt.date(2026, 1, 12)) == []
