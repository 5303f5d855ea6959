"""Correcting the record (ADR 0019): amend with a reason, mark entered in error, and the lead's
move of an entry filed on the wrong client; the history each keeps, the audit events, and every
figure built from contacts following the corrected record."""

from __future__ import annotations

import datetime as dt
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
from hiu.web.contacts import due as contacts_due
from hiu.web.contacts.attempts import run_for
from hiu.web.contacts.models import Channel, Contact
from hiu.web.contacts.presenters import last_contact
from hiu.web.contacts.services import record_contact
from hiu.web.corrections.entries import Correctable, CurrentManager
from hiu.web.corrections.models import Correction, CorrectionAction
from hiu.web.corrections.registry import all_kinds, kind_named
from hiu.web.corrections.services import amend, mark_in_error, move
from hiu.web.episodes.models import Episode
from hiu.web.episodes.phases import Phase, WayIn
from hiu.web.episodes.services import open_episode
from hiu.web.refused import Refused
from hiu.web.screening import due as screening_due
from hiu.web.screening.models import Referral

pytestmark = pytest.mark.db_engine

HOSTILE = '<script>alert("x")</script> =HYPERLINK("http://evil.example","click")'
CONTACT = "contact"


def _ago(**delta: Any) -> dt.datetime:
    return timezone.now() - dt.timedelta(**delta)


@pytest.fixture
def worker(staff: dict[Role, User]) -> User:
    return staff[Role.CASE_MANAGER]


@pytest.fixture
def lead(staff: dict[Role, User]) -> User:
    return staff[Role.SERVICE_LEAD]


@pytest.fixture
def person(make_client: Callable[..., Client], service: Service, worker: User) -> Client:
    return make_client(service, case_manager=worker)


@pytest.fixture
def right(make_client: Callable[..., Client], service: Service, worker: User) -> Client:
    return make_client(service, case_manager=worker)


@pytest.fixture
def contacting(person: Client, worker: User) -> Episode:
    return open_episode(
        person,
        by=worker,
        way_in=WayIn.IDENTIFIED,
        phase=Phase.CONTACTING,
        on=timezone.localdate() - dt.timedelta(days=30),
    )


def _contact(client: Client, by: User, hours_ago: int, reached: bool = True, **kw: Any) -> Contact:
    return record_contact(
        client,
        by=by,
        at=_ago(hours=hours_ago),
        channel=kw.pop("channel", Channel.PHONE),
        reached=reached,
        note=kw.pop("note", "Spoke about the week"),
        **kw,
    )


# The mechanism ----------------------------------------------------------------------------


def test_every_correctable_models_default_manager_leaves_out_entries_in_error() -> None:
    for kind in all_kinds():
        assert issubclass(kind.model, Correctable)
        assert kind.model._default_manager.name == "objects", kind.slug
        assert isinstance(kind.model._default_manager, CurrentManager), kind.slug


def test_an_unknown_kind_is_not_found() -> None:
    from django.http import Http404

    with pytest.raises(Http404):
        kind_named("nonsense")


# Amend ----------------------------------------------------------------------------------


def test_amending_keeps_each_changed_field_old_and_new_with_who_and_why(
    person: Client, worker: User
) -> None:
    contact = _contact(person, worker, hours_ago=2, duration_minutes=90)
    correction = amend(
        kind_named(CONTACT),
        contact,
        {"duration_minutes": 9, "note": contact.note},
        reason="Typed 90 for 9",
        by=worker,
    )
    contact.refresh_from_db()
    assert contact.duration_minutes == 9
    assert correction.action == CorrectionAction.AMENDED
    assert correction.changes == [{"field": "Minutes", "old": "90", "new": "9"}]
    assert (correction.reason, correction.by, correction.client) == (
        "Typed 90 for 9",
        worker,
        person,
    )


def test_a_value_that_reads_the_same_is_not_a_change(person: Client, worker: User) -> None:
    # A check-out records its contact to the second; the form reads times to the minute.
    contact = _contact(person, worker, hours_ago=2, duration_minutes=10)
    exact = contact.at.replace(second=37, microsecond=120)
    Contact.objects.filter(pk=contact.pk).update(at=exact)
    contact.refresh_from_db()
    to_the_minute = contact.at.replace(second=0, microsecond=0)
    correction = amend(
        kind_named(CONTACT),
        contact,
        {"at": to_the_minute, "duration_minutes": 12},
        reason="Typo",
        by=worker,
    )
    assert [change["field"] for change in correction.changes] == ["Minutes"]
    contact.refresh_from_db()
    assert contact.at == exact


def test_amending_with_nothing_changed_or_no_reason_is_refused(
    person: Client, worker: User
) -> None:
    contact = _contact(person, worker, hours_ago=2)
    with pytest.raises(Refused, match="Nothing has changed"):
        amend(kind_named(CONTACT), contact, {"note": contact.note}, reason="x", by=worker)
    with pytest.raises(Refused, match="Enter why"):
        amend(kind_named(CONTACT), contact, {"note": "other"}, reason="  ", by=worker)
    assert not Correction.objects.exists()


def test_amending_is_audited_by_kind_and_id_without_values_or_reason(
    person: Client, worker: User
) -> None:
    contact = _contact(person, worker, hours_ago=2, note="Secret words")
    amend(kind_named(CONTACT), contact, {"note": "New words"}, reason="Wrong note", by=worker)
    event = AuditEvent.objects.filter(action=Action.UPDATE_CLIENT).latest("id")
    assert (event.object_type, event.object_id) == ("client", str(person.pk))
    assert event.detail == {"correction": "amended", "kind": "contact", "entry": contact.pk}


def test_the_amend_page_saves_and_the_history_shows_old_and_new(
    signed_in: Callable[[User], HttpClient], person: Client, worker: User
) -> None:
    contact = _contact(person, worker, hours_ago=2, duration_minutes=45)
    http = signed_in(worker)
    url = reverse("corrections:amend", args=[person.pk, CONTACT, contact.pk])
    form = http.get(url)
    assert form.status_code == 200
    assert 'value="45"' in form.content.decode()
    at = timezone.localtime(contact.at)
    response = http.post(
        url,
        {
            "at_day": at.day,
            "at_month": at.month,
            "at_year": at.year,
            "at_time": f"{at:%H:%M}",
            "channel": "phone",
            "reached": "yes",
            "duration": "15",
            "note": contact.note,
            "reason": HOSTILE,
        },
    )
    assert response.status_code == 302
    page = http.get(response["Location"]).content.decode()
    assert "Amended" in page
    assert "45" in page
    assert "15" in page
    assert "<script>alert" not in page
    assert "&lt;script&gt;" in page


def test_an_amendment_without_a_reason_shows_the_error(
    signed_in: Callable[[User], HttpClient], person: Client, worker: User
) -> None:
    contact = _contact(person, worker, hours_ago=2)
    at = timezone.localtime(contact.at)
    response = signed_in(worker).post(
        reverse("corrections:amend", args=[person.pk, CONTACT, contact.pk]),
        {
            "at_day": at.day,
            "at_month": at.month,
            "at_year": at.year,
            "at_time": f"{at:%H:%M}",
            "channel": "phone",
            "reached": "yes",
            "note": "Changed",
        },
    )
    assert response.status_code == 200
    assert "Enter why you are making this correction" in response.content.decode()
    contact.refresh_from_db()
    assert contact.note == "Spoke about the week"


# Entered in error ----------------------------------------------------------------------------


def test_an_entry_in_error_leaves_the_list_and_is_shown_struck_through_on_request(
    signed_in: Callable[[User], HttpClient], person: Client, worker: User
) -> None:
    kept = _contact(person, worker, hours_ago=3, note="Kept note")
    wrong = _contact(person, worker, hours_ago=2, note="Wrong note")
    http = signed_in(worker)
    response = http.post(
        reverse("corrections:in_error", args=[person.pk, CONTACT, wrong.pk]), {"reason": HOSTILE}
    )
    assert response.status_code == 302
    page = http.get(reverse("contacts:client", args=[person.pk])).content.decode()
    assert "Kept note" in page
    assert "Wrong note" not in page
    assert "Show entries marked in error (1)" in page
    shown = http.get(reverse("contacts:client", args=[person.pk]) + "?in_error=show").content
    text = shown.decode()
    assert "<s>Wrong note</s>" in text
    assert "Marked entered in error by" in text
    assert "&lt;script&gt;" in text
    assert "<script>alert" not in text
    assert list(Contact.objects.filter(client=person)) == [kept]
    assert Contact.all_with_errors.filter(client=person).count() == 2


def test_marking_in_error_is_audited_and_cannot_be_done_twice(person: Client, worker: User) -> None:
    contact = _contact(person, worker, hours_ago=2)
    mark_in_error(kind_named(CONTACT), contact, reason="Recorded twice", by=worker)
    event = AuditEvent.objects.filter(action=Action.UPDATE_CLIENT).latest("id")
    assert event.detail == {
        "correction": "entered_in_error",
        "kind": "contact",
        "entry": contact.pk,
    }
    with pytest.raises(Refused):
        mark_in_error(kind_named(CONTACT), contact, reason="Again", by=worker)
    with pytest.raises(Refused):
        amend(kind_named(CONTACT), contact, {"note": "x"}, reason="Again", by=worker)


# Derived figures follow the corrected record -------------------------------------------------


def test_an_attempt_in_error_does_not_count_towards_the_letters(
    person: Client, contacting: Episode, worker: User
) -> None:
    attempts = [_contact(person, worker, hours_ago=h, reached=False) for h in (5, 4, 3)]
    run = run_for(person)
    assert run is not None
    assert run.letters_due
    mark_in_error(kind_named(CONTACT), attempts[1], reason="Recorded twice", by=worker)
    run = run_for(person)
    assert run is not None
    assert run.count == 2
    assert not run.letters_due


def test_an_attempt_in_error_is_not_counted_in_the_attempt_tasks(
    service: Service, person: Client, contacting: Episode, worker: User
) -> None:
    attempts = [_contact(person, worker, hours_ago=h, reached=False) for h in (50, 49, 48)]

    def whats() -> set[str]:
        tasks = contacts_due.tasks_due(Client.objects.filter(service=service), timezone.localdate())
        return {task.what for task in tasks}

    assert whats() == {"Send the no-contact letters"}
    mark_in_error(kind_named(CONTACT), attempts[2], reason="Recorded twice", by=worker)
    assert whats() == {"Contact attempt 3 of 3"}


def test_a_reached_contact_in_error_is_not_the_last_contact(person: Client, worker: User) -> None:
    earlier = _contact(person, worker, hours_ago=30)
    later = _contact(person, worker, hours_ago=2)
    assert last_contact(person) == later
    mark_in_error(kind_named(CONTACT), later, reason="Wrong client", by=worker)
    assert last_contact(person) == earlier
    annotated = Client.objects.with_last_reached_contact().get(pk=person.pk)
    assert annotated.last_reached_at == earlier.at


def test_a_first_contact_in_error_leaves_the_referral_task_due(
    service: Service, person: Client, worker: User
) -> None:
    episode = open_episode(
        person, by=worker, way_in=WayIn.REFERRED, phase=Phase.CONTACTING, on=timezone.localdate()
    )
    Referral.objects.create(
        client=person,
        episode=episode,
        received_at=_ago(hours=10),
        first_contact_due_at=timezone.now() + dt.timedelta(days=1),
        service=service,
        referring_organisation="Liaison team",
        reason="Frequent attendance",
        consent_to_refer=True,
    )

    def whats() -> set[str]:
        tasks = screening_due.tasks_due(
            Client.objects.filter(service=service), timezone.localdate()
        )
        return {task.what for task in tasks}

    contact = _contact(person, worker, hours_ago=1)
    assert whats() == set()
    mark_in_error(kind_named(CONTACT), contact, reason="Wrong client", by=worker)
    assert whats() == {"First contact for referral"}


# Move -----------------------------------------------------------------------------------------


def test_the_lead_moves_an_entry_and_both_records_say_so_naming_no_one_on_the_wrong_one(
    signed_in: Callable[[User], HttpClient], person: Client, right: Client, lead: User, worker: User
) -> None:
    contact = _contact(person, worker, hours_ago=2, note="About the right person")
    http = signed_in(lead)
    response = http.post(
        reverse("corrections:move", args=[person.pk, CONTACT, contact.pk]),
        {"nhs_number": right.nhs_number, "reason": "Filed on the wrong client"},
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.client == right
    wrong_page = http.get(reverse("contacts:client", args=[person.pk])).content.decode()
    assert "About the right person" not in wrong_page
    assert "An entry was moved to another record by" in wrong_page
    assert "Filed on the wrong client" in wrong_page
    assert right.family_name not in wrong_page
    assert right.nhs_number not in wrong_page
    right_page = http.get(reverse("contacts:client", args=[right.pk])).content.decode()
    assert "About the right person" in right_page
    history = http.get(
        reverse("corrections:entry", args=[right.pk, CONTACT, contact.pk])
    ).content.decode()
    assert "Moved from another record" in history
    assert person.family_name not in history
    # The old address of the entry is now a 404.
    old = http.get(reverse("corrections:entry", args=[person.pk, CONTACT, contact.pk]))
    assert old.status_code == 404
    events = AuditEvent.objects.filter(action=Action.UPDATE_CLIENT, detail__kind="contact")
    assert {(e.object_id, e.detail["correction"]) for e in events} >= {
        (str(person.pk), "moved_out"),
        (str(right.pk), "moved_in"),
    }


def test_a_move_takes_the_right_clients_open_episode_and_the_entrys_history(
    person: Client, right: Client, lead: User, worker: User
) -> None:
    contact = _contact(person, worker, hours_ago=2, duration_minutes=20)
    amend(kind_named(CONTACT), contact, {"duration_minutes": 25}, reason="Typo", by=worker)
    episode = open_episode(
        right, by=worker, way_in=WayIn.IDENTIFIED, phase=Phase.ENGAGED, on=timezone.localdate()
    )
    move(kind_named(CONTACT), contact, right, reason="Wrong client", by=lead)
    contact.refresh_from_db()
    assert contact.episode == episode
    # Nothing of the entry's values stays on the wrong client's record: only the moved line.
    left = Correction.objects.filter(client=person)
    assert [(c.action, c.changes) for c in left] == [(CorrectionAction.MOVED_OUT, [])]
    assert set(Correction.objects.filter(client=right).values_list("action", flat=True)) == {
        CorrectionAction.AMENDED,
        CorrectionAction.MOVED_IN,
    }


def test_a_case_manager_cannot_move_an_entry(
    signed_in: Callable[[User], HttpClient], person: Client, right: Client, worker: User
) -> None:
    contact = _contact(person, worker, hours_ago=2)
    with pytest.raises(Refused):
        move(kind_named(CONTACT), contact, right, reason="Wrong client", by=worker)
    response = signed_in(worker).post(
        reverse("corrections:move", args=[person.pk, CONTACT, contact.pk]),
        {"nhs_number": right.nhs_number, "reason": "Wrong client"},
    )
    assert response.status_code == 403
    contact.refresh_from_db()
    assert contact.client == person


def test_a_lead_cannot_move_to_or_from_another_services_clients(
    signed_in: Callable[[User], HttpClient],
    make_client: Callable[..., Client],
    make_user: Callable[..., User],
    other_service: Service,
    person: Client,
    lead: User,
    worker: User,
) -> None:
    theirs = make_client(other_service)
    their_lead = make_user("their_lead", Role.SERVICE_LEAD, other_service)
    ours = _contact(person, worker, hours_ago=2)
    # Our lead cannot move ours onto their client: their NHS number is not found.
    response = signed_in(lead).post(
        reverse("corrections:move", args=[person.pk, CONTACT, ours.pk]),
        {"nhs_number": theirs.nhs_number, "reason": "Wrong client"},
    )
    assert response.status_code == 200
    assert "No client of your service has this NHS number" in response.content.decode()
    # Their lead cannot open ours at all.
    response = signed_in(their_lead).post(
        reverse("corrections:move", args=[person.pk, CONTACT, ours.pk]),
        {"nhs_number": theirs.nhs_number, "reason": "Wrong client"},
    )
    assert response.status_code == 404
    with pytest.raises(Refused):
        move(kind_named(CONTACT), ours, theirs, reason="Wrong client", by=lead)
    ours.refresh_from_db()
    assert ours.client == person


def test_an_entry_of_another_client_is_not_found_under_this_one(
    signed_in: Callable[[User], HttpClient], person: Client, right: Client, worker: User
) -> None:
    contact = _contact(right, worker, hours_ago=2)
    response = signed_in(worker).get(
        reverse("corrections:entry", args=[person.pk, CONTACT, contact.pk])
    )
    assert response.status_code == 404


# Screening decisions --------------------------------------------------------------------------


def test_a_decline_in_error_leaves_the_reports_declines_and_frees_the_list_row(
    service: Service, lead: User
) -> None:
    from hiu.web.demo.factories import make_listed_person, make_run
    from hiu.web.reports.gather_casework import declines
    from hiu.web.screening.models import Decision, ScreeningDecision
    from hiu.web.screening.services import Screening, reasons_for, screen_person

    run = make_run(service, timezone.localdate() - dt.timedelta(days=3))
    listed = make_listed_person(run, "9992000007", 1)
    died = reasons_for(service).get(label="Died")
    decision = screen_person(listed, Screening(Decision.DECLINE, reason=died), by=lead)
    assert len(declines(service)) == 1
    mark_in_error(kind_named("screening_decision"), decision, reason="Wrong person", by=lead)
    assert declines(service) == ()
    # The person can be screened again on the same list, and the first decision is kept.
    screen_person(listed, Screening(Decision.DECLINE, reason=died), by=lead)
    assert ScreeningDecision.all_with_errors.filter(nhs_number="9992000007").count() == 2
    assert ScreeningDecision.objects.filter(nhs_number="9992000007").count() == 1


def test_an_accept_in_error_no_longer_dates_the_evaluation_cohort(
    service: Service, lead: User
) -> None:
    from hiu.web.demo.factories import make_listed_person, make_run
    from hiu.web.evaluation.cohort import list_dates
    from hiu.web.screening.models import Decision
    from hiu.web.screening.services import Screening, screen_person

    run = make_run(service, timezone.localdate() - dt.timedelta(days=3))
    listed = make_listed_person(run, "9992000015", 1)
    decision = screen_person(listed, Screening(Decision.ACCEPT, complexity="high"), by=lead)
    assert decision.episode_id is not None
    decision.episode.identified_person = None
    decision.episode.save(update_fields=["identified_person"])
    assert list_dates([decision.episode_id]) == {decision.episode_id: run.as_of}
    mark_in_error(kind_named("screening_decision"), decision, reason="Wrong person", by=lead)
    assert list_dates([decision.episode_id]) == {}


# Consent --------------------------------------------------------------------------------------


def test_a_consent_in_error_is_no_longer_the_current_one_nor_due_for_review(
    service: Service, person: Client, worker: User
) -> None:
    from hiu.web.plans import due as plans_due
    from hiu.web.plans.models import ConsentLevel, current_consent, sharing_stopped_on
    from hiu.web.plans.services import record_consent, withdraw_consent

    today = timezone.localdate()
    open_episode(person, by=worker, way_in=WayIn.IDENTIFIED, phase=Phase.ENGAGED, on=today)
    earlier = record_consent(
        person,
        by=worker,
        level=ConsentLevel.WRITTEN,
        statements={"share_information"},
        witnessed_by="A. Witness, support worker",
        given_on=today - dt.timedelta(days=40),
        review_on=today + dt.timedelta(days=300),
    )
    mistaken = record_consent(
        person,
        by=worker,
        level=ConsentLevel.VERBAL,
        statements=set(),
        given_on=today - dt.timedelta(days=30),
        review_on=today + dt.timedelta(days=3),
    )

    def whats() -> list[str]:
        tasks = plans_due.tasks_due(Client.objects.filter(service=service), today)
        return [task.what for task in tasks]

    withdraw_consent(person, by=worker, on=today)
    assert sharing_stopped_on(person) == today
    mark_in_error(kind_named("consent"), mistaken, reason="Recorded on the wrong record", by=worker)
    assert current_consent(person) == earlier
    assert sharing_stopped_on(person) is None
    assert all("consent" not in what.lower() for what in whats())


def test_amending_a_consent_checks_its_dates(person: Client, worker: User) -> None:
    from hiu.web.plans.models import ConsentLevel
    from hiu.web.plans.services import record_consent

    today = timezone.localdate()
    consent = record_consent(
        person,
        by=worker,
        level=ConsentLevel.VERBAL,
        statements=set(),
        given_on=today,
        review_on=today + dt.timedelta(days=30),
    )
    values = {
        "level": ConsentLevel.WRITTEN,
        "given_on": today,
        "witnessed_by": "",
        "review_on": today + dt.timedelta(days=60),
    }
    with pytest.raises(Refused, match="witnessed"):
        amend(kind_named("consent"), consent, values, reason="It was written", by=worker)
    values |= {"witnessed_by": "A. Witness", "review_on": today - dt.timedelta(days=1)}
    with pytest.raises(Refused, match="review date"):
        amend(kind_named("consent"), consent, values, reason="It was written", by=worker)
    values["review_on"] = today + dt.timedelta(days=60)
    correction = amend(kind_named("consent"), consent, values, reason="It was written", by=worker)
    fields = [change["field"] for change in correction.changes]
    assert fields == ["Consent", "Witnessed by", "Review date"]


# Visits and letters ---------------------------------------------------------------------------


def test_a_visit_in_error_is_no_longer_an_overdue_task_and_moves_with_its_contact(
    service: Service, person: Client, right: Client, lead: User, worker: User
) -> None:
    from hiu.web.contacts.models import Visit

    now = timezone.now()
    contact = _contact(person, worker, hours_ago=3, note="Seen at home")
    visit = Visit.objects.create(
        client=person,
        worker=worker,
        worker_username=worker.username,
        planned_at=now - dt.timedelta(hours=4),
        place="Client's home",
        risk_note="None known",
        checked_in_at=now - dt.timedelta(hours=4),
        expected_back_at=now - dt.timedelta(hours=1),
        contact=contact,
    )

    def whats() -> set[str]:
        tasks = contacts_due.tasks_due(Client.objects.filter(service=service), timezone.localdate())
        return {task.what for task in tasks}

    assert "Check out of your visit" in whats()
    move(kind_named("visit"), visit, right, reason="Wrong client", by=lead)
    contact.refresh_from_db()
    assert contact.client == right
    mark_in_error(kind_named("visit"), visit, reason="Never happened", by=lead)
    assert "Check out of your visit" not in whats()


def test_a_no_contact_letter_in_error_no_longer_ends_the_run_of_attempts(
    person: Client, contacting: Episode, worker: User
) -> None:
    from hiu.web.contacts.letters import make_letter
    from hiu.web.contacts.models import LetterKind

    for hours in (5, 4, 3):
        _contact(person, worker, hours_ago=hours, reached=False)
    letter = make_letter(person, LetterKind.CLIENT_NO_CONTACT, by=worker)
    # A letter is kept as it was made: there is nothing to amend.
    with pytest.raises(Refused, match="Nothing has changed"):
        amend(kind_named("letter"), letter, {}, reason="x", by=worker)
    run = run_for(person)
    assert run is not None
    assert run.count == 0
    mark_in_error(kind_named("letter"), letter, reason="Made by mistake", by=worker)
    run = run_for(person)
    assert run is not None
    assert run.count == 3
    with pytest.raises(Refused, match="cannot be changed"):
        amend(kind_named("letter"), letter, {}, reason="x", by=worker)


# Assessments ----------------------------------------------------------------------------------


def test_an_assessment_amended_and_one_in_error_follow_through_to_the_report(
    service: Service, person: Client, worker: User, signed_in: Callable[[User], HttpClient]
) -> None:
    from hiu.web.plans.models import Need, Readiness, RiskLevel
    from hiu.web.plans.querysets import latest_assessment_of
    from hiu.web.plans.services import AssessmentAnswers, assess
    from hiu.web.reports.gather_casework import _main_needs

    today = timezone.localdate()
    episode = open_episode(
        person, by=worker, way_in=WayIn.IDENTIFIED, phase=Phase.ENGAGED, on=today
    )

    def answers(on: dt.date, need: str) -> AssessmentAnswers:
        return AssessmentAnswers(
            assessed_on=on,
            own_account="Feels alone at night",
            needs=[need],
            readiness=Readiness.values[0],
            risk_to_self=RiskLevel.LOW,
            risk_to_others=RiskLevel.NONE,
            risk_to_staff=RiskLevel.NONE,
            primary_need=need,
        )

    earlier = assess(person, answers(today - dt.timedelta(days=5), Need.HOUSING), by=worker)
    later = assess(person, answers(today, Need.LONELINESS), by=worker)
    assert _main_needs(service) == {episode.pk: "Loneliness and isolation"}
    http = signed_in(worker)
    url = reverse("corrections:amend", args=[person.pk, "assessment", later.pk])
    page = http.get(url).content.decode()
    assert "Feels alone at night" in page
    correction = amend(
        kind_named("assessment"),
        later,
        {**kind_named("assessment").initial(later), "needs": [Need.MONEY], "primary_need": ""},
        reason="Ticked the wrong box",
        by=worker,
    )
    assert {"field": "Needs", "old": "Loneliness and isolation", "new": "Money and debt"} in (
        correction.changes
    )
    mark_in_error(kind_named("assessment"), later, reason="Wrong client", by=worker)
    assert latest_assessment_of(person) == earlier
    assert _main_needs(service) == {episode.pk: "Housing"}
