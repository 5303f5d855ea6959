"""Notifications (issue 18 point 6): in the app for every kind, by email for the kinds a person
chose, and never about another service's client.

Events in a request notify at once (a client allocated; a risk answer, in test_risk.py); events
that come with time (a referral clock near breach, a visit not checked out, a relapse alert) are
found by ``manage notify_due``, which notifies no one twice about one event. Emails go through
Django's SMTP backend to a real SMTP server the test starts (aiosmtpd), and carry only the kind
and a link: no client name, no NHS number.
"""

from __future__ import annotations

import datetime as dt
import email
import socket
from collections.abc import Callable, Iterator
from email.message import Message
from io import StringIO
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from hiu.web.accounts.models import Service
from hiu.web.accounts.roles import Role
from hiu.web.audit.models import Action, AuditEvent
from hiu.web.clients.models import Client
from hiu.web.clients.services import allocate
from hiu.web.demo.factories import (
    make_contact,
    make_listed_person,
    make_referral,
    make_relapse_alert,
    make_run,
    make_visit,
    record_episode,
)
from hiu.web.episodes.phases import Phase
from hiu.web.notifications.models import Kind, Notification, Preference
from hiu.web.notifications.periodic import minus_working_days, notify_due
from hiu.web.notifications.services import notify, save_preferences

pytestmark = pytest.mark.db_engine

NOW = timezone.now()


def kinds_for(user: User) -> list[str]:
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


# Allocation ------------------------------------------------------------------------------------


def test_allocating_a_client_notifies_the_new_case_manager_once(
    staff: dict[Role, User], make_client: Callable[..., Client], service: Service
) -> None:
    manager, lead = staff[Role.CASE_MANAGER], staff[Role.SERVICE_LEAD]
    client = make_client(service, given_name="Rosa", family_name="Quint")
    allocate(client, manager, by=lead)
    (made,) = Notification.objects.filter(recipient=manager)
    assert (made.kind, made.client, made.read_at) == (Kind.ALLOCATED, client, None)
    assert made.text == "Rosa Quint has been allocated to you"
    assert made.link == reverse("clients:detail", kwargs={"client_id": client.pk})
    assert kinds_for(lead) == []
    # Allocated again to the same person: nothing new.
    allocate(client, manager, by=lead)
    assert Notification.objects.filter(recipient=manager).count() == 1


def test_reallocating_notifies_the_new_worker(
    staff: dict[Role, User],
    make_client: Callable[..., Client],
    make_user: Callable[..., User],
    service: Service,
) -> None:
    first, lead = staff[Role.CASE_MANAGER], staff[Role.SERVICE_LEAD]
    second = make_user("second_manager", Role.CASE_MANAGER, service)
    client = make_client(service, case_manager=first)
    allocate(client, second, by=lead, reason="Their first case manager has left")
    assert kinds_for(second) == [Kind.ALLOCATED]
    assert kinds_for(first) == []


def test_accepting_someone_at_screening_for_a_worker_notifies_that_worker(
    staff: dict[Role, User], signed_in: Callable[[User], HttpClient], service: Service
) -> None:
    manager = staff[Role.CASE_MANAGER]
    person = make_listed_person(make_run(service, dt.date(2026, 1, 31)), "9992000007", 1)
    signed_in(staff[Role.SERVICE_LEAD]).post(
        reverse("screening:person", kwargs={"person_id": person.pk}),
        {"decision": "accept", "complexity": "high", "case_manager": manager.pk},
    )
    (made,) = Notification.objects.filter(recipient=manager)
    assert made.kind == Kind.ALLOCATED
    assert made.text == "Jean Knight1 has been allocated to you"


# Referral clock near breach --------------------------------------------------------------------


def test_two_working_days_back_skips_the_weekend() -> None:
    monday = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    assert minus_working_days(monday, 2) == dt.datetime(2026, 2, 26, 9, 0, tzinfo=dt.UTC)
    wednesday = dt.datetime(2026, 3, 4, 9, 0, tzinfo=dt.UTC)
    assert minus_working_days(wednesday, 2) == monday


def test_a_referral_not_contacted_near_its_deadline_notifies_the_leads_and_case_manager(
    staff: dict[Role, User], make_client: Callable[..., Client], service: Service
) -> None:
    manager, lead = staff[Role.CASE_MANAGER], staff[Role.SERVICE_LEAD]
    client = make_client(service, case_manager=manager)
    # A 24-hour clock 20 hours in: past half of it, and within two working days of the end.
    referral = make_referral(client, NOW - dt.timedelta(hours=20), hours=24)
    # A 24-hour clock one hour in: too early to warn.
    make_referral(make_client(service), NOW - dt.timedelta(hours=1), hours=24)
    written = notify_due(NOW)
    assert written[Kind.REFERRAL_NEAR_BREACH] == 2
    assert kinds_for(manager) == [Kind.REFERRAL_NEAR_BREACH]
    (to_lead,) = Notification.objects.filter(recipient=lead)
    assert to_lead.link == reverse("screening:referral", kwargs={"referral_id": referral.pk})
    assert "near breach" in to_lead.text
    # Run again: no one is told twice.
    assert sum(notify_due(NOW + dt.timedelta(minutes=5)).values()) == 0
    assert Notification.objects.count() == 2


def test_a_referral_already_contacted_is_not_near_breach(
    staff: dict[Role, User], make_client: Callable[..., Client], service: Service
) -> None:
    client = make_client(service)
    make_referral(client, NOW - dt.timedelta(hours=20), hours=24)
    make_contact(client, at=NOW - dt.timedelta(hours=2), reached=True)
    assert notify_due(NOW)[Kind.REFERRAL_NEAR_BREACH] == 0


# Visit not checked out -------------------------------------------------------------------------


def test_a_home_visit_not_checked_out_after_its_expected_end_notifies_the_worker_and_leads(
    staff: dict[Role, User], make_client: Callable[..., Client], service: Service
) -> None:
    manager, lead = staff[Role.CASE_MANAGER], staff[Role.SERVICE_LEAD]
    client = make_client(service, case_manager=manager)
    make_visit(client, manager, NOW - dt.timedelta(hours=2), NOW - dt.timedelta(minutes=10))
    # Still out, but not yet expected back.
    make_visit(client, manager, NOW - dt.timedelta(minutes=30), NOW + dt.timedelta(hours=1))
    # Back safely.
    back = make_visit(client, manager, NOW - dt.timedelta(hours=3), NOW - dt.timedelta(hours=2))
    back.checked_out_at = NOW - dt.timedelta(hours=2)
    back.save()
    assert notify_due(NOW)[Kind.VISIT_NOT_CHECKED_OUT] == 2
    assert kinds_for(manager) == [Kind.VISIT_NOT_CHECKED_OUT]
    assert kinds_for(lead) == [Kind.VISIT_NOT_CHECKED_OUT]
    assert notify_due(NOW + dt.timedelta(minutes=5))[Kind.VISIT_NOT_CHECKED_OUT] == 0


# Relapse alert ---------------------------------------------------------------------------------


def test_an_open_relapse_alert_notifies_the_case_manager_and_leads_once(
    staff: dict[Role, User], make_client: Callable[..., Client], service: Service
) -> None:
    manager = staff[Role.CASE_MANAGER]
    client = make_client(service, case_manager=manager)
    episode = record_episode(
        client, Phase.STEPPED_DOWN, stepped_down_on=timezone.localdate() - dt.timedelta(days=40)
    )
    alert = make_relapse_alert(episode)
    resolved = make_relapse_alert(episode, resolved_at=NOW, resolution="dismissed")
    assert notify_due(NOW)[Kind.RELAPSE] == 2
    assert kinds_for(manager) == [Kind.RELAPSE]
    assert Notification.objects.filter(event=f"relapse:{resolved.pk}").count() == 0
    assert Notification.objects.filter(event=f"relapse:{alert.pk}").count() == 2
    assert notify_due(NOW)[Kind.RELAPSE] == 0


def test_notify_due_is_a_command_safe_to_run_again(
    staff: dict[Role, User], make_client: Callable[..., Client], service: Service
) -> None:
    client = make_client(service, case_manager=staff[Role.CASE_MANAGER])
    make_referral(client, NOW - dt.timedelta(hours=20), hours=24)
    first, second = StringIO(), StringIO()
    call_command("notify_due", stdout=first)
    call_command("notify_due", stdout=second)
    assert "Referral clock near breach: 2 notified." in first.getvalue()
    assert "Nothing new to notify." in second.getvalue()
    assert Notification.objects.count() == 2


# Scope -----------------------------------------------------------------------------------------


def test_no_one_is_notified_about_another_services_client(
    staff: dict[Role, User],
    make_client: Callable[..., Client],
    make_user: Callable[..., User],
    other_service: Service,
) -> None:
    theirs = make_client(other_service)
    outsider = make_user("their_lead", Role.SERVICE_LEAD, other_service)
    made = notify(
        Kind.RISK_ANSWER,
        [staff[Role.CASE_MANAGER], outsider],
        theirs,
        text="x",
        link="/",
        event="test:1",
    )
    assert [n.recipient for n in made] == [outsider]


def test_people_see_mark_and_open_only_their_own_notifications(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    make_client: Callable[..., Client],
    service: Service,
) -> None:
    manager, lead = staff[Role.CASE_MANAGER], staff[Role.SERVICE_LEAD]
    client = make_client(service, given_name="Ada", family_name="Marsh")
    (mine,) = notify(
        Kind.ALLOCATED, [manager], client, text="Ada Marsh is yours", link="/", event="a"
    )
    (theirs,) = notify(Kind.RELAPSE, [lead], client, text="Lead only", link="/", event="b")
    browser = signed_in(manager)
    page = browser.get(reverse("notifications:list")).content.decode()
    assert "Ada Marsh is yours" in page
    assert "Lead only" not in page
    for name in ("notifications:read", "notifications:open"):
        url = reverse(name, kwargs={"notification_id": theirs.pk})
        assert (browser.post(url) if name.endswith("read") else browser.get(url)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    response = browser.get(reverse("notifications:open", kwargs={"notification_id": mine.pk}))
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_the_bell_counts_unread_notifications_and_marking_all_read_empties_it(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    make_client: Callable[..., Client],
    service: Service,
) -> None:
    manager = staff[Role.CASE_MANAGER]
    client = make_client(service)
    for n in range(3):
        notify(Kind.ALLOCATED, [manager], client, text=f"n{n}", link="/", event=f"e{n}")
    browser = signed_in(manager)
    page = browser.get(reverse("clients:caseload")).content.decode()
    assert 'Notifications, </span><span class="hiu-bell__count">3</span>' in page
    response = browser.post(reverse("notifications:read_all"), follow=True)
    assert "3 notifications marked as read" in response.content.decode()
    assert '<span class="hiu-bell__count">0</span>' in response.content.decode()


def test_roles_without_notifications_have_no_bell(
    staff: dict[Role, User], signed_in: Callable[[User], HttpClient]
) -> None:
    page = signed_in(staff[Role.IG_LEAD]).get(reverse("audit:log")).content.decode()
    assert "hiu-bell" not in page


# Preferences -----------------------------------------------------------------------------------


def test_choosing_email_for_some_kinds_is_saved_and_audited_without_values(
    staff: dict[Role, User], signed_in: Callable[[User], HttpClient]
) -> None:
    manager = staff[Role.CASE_MANAGER]
    browser = signed_in(manager)
    response = browser.post(
        reverse("notifications:preferences"), {"email": ["risk_answer", "allocated"]}
    )
    assert response.status_code == 302
    assert set(
        Preference.objects.filter(user=manager, email=True).values_list("kind", flat=True)
    ) == {"risk_answer", "allocated"}
    event = AuditEvent.objects.get(action=Action.CHANGE_NOTIFICATION_PREFERENCES)
    assert event.detail == {"email": ["allocated", "risk_answer"]}
    page = browser.get(reverse("notifications:preferences")).content.decode()
    assert 'value="risk_answer" checked' in page
    browser.post(reverse("notifications:preferences"), {})
    assert not Preference.objects.filter(user=manager, email=True).exists()


def test_a_made_up_kind_is_refused_with_an_error(
    staff: dict[Role, User], signed_in: Callable[[User], HttpClient]
) -> None:
    response = signed_in(staff[Role.CASE_MANAGER]).post(
        reverse("notifications:preferences"), {"email": ["<script>alert(1)</script>"]}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Select kinds of notification from the list" in page
    assert "<script>alert(1)</script>" not in page
    assert not Preference.objects.exists()


# Email through a real SMTP server ---------------------------------------------------------------


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((list(envelope.rcpt_tos), email.message_from_bytes(envelope.content)))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_inbox(settings: Any) -> Iterator[Inbox]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.DEFAULT_FROM_EMAIL = "hiu@service.example"
    settings.HIU_SITE_URL = "https://hiu.example.nhs.uk"
    try:
        yield inbox
    finally:
        controller.stop()


def test_a_risk_answer_is_emailed_only_to_those_who_chose_email_with_no_client_details(
    smtp_inbox: Inbox,
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    make_client: Callable[..., Client],
    service: Service,
    django_capture_on_commit_callbacks: Any,
) -> None:
    manager, lead = staff[Role.CASE_MANAGER], staff[Role.SERVICE_LEAD]
    manager.email = "case.manager@nhs.example"
    manager.save()
    lead.email = "lead@nhs.example"
    lead.save()
    save_preferences(manager, ["risk_answer"])
    save_preferences(lead, ["allocated"])  # the lead wants email for allocations only
    client = make_client(
        service,
        case_manager=manager,
        given_name="Ivy",
        family_name="Pemberton",
        nhs_number="9990012345",
    )
    record_episode(client, Phase.ENGAGED)
    answers = {f"item_{n}": "0" for n in range(1, 9)} | {"item_9": "2"}
    today = timezone.localdate()
    data = {
        "instrument": "phq9",
        "point": "review",
        "completed_on_day": str(today.day),
        "completed_on_month": str(today.month),
        "completed_on_year": str(today.year),
        **answers,
    }
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(manager).post(reverse("outcomes:record", kwargs={"client_id": client.pk}), data)
    # Both are notified in the app; only the case manager chose email for risk answers.
    assert kinds_for(lead) == [Kind.RISK_ANSWER]
    assert len(smtp_inbox.messages) == 1
    recipients, message = smtp_inbox.messages[0]
    assert recipients == ["case.manager@nhs.example"]
    assert message["To"] == "case.manager@nhs.example"
    assert message["From"] == "hiu@service.example"
    assert message["Subject"] == "High Intensity Use: risk answer recorded"
    body = message.get_payload(decode=True).decode()
    assert "https://hiu.example.nhs.uk/notifications/" in body
    assert "risk answer recorded" in body
    for secret in ("Ivy", "Pemberton", "9990012345", "999 001 2345", f"/clients/{client.pk}/"):
        assert secret not in body
        assert secret not in message["Subject"]


def test_an_allocation_is_emailed_when_chosen_and_not_when_the_transaction_fails(
    smtp_inbox: Inbox,
    staff: dict[Role, User],
    make_client: Callable[..., Client],
    service: Service,
    django_capture_on_commit_callbacks: Any,
) -> None:
    manager = staff[Role.CASE_MANAGER]
    manager.email = "cm@nhs.example"
    manager.save()
    save_preferences(manager, ["allocated"])
    with django_capture_on_commit_callbacks(execute=True):
        allocate(make_client(service), manager, by=staff[Role.SERVICE_LEAD])
    assert [r for r, _ in smtp_inbox.messages] == [["cm@nhs.example"]]
    assert smtp_inbox.messages[0][1]["Subject"] == "High Intensity Use: allocated a client"
