"""The contact log, the three-attempts rule and its letters, letter templates, and lone-working
visits (000 §2.4.3; 001 §4, §9)."""

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
from hiu.web.clients.due import tasks_for
from hiu.web.clients.models import Client
from hiu.web.contacts import due
from hiu.web.contacts.forms import parse_time
from hiu.web.contacts.letters import (
    LetterRefused,
    TemplateRefused,
    make_letter,
    save_template,
    templates_of,
)
from hiu.web.contacts.models import Channel, Contact, Letter, LetterKind, Visit
from hiu.web.contacts.presenters import last_contact
from hiu.web.contacts.rules import ContactFact, attempt_run
from hiu.web.contacts.services import check_in, record_contact
from hiu.web.contacts.wording import DEFAULTS, placeholder_problem
from hiu.web.episodes.models import Episode
from hiu.web.episodes.phases import Phase, WayIn
from hiu.web.episodes.services import open_episode, pathway_for
from hiu.web.plans.models import Consent, ConsentLevel

pytestmark = pytest.mark.db_engine

PROMPT = "3 attempts without reaching {name}: send the letters to them and their GP"


def _ago(**delta: Any) -> dt.datetime:
    return timezone.now() - dt.timedelta(**delta)


@pytest.fixture
def worker(staff: dict[Role, User]) -> User:
    return staff[Role.CASE_MANAGER]


@pytest.fixture
def person(make_client: Callable[..., Client], service: Service, worker: User) -> Client:
    return make_client(service, case_manager=worker, gp_practice_code="F84003")


@pytest.fixture
def contacting(person: Client, worker: User) -> Episode:
    return open_episode(
        person,
        by=worker,
        way_in=WayIn.IDENTIFIED,
        phase=Phase.CONTACTING,
        on=timezone.localdate() - dt.timedelta(days=30),
    )


def _attempt(client: Client, by: User, hours_ago: int, reached: bool = False) -> Contact:
    return record_contact(
        client,
        by=by,
        at=_ago(hours=hours_ago),
        channel=Channel.PHONE,
        reached=reached,
        note="Rang, no answer" if not reached else "Spoke for a while",
    )


def _log(http: HttpClient, client: Client) -> str:
    response = http.get(reverse("contacts:client", args=[client.pk]))
    assert response.status_code == 200
    return response.content.decode()


# The rule itself -------------------------------------------------------------------------------


def test_the_rule_counts_unreached_attempts_since_the_last_reached_contact_and_letter() -> None:
    t = timezone.now()
    facts = [
        ContactFact(t - dt.timedelta(days=9), reached=False),
        ContactFact(t - dt.timedelta(days=8), reached=True),
        ContactFact(t - dt.timedelta(days=3), reached=False),
        ContactFact(t - dt.timedelta(days=2), reached=False, is_letter=True),
        ContactFact(t - dt.timedelta(days=1), reached=False),
    ]
    run = attempt_run(facts, [], needed=3)
    # The letter is not an attempt; the attempt before the reached contact is forgotten.
    assert run.count == 2
    assert not run.letters_due
    assert attempt_run(facts, [], needed=2).letters_due
    # A no-contact letter after the second attempt starts the count again.
    assert attempt_run(facts, [t - dt.timedelta(hours=30)], needed=2).count == 1


# The three-attempts boundary, on the page -----------------------------------------------------


def test_two_unreached_attempts_do_not_prompt_the_letters(
    signed_in: Callable[[User], HttpClient], person: Client, contacting: Episode, worker: User
) -> None:
    _attempt(person, worker, hours_ago=50)
    _attempt(person, worker, hours_ago=26)
    page = _log(signed_in(worker), person)
    assert PROMPT.format(name=person.given_name) not in page
    assert "2 of 3 attempts without reaching" in page


def test_the_third_unreached_attempt_prompts_the_letters(
    signed_in: Callable[[User], HttpClient], person: Client, contacting: Episode, worker: User
) -> None:
    for hours in (50, 26, 2):
        _attempt(person, worker, hours_ago=hours)
    assert PROMPT.format(name=person.given_name) in _log(signed_in(worker), person)


def test_a_reached_contact_resets_the_count(
    signed_in: Callable[[User], HttpClient], person: Client, contacting: Episode, worker: User
) -> None:
    _attempt(person, worker, hours_ago=70)
    _attempt(person, worker, hours_ago=50)
    _attempt(person, worker, hours_ago=40, reached=True)
    _attempt(person, worker, hours_ago=26)
    _attempt(person, worker, hours_ago=2)
    assert PROMPT.format(name=person.given_name) not in _log(signed_in(worker), person)


def test_the_service_sets_how_many_attempts(
    signed_in: Callable[[User], HttpClient],
    person: Client,
    contacting: Episode,
    worker: User,
    service: Service,
) -> None:
    pathway = pathway_for(service)
    pathway.contact_attempts_before_letter = 2
    pathway.save()
    _attempt(person, worker, hours_ago=26)
    _attempt(person, worker, hours_ago=2)
    assert f"2 attempts without reaching {person.given_name}" in _log(signed_in(worker), person)


def test_making_the_letters_clears_the_prompt_until_a_fresh_run(
    signed_in: Callable[[User], HttpClient], person: Client, contacting: Episode, worker: User
) -> None:
    for hours in (80, 60, 50):
        _attempt(person, worker, hours_ago=hours)
    http = signed_in(worker)
    response = http.post(reverse("contacts:make_letter", args=[person.pk]), {"kind": "no_contact"})
    assert response.status_code == 302
    letters = Letter.objects.filter(client=person)
    assert {(letter.kind, letter.recipient) for letter in letters} == {
        (LetterKind.CLIENT_NO_CONTACT, "client"),
        (LetterKind.GP_NO_CONTACT, "gp"),
    }
    assert all(letter.episode_id == contacting.pk for letter in letters)
    page = _log(http, person)
    assert PROMPT.format(name=person.given_name) not in page
    assert "Letters made for" in page
    # The letter to the client is in the log as a letter, not reached; the GP's is not.
    letter_contacts = Contact.objects.filter(client=person, channel=Channel.LETTER)
    assert [c.reached for c in letter_contacts] == [False]
    # Later attempts before a reached contact: a fresh run of three prompts again.
    for _ in range(2):
        _attempt(person, worker, hours_ago=0)
    assert PROMPT.format(name=person.given_name) not in _log(http, person)
    _attempt(person, worker, hours_ago=0)
    assert PROMPT.format(name=person.given_name) in _log(http, person)


def test_no_prompt_without_an_open_episode(
    signed_in: Callable[[User], HttpClient], person: Client, worker: User
) -> None:
    for hours in (50, 26, 2):
        _attempt(person, worker, hours_ago=hours)
    assert "attempts without reaching" not in _log(signed_in(worker), person)


# Recording contacts ---------------------------------------------------------------------------


def _contact_form(when: dt.datetime, **overrides: str) -> dict[str, str]:
    local = timezone.localtime(when)
    data = {
        "at_day": str(local.day),
        "at_month": str(local.month),
        "at_year": str(local.year),
        "at_time": f"{local:%H:%M}",
        "channel": "phone",
        "reached": "no",
        "duration": "",
        "note": "Rang twice, no answer; no voicemail",
    }
    data.update(overrides)
    return data


def test_it_records_a_contact_with_the_open_episode_and_audits_it(
    signed_in: Callable[[User], HttpClient], person: Client, contacting: Episode, worker: User
) -> None:
    response = signed_in(worker).post(
        reverse("contacts:new", args=[person.pk]),
        _contact_form(_ago(hours=1), reached="yes", duration="25"),
    )
    assert response.status_code == 302
    contact = Contact.objects.get(client=person)
    assert (contact.episode_id, contact.by, contact.reached, contact.duration_minutes) == (
        contacting.pk,
        worker,
        True,
        25,
    )
    event = AuditEvent.objects.filter(action=Action.UPDATE_CLIENT).latest("id")
    assert event.object_id == str(person.pk)
    assert event.detail == {"what": "contact", "contact": contact.pk, "reached": True}


def test_a_contact_in_the_future_is_refused(
    signed_in: Callable[[User], HttpClient], person: Client, worker: User
) -> None:
    response = signed_in(worker).post(
        reverse("contacts:new", args=[person.pk]),
        _contact_form(timezone.now() + dt.timedelta(hours=2)),
    )
    assert response.status_code == 200
    assert (
        "The date and time of the contact must be now or in the past" in response.content.decode()
    )
    assert not Contact.objects.exists()
    with pytest.raises(ValueError, match="now or in the past"):
        record_contact(
            person,
            by=worker,
            at=timezone.now() + dt.timedelta(hours=1),
            channel=Channel.PHONE,
            reached=False,
            note="x",
        )


def test_validation_messages_name_the_field(
    signed_in: Callable[[User], HttpClient], person: Client, worker: User
) -> None:
    response = signed_in(worker).post(
        reverse("contacts:new", args=[person.pk]),
        {"at_day": "", "at_month": "", "at_year": "", "at_time": "25:99", "duration": "601"},
    )
    page = response.content.decode()
    for message in (
        "Enter the date of the contact",
        "Enter the time of the contact like 14:30 or 2:30pm",
        "Select how you contacted them or tried to",
        "Select whether you reached them",
        "The duration must be between 1 and 600 minutes",
        "Enter a note about the contact or attempt",
    ):
        assert message in page
    assert not Contact.objects.exists()


def test_the_form_starts_at_now(
    signed_in: Callable[[User], HttpClient], person: Client, worker: User
) -> None:
    page = signed_in(worker).get(reverse("contacts:new", args=[person.pk])).content.decode()
    assert f'value="{timezone.localdate().year}"' in page


def test_times_are_read_as_people_type_them() -> None:
    assert parse_time("14:30") == dt.time(14, 30)
    assert parse_time("2:30pm") == dt.time(14, 30)
    assert parse_time("12am") == dt.time(0, 0)
    assert parse_time("9.05") == dt.time(9, 5)
    assert parse_time("13pm") is None
    assert parse_time("half past two") is None


def test_last_contact_is_the_latest_reached_one(person: Client, worker: User) -> None:
    assert last_contact(person) is None
    reached = _attempt(person, worker, hours_ago=30, reached=True)
    _attempt(person, worker, hours_ago=2)
    assert last_contact(person) == reached


# Letters and templates ------------------------------------------------------------------------


def test_a_template_with_an_unknown_placeholder_is_refused(
    signed_in: Callable[[User], HttpClient], staff: dict[Role, User], service: Service
) -> None:
    http = signed_in(staff[Role.SERVICE_LEAD])
    url = reverse("contacts:template", args=[LetterKind.CLIENT_NO_CONTACT])
    response = http.post(url, {"title": "Hello", "body": "Dear {clinet_name},\n\nHello."})
    assert response.status_code == 200
    page = response.content.decode()
    assert "{clinet_name} is not a placeholder letters know. Use one of {client_name}" in page
    (template,) = [t for t in templates_of(service) if t.kind == LetterKind.CLIENT_NO_CONTACT]
    assert "clinet" not in template.body
    assert not AuditEvent.objects.filter(action=Action.CHANGE_SERVICE_SETTINGS).exists()
    with pytest.raises(TemplateRefused):
        save_template(
            service,
            LetterKind.GP_ACCEPTED,
            title="{oops}",
            body="Fine",
            by=staff[Role.SERVICE_LEAD],
        )


def test_placeholder_problem_names_every_unknown_one() -> None:
    assert placeholder_problem("Dear {client_name}, {today}") is None
    problem = placeholder_problem("{a} and {b} and {client_name}")
    assert problem is not None
    assert problem.startswith("{a} and {b} are not placeholders letters know")


def test_a_letter_is_written_from_the_services_own_template(
    signed_in: Callable[[User], HttpClient],
    staff: dict[Role, User],
    person: Client,
    contacting: Episode,
    worker: User,
) -> None:
    lead = staff[Role.SERVICE_LEAD]
    response = signed_in(lead).post(
        reverse("contacts:template", args=[LetterKind.GP_ACCEPTED]),
        {
            "title": "About {client_name}",
            "body": "Dear Dr,\n\n{client_given_name} ({nhs_number}) is with {service_name} "
            "as of {today}, {phase}. Practice {gp_practice}. {worker_name}",
        },
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=Action.CHANGE_SERVICE_SETTINGS)
    assert event.detail == {"what": "letter_template", "kind": "gp_accepted"}
    worker.first_name, worker.last_name = "Sam", "Okafor"
    worker.save()
    letter = make_letter(person, LetterKind.GP_ACCEPTED, by=lead)
    nhs = f"{person.nhs_number[:3]} {person.nhs_number[3:6]} {person.nhs_number[6:]}"
    today = timezone.localdate()
    assert letter.title == f"About {person.full_name}"
    assert letter.body == (
        f"Dear Dr,\n\n{person.given_name} ({nhs}) is with Riverside HIU as of "
        f"{today.day} {today:%B %Y}, contacting. Practice F84003. Sam Okafor"
    )
    assert (letter.recipient, letter.episode_id, letter.made_by) == ("gp", contacting.pk, lead)
    # A letter keeps its wording when the template changes later.
    save_template(person.service, LetterKind.GP_ACCEPTED, title="New", body="New", by=lead)
    letter.refresh_from_db()
    assert letter.title == f"About {person.full_name}"


def test_letters_to_a_gp_are_refused_after_consent_is_withdrawn(
    signed_in: Callable[[User], HttpClient], person: Client, contacting: Episode, worker: User
) -> None:
    withdrawn = dt.date(2026, 3, 5)
    Consent.objects.create(
        client=person,
        level=ConsentLevel.VERBAL,
        share_information=True,
        given_on=dt.date(2026, 1, 10),
        review_on=dt.date(2027, 1, 10),
        withdrawn_on=withdrawn,
    )
    expected = f"{person.full_name} withdrew consent on 5 March 2026: nothing is shared about them"
    for kind in (LetterKind.GP_NO_CONTACT, LetterKind.GP_ACCEPTED, LetterKind.GP_STEP_DOWN):
        with pytest.raises(LetterRefused) as refused:
            make_letter(person, kind, by=worker)
        assert str(refused.value) == expected
    assert not Letter.objects.exists()
    # A letter to the client themselves is still allowed.
    assert make_letter(person, LetterKind.CLIENT_STEP_DOWN, by=worker).recipient == "client"
    # Through the page: the pair makes only the client's letter, and says why.
    for hours in (50, 26, 2):
        _attempt(person, worker, hours_ago=hours)
    http = signed_in(worker)
    assert "Only the letter to" in _log(http, person)
    http.post(reverse("contacts:make_letter", args=[person.pk]), {"kind": "no_contact"})
    assert set(Letter.objects.values_list("kind", flat=True)) == {
        LetterKind.CLIENT_STEP_DOWN,
        LetterKind.CLIENT_NO_CONTACT,
    }
    response = http.post(
        reverse("contacts:make_letter", args=[person.pk]), {"kind": LetterKind.GP_ACCEPTED}
    )
    assert response.status_code == 200
    assert expected in response.content.decode()


def test_default_letters_to_clients_never_say_discharge(service: Service) -> None:
    for kind, (title, body) in DEFAULTS.items():
        assert placeholder_problem(title + body) is None, kind
        if kind.startswith("client_"):
            assert "discharg" not in (title + body).lower()
    assert len(templates_of(service)) == len(LetterKind.values)


def test_the_letter_page_is_print_ready_and_audited(
    signed_in: Callable[[User], HttpClient], person: Client, contacting: Episode, worker: User
) -> None:
    letter = make_letter(person, LetterKind.CLIENT_NO_CONTACT, by=worker)
    made = AuditEvent.objects.filter(action=Action.UPDATE_CLIENT).latest("id")
    assert made.detail == {"what": "letter", "kind": "client_no_contact", "letter": letter.pk}
    response = signed_in(worker).get(reverse("contacts:letter", args=[letter.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Print this letter" in page
    assert '<style media="print">' in page
    assert f"Dear {person.given_name}," in page
    event = AuditEvent.objects.get(action=Action.DOWNLOAD_LETTER)
    assert (event.object_type, event.object_id, event.detail) == (
        "client",
        str(person.pk),
        {"letter": letter.pk},
    )


# Lone working ---------------------------------------------------------------------------------


def _visit(client: Client, worker: User, back_in_minutes: int) -> Visit:
    return Visit.objects.create(
        client=client,
        worker=worker,
        worker_username=worker.username,
        planned_at=_ago(hours=2),
        place="Client's home",
        checked_in_at=_ago(hours=2),
        expected_back_at=timezone.now() + dt.timedelta(minutes=back_in_minutes),
    )


def test_an_overdue_visit_shows_as_a_warning_on_the_leads_page(
    signed_in: Callable[[User], HttpClient],
    staff: dict[Role, User],
    person: Client,
    worker: User,
    make_user: Callable[..., User],
    service: Service,
) -> None:
    _visit(person, worker, back_in_minutes=-30)
    page = signed_in(staff[Role.SERVICE_LEAD]).get(reverse("contacts:visits")).content.decode()
    assert "1 visit is past the expected return time" in page
    assert "Overdue" in page
    assert person.full_name in page
    # Another case manager sees only their own visits.
    colleague = make_user("colleague", Role.CASE_MANAGER, service)
    page = signed_in(colleague).get(reverse("contacts:visits")).content.decode()
    assert person.full_name not in page
    assert "past the expected return time" not in page


def test_a_visit_on_time_is_not_overdue(
    signed_in: Callable[[User], HttpClient], staff: dict[Role, User], person: Client, worker: User
) -> None:
    _visit(person, worker, back_in_minutes=30)
    page = signed_in(staff[Role.SERVICE_LEAD]).get(reverse("contacts:visits")).content.decode()
    assert person.full_name in page
    assert "Overdue" not in page


def test_checking_in_and_out_records_the_visit_and_the_contact(
    signed_in: Callable[[User], HttpClient], person: Client, contacting: Episode, worker: User
) -> None:
    http = signed_in(worker)
    back = timezone.localtime() + dt.timedelta(hours=2)
    if back.date() != timezone.localdate():
        pytest.skip("The expected return time must be today; it is nearly midnight")
    response = http.post(
        reverse("contacts:check_in", args=[person.pk]),
        {
            "place": "neutral",
            "neutral_place": "Library café",
            "back_time": f"{back:%H:%M}",
            "escort": "yes",
            "risk_note": "No known risks",
            "called_ahead": "on",
        },
    )
    assert response.status_code == 302
    visit = Visit.objects.get(client=person)
    assert (visit.place, visit.escort, visit.called_ahead, visit.in_progress) == (
        "Neutral place: Library café",
        True,
        True,
        True,
    )
    audit = AuditEvent.objects.filter(action=Action.UPDATE_CLIENT).latest("id")
    assert audit.detail == {"what": "visit_check_in", "visit": visit.pk}
    response = http.post(
        reverse("contacts:check_out", args=[visit.pk]), {"seen": "yes", "outcome_note": "Walked"}
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.checked_out_at is not None
    assert visit.contact is not None
    assert (visit.contact.channel, visit.contact.reached, visit.contact.note) == (
        Channel.FACE_TO_FACE,
        True,
        "Walked",
    )
    audit = AuditEvent.objects.filter(action=Action.UPDATE_CLIENT).latest("id")
    assert audit.detail == {"what": "visit_check_out", "visit": visit.pk}


def test_check_in_needs_a_return_time_later_than_now(
    signed_in: Callable[[User], HttpClient], person: Client, worker: User
) -> None:
    with pytest.raises(ValueError, match="later than now"):
        check_in(
            person,
            by=worker,
            place="Client's home",
            expected_back_at=_ago(minutes=5),
            escort=False,
            risk_note="None known",
        )
    response = signed_in(worker).post(
        reverse("contacts:check_in", args=[person.pk]), {"place": "neutral"}
    )
    page = response.content.decode()
    for message in (
        "Enter where the neutral place is",
        "Enter the time you expect to be back",
        "Select whether someone is going with you",
        "Enter what the risk assessment found",
    ):
        assert message in page
    assert not Visit.objects.exists()


def test_a_case_manager_cannot_check_out_a_colleagues_visit(
    signed_in: Callable[[User], HttpClient],
    person: Client,
    worker: User,
    make_user: Callable[..., User],
    service: Service,
) -> None:
    visit = _visit(person, worker, back_in_minutes=10)
    colleague = make_user("colleague", Role.CASE_MANAGER, service)
    response = signed_in(colleague).post(
        reverse("contacts:check_out", args=[visit.pk]), {"seen": "none"}
    )
    assert response.status_code == 404
    visit.refresh_from_db()
    assert visit.in_progress


# Tasks ----------------------------------------------------------------------------------------


def _whats(service: Service, today: dt.date | None = None) -> dict[str, dt.date]:
    clients = Client.objects.filter(service=service)
    tasks = due.tasks_due(clients, today or timezone.localdate())
    return {task.what: task.due_on for task in tasks}


def test_the_next_attempt_is_due_the_day_after_an_unreached_one(
    service: Service, person: Client, contacting: Episode, worker: User
) -> None:
    assert _whats(service) == {}
    first = _attempt(person, worker, hours_ago=30)
    day_after = timezone.localdate(first.at) + dt.timedelta(days=1)
    assert _whats(service) == {"Contact attempt 2 of 3": day_after}
    second = _attempt(person, worker, hours_ago=1)
    assert _whats(service) == {
        "Contact attempt 3 of 3": timezone.localdate(second.at) + dt.timedelta(days=1)
    }
    third = _attempt(person, worker, hours_ago=0)
    assert _whats(service) == {"Send the no-contact letters": timezone.localdate(third.at)}
    make_letter(person, LetterKind.CLIENT_NO_CONTACT, by=worker)
    assert _whats(service) == {}


def test_no_attempt_task_once_the_client_is_reached(
    service: Service, person: Client, contacting: Episode, worker: User
) -> None:
    _attempt(person, worker, hours_ago=30)
    _attempt(person, worker, hours_ago=2, reached=True)
    assert _whats(service) == {}


def test_an_overdue_visit_is_a_task_due_that_day(
    service: Service, person: Client, worker: User
) -> None:
    visit = _visit(person, worker, back_in_minutes=-10)
    assert visit.expected_back_at is not None
    assert _whats(service) == {
        "Check out of your visit": timezone.localdate(visit.expected_back_at)
    }
    clients = Client.objects.visible_to(worker)
    tasks = [t for t in tasks_for(clients, timezone.localdate()) if t.kind == "visit"]
    assert [t.url for t in tasks] == [reverse("contacts:check_out", args=[visit.pk])]
