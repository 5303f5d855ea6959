"""Interventions: the service's catalogue (000 §2.3.5), referrals to interventions, sessions
within their limits, the wait to the first intervention, befriending for the volunteer
coordinator, signposting, and the tasks they put on workers' lists."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from hiu.web.accounts.models import Service
from hiu.web.accounts.roles import Role
from hiu.web.audit.models import Action, AuditEvent
from hiu.web.clients.models import Client
from hiu.web.clients.querysets import CASEWORK_ROLES
from hiu.web.episodes.models import Episode
from hiu.web.episodes.phases import Phase, WayIn
from hiu.web.episodes.services import move, open_episode
from hiu.web.interventions.due import tasks_due
from hiu.web.interventions.marks import intervention_marks
from hiu.web.interventions.models import (
    EndReason,
    Intervention,
    InterventionSession,
    InterventionType,
    Kind,
    OnwardReferral,
)
from hiu.web.interventions.presenters import (
    median_wait_days,
    postcode_district,
    sessions_text,
    wait_to_first_intervention,
)
from hiu.web.interventions.services import (
    InterventionRefused,
    add_session,
    catalogue_for,
    end_intervention,
    make_intervention,
    save_type,
)

pytestmark = pytest.mark.db_engine

TODAY = timezone.localdate()
AGO = lambda days: TODAY - dt.timedelta(days=days)  # noqa: E731


def date_fields(name: str, day: dt.date) -> dict[str, str]:
    return {
        f"{name}_day": str(day.day),
        f"{name}_month": str(day.month),
        f"{name}_year": str(day.year),
    }


def type_named(service: Service, name: str) -> InterventionType:
    return catalogue_for(service).get(name=name)


CBT = "Cognitive behavioural therapy / motivational interviewing"
BEFRIENDING = "Befriending and peer support"
PSYCHOTHERAPY = "Psychological therapy"
ENGAGEMENT = "Engagement plan / ED protocol"


@pytest.fixture
def manager(staff: dict[Role, User]) -> User:
    return staff[Role.CASE_MANAGER]


@pytest.fixture
def engaged(
    make_client: Callable[..., Client], service: Service, manager: User
) -> tuple[Client, Episode]:
    """A client accepted 60 days ago and engaged."""
    client = make_client(service, case_manager=manager, postcode="E8 1AB", phone="07700900123")
    episode = open_episode(
        client, by=manager, way_in=WayIn.REFERRED, phase=Phase.ENGAGED, on=AGO(60)
    )
    return client, episode


def refer(
    client: Client, manager: User, name: str, referred_days_ago: int = 50, **kw: Any
) -> Intervention:
    return make_intervention(
        client,
        by=manager,
        type=type_named(client.service, name),
        referred_on=AGO(referred_days_ago),
        **kw,
    )


# The catalogue ----------------------------------------------------------------------------


def test_the_catalogue_is_seeded_with_hackneys_table_once(service: Service) -> None:
    # When the catalogue is asked for twice
    catalogue_for(service)
    lines = list(catalogue_for(service))
    # Then it holds 000 §2.3.5's four lines, in its order, with its numbers, once each
    numbers = [(t.name, t.kind, t.provider, t.planned_sessions, t.max_sessions) for t in lines]
    assert numbers == [
        (ENGAGEMENT, Kind.ENGAGEMENT_PLAN, "HUH / ELFT", None, None),
        (CBT, Kind.PSYCHOLOGICAL_THERAPY, "East London NHS Foundation Trust (ELFT)", 6, 8),
        (
            PSYCHOTHERAPY,
            Kind.PSYCHOLOGICAL_THERAPY,
            "Tavistock and Portman NHS Foundation Trust",
            None,
            16,
        ),
        (BEFRIENDING, Kind.BEFRIENDING, "Volunteer Centre Hackney", None, None),
    ]


def test_each_service_has_its_own_catalogue(
    service: Service, other_service: Service, staff: dict[Role, User]
) -> None:
    cbt = type_named(service, CBT)
    save_type(
        service,
        by=staff[Role.SERVICE_LEAD],
        existing=cbt,
        name=CBT,
        kind=cbt.kind,
        provider="ELFT",
        planned_sessions=4,
        max_sessions=6,
        active=True,
    )
    assert type_named(other_service, CBT).planned_sessions == 6


def test_most_sessions_must_be_at_least_the_planned(
    service: Service, staff: dict[Role, User], signed_in: Callable[[User], HttpClient]
) -> None:
    lead = staff[Role.SERVICE_LEAD]
    cbt = type_named(service, CBT)
    browser = signed_in(lead)
    # When the lead sets the most below the planned
    response = browser.post(
        reverse("interventions:type", kwargs={"type_id": cbt.pk}),
        {
            "name": CBT,
            "kind": Kind.PSYCHOLOGICAL_THERAPY,
            "provider": "ELFT",
            "planned_sessions": "8",
            "max_sessions": "6",
            "active": "yes",
        },
    )
    # Then the form says so and nothing changes
    assert response.status_code == 200
    assert (
        "The most sessions must be the same as or more than the planned sessions"
        in response.content.decode()
    )
    cbt.refresh_from_db()
    assert (cbt.planned_sessions, cbt.max_sessions) == (6, 8)
    # And the service refuses it too, and the database
    with pytest.raises(InterventionRefused):
        save_type(
            service,
            by=lead,
            existing=cbt,
            name=CBT,
            kind=cbt.kind,
            provider="",
            planned_sessions=8,
            max_sessions=6,
            active=True,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        InterventionType.objects.filter(pk=cbt.pk).update(planned_sessions=9)
    # Equal numbers are allowed
    save_type(
        service,
        by=lead,
        existing=cbt,
        name=CBT,
        kind=cbt.kind,
        provider="",
        planned_sessions=8,
        max_sessions=8,
        active=True,
    )


def test_adding_a_line_is_audited_as_a_settings_change(
    service: Service, staff: dict[Role, User], signed_in: Callable[[User], HttpClient]
) -> None:
    catalogue_for(service)
    response = signed_in(staff[Role.SERVICE_LEAD]).post(
        reverse("interventions:new_type"),
        {
            "name": "Housing advice",
            "kind": Kind.PRACTICAL_SUPPORT,
            "provider": "Hackney Council",
            "planned_sessions": "",
            "max_sessions": "3",
            "active": "yes",
        },
    )
    assert response.status_code == 302
    made = InterventionType.objects.get(service=service, name="Housing advice")
    assert (made.max_sessions, made.position) == (3, 5)
    event = AuditEvent.objects.get(action=Action.CHANGE_SERVICE_SETTINGS)
    assert event.object_id == str(service.pk)
    assert event.detail == {
        "what": "intervention_type",
        "intervention_type": made.pk,
        "created": True,
        "active": True,
    }


def test_a_duplicate_name_is_refused(
    service: Service, staff: dict[Role, User], signed_in: Callable[[User], HttpClient]
) -> None:
    catalogue_for(service)
    response = signed_in(staff[Role.SERVICE_LEAD]).post(
        reverse("interventions:new_type"),
        {"name": "psychological therapy", "kind": Kind.OTHER, "active": "yes"},
    )
    assert "already has an intervention with this name" in response.content.decode()


def test_a_retired_type_is_not_offered_but_stays_on_old_interventions(
    engaged: tuple[Client, Episode],
    manager: User,
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
) -> None:
    client, _ = engaged
    old = refer(client, manager, PSYCHOTHERAPY)
    psych = old.type
    save_type(
        client.service,
        by=staff[Role.SERVICE_LEAD],
        existing=psych,
        name=psych.name,
        kind=psych.kind,
        provider=psych.provider,
        planned_sessions=None,
        max_sessions=12,
        active=False,
    )
    browser = signed_in(manager)
    form = browser.get(
        reverse("interventions:new", kwargs={"client_id": client.pk})
    ).content.decode()
    assert PSYCHOTHERAPY not in form
    assert CBT in form
    page = browser.get(
        reverse("interventions:client", kwargs={"client_id": client.pk})
    ).content.decode()
    assert PSYCHOTHERAPY in page
    # The old intervention keeps the numbers it copied
    old.refresh_from_db()
    assert old.max_sessions == 16
    with pytest.raises(InterventionRefused):
        refer(client, manager, PSYCHOTHERAPY)


# Referring to an intervention --------------------------------------------------------------


def test_a_referral_copies_the_provider_and_numbers(
    engaged: tuple[Client, Episode], manager: User, signed_in: Callable[[User], HttpClient]
) -> None:
    client, episode = engaged
    cbt = type_named(client.service, CBT)
    response = signed_in(manager).post(
        reverse("interventions:new", kwargs={"client_id": client.pk}),
        {
            "type": str(cbt.pk),
            "provider": "",
            **date_fields("referred_on", AGO(30)),
            "note": "Panic",
        },
    )
    made = Intervention.objects.get(client=client)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "interventions:detail", kwargs={"intervention_id": made.pk}
    )
    assert (made.episode, made.provider, made.planned_sessions, made.max_sessions) == (
        episode,
        "East London NHS Foundation Trust (ELFT)",
        6,
        8,
    )
    assert made.started_on is None
    assert made.made_by == manager
    event = AuditEvent.objects.filter(action=Action.UPDATE_CLIENT).latest("id")
    assert event.object_id == str(client.pk)
    assert event.detail == {
        "what": "intervention",
        "episode": episode.pk,
        "intervention": made.pk,
        "intervention_type": cbt.pk,
    }


def test_a_client_without_an_open_episode_cannot_be_referred(
    make_client: Callable[..., Client],
    service: Service,
    manager: User,
    signed_in: Callable[[User], HttpClient],
) -> None:
    client = make_client(service, case_manager=manager)
    url = reverse("interventions:new", kwargs={"client_id": client.pk})
    browser = signed_in(manager)
    assert "Open an episode first" in browser.get(url).content.decode()
    cbt = type_named(service, CBT)
    response = browser.post(url, {"type": str(cbt.pk), **date_fields("referred_on", TODAY)})
    assert response.status_code == 200
    assert not Intervention.objects.exists()
    # And a closed episode is not open
    episode = open_episode(client, by=manager, way_in=WayIn.REFERRED, on=AGO(5))
    move(episode, Phase.CLOSED, by=manager, reason="Declined", on=AGO(1))
    assert "Open an episode first" in browser.get(url).content.decode()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "Enter the date of referral"),
        (
            {"referred_on_day": "31", "referred_on_month": "2", "referred_on_year": "2025"},
            "The date of referral must be a real date",
        ),
        (
            {"referred_on_day": "1", "referred_on_month": "", "referred_on_year": "2025"},
            "The date of referral must include a month",
        ),
        ("future", "The date of referral must be today or in the past"),
        ("before_episode", "The date of referral must be on or after the day the episode opened"),
        ("start_before_referral", "The start date must be on or after the date of referral"),
    ],
)
def test_referral_dates_are_checked(
    engaged: tuple[Client, Episode],
    manager: User,
    signed_in: Callable[[User], HttpClient],
    fields: Any,
    message: str,
) -> None:
    client, _ = engaged
    cbt = type_named(client.service, CBT)
    if fields == "future":
        fields = date_fields("referred_on", TODAY + dt.timedelta(days=1))
    elif fields == "before_episode":
        fields = date_fields("referred_on", AGO(61))
    elif fields == "start_before_referral":
        fields = {**date_fields("referred_on", AGO(10)), **date_fields("started_on", AGO(11))}
    response = signed_in(manager).post(
        reverse("interventions:new", kwargs={"client_id": client.pk}),
        {"type": str(cbt.pk), **fields},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Intervention.objects.exists()


def test_a_befriending_referral_needs_the_risk_assessment(
    engaged: tuple[Client, Episode], manager: User, signed_in: Callable[[User], HttpClient]
) -> None:
    client, _ = engaged
    befriending = type_named(client.service, BEFRIENDING)
    response = signed_in(manager).post(
        reverse("interventions:new", kwargs={"client_id": client.pk}),
        {"type": str(befriending.pk), **date_fields("referred_on", AGO(3))},
    )
    page = response.content.decode()
    assert "Enter the risk assessment for the befriending referral" in page
    assert "Enter what the person would like from a volunteer" in page
    assert not Intervention.objects.exists()


# Sessions -----------------------------------------------------------------------------------


def test_a_session_beyond_the_most_is_refused(
    engaged: tuple[Client, Episode], manager: User, signed_in: Callable[[User], HttpClient]
) -> None:
    client, _ = engaged
    cbt = refer(client, manager, CBT, started_on=AGO(49))
    for n in range(8):
        add_session(cbt, by=manager, on=AGO(48 - n), status="attended")
    response = signed_in(manager).post(
        reverse("interventions:add_session", kwargs={"intervention_id": cbt.pk}),
        {**date_fields("on", AGO(1)), "status": "attended"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "This intervention has had the most sessions it can have (8)" in page
    assert "Most sessions reached" in page
    assert cbt.sessions.count() == 8
    # Nor a missed one: the intervention is full
    with pytest.raises(InterventionRefused):
        add_session(cbt, by=manager, on=AGO(1), status="missed")


def test_reaching_the_planned_sessions_warns(
    engaged: tuple[Client, Episode], manager: User, signed_in: Callable[[User], HttpClient]
) -> None:
    client, _ = engaged
    cbt = refer(client, manager, CBT)
    for n in range(5):
        added = add_session(cbt, by=manager, on=AGO(40 - n), status="attended")
        assert not added.planned_reached
    add_session(cbt, by=manager, on=AGO(30), status="missed")
    browser = signed_in(manager)
    detail = reverse("interventions:detail", kwargs={"intervention_id": cbt.pk})
    assert "Planned sessions reached" not in browser.get(detail).content.decode()
    # When the sixth attended session is recorded
    response = browser.post(
        reverse("interventions:add_session", kwargs={"intervention_id": cbt.pk}),
        {**date_fields("on", AGO(20)), "status": "attended", "note": ""},
        follow=True,
    )
    page = response.content.decode()
    # Then it is recorded, with a warning to review, and more may still be recorded (up to 8)
    assert "Session recorded: 6 sessions attended, the number planned" in page
    assert "Planned sessions reached: review" in page
    assert "or carry on, up to 8 sessions" in page
    assert "Record session" in page
    assert "6 attended, 1 missed, of 6 planned (up to 8)" in page


def test_the_first_attended_session_starts_the_intervention(
    engaged: tuple[Client, Episode], manager: User
) -> None:
    client, episode = engaged
    cbt = refer(client, manager, CBT)
    add_session(cbt, by=manager, on=AGO(40), status="missed")
    cbt.refresh_from_db()
    assert cbt.started_on is None
    add_session(cbt, by=manager, on=AGO(37), status="attended")
    cbt.refresh_from_db()
    assert cbt.started_on == AGO(37)
    assert wait_to_first_intervention(episode) == 23
    event = AuditEvent.objects.filter(action=Action.UPDATE_CLIENT).latest("id")
    assert event.detail["what"] == "session"
    assert event.detail["started"] is True
    assert set(event.detail) == {"what", "intervention", "session", "status", "started"}


def test_sessions_are_refused_before_referral_after_the_end_and_for_an_engagement_plan(
    engaged: tuple[Client, Episode], manager: User
) -> None:
    client, _ = engaged
    cbt = refer(client, manager, CBT, referred_days_ago=20)
    with pytest.raises(InterventionRefused, match="on or after the date of referral"):
        add_session(cbt, by=manager, on=AGO(21), status="attended")
    add_session(cbt, by=manager, on=AGO(10), status="attended")
    add_session(cbt, by=manager, on=AGO(6), status="attended")
    with pytest.raises(InterventionRefused, match="on or after the last session"):
        end_intervention(cbt, by=manager, on=AGO(8), reason=EndReason.COMPLETED)
    end_intervention(cbt, by=manager, on=AGO(5), reason=EndReason.COMPLETED)
    with pytest.raises(InterventionRefused, match="has ended"):
        add_session(cbt, by=manager, on=AGO(2), status="attended")
    with pytest.raises(InterventionRefused, match="already ended"):
        end_intervention(cbt, by=manager, on=AGO(1), reason=EndReason.OTHER)
    plan = refer(client, manager, ENGAGEMENT, started_on=AGO(40))
    assert (plan.planned_sessions, plan.max_sessions) == (None, None)
    with pytest.raises(InterventionRefused, match="no sessions"):
        add_session(plan, by=manager, on=AGO(1), status="attended")


def test_ending_an_intervention(
    engaged: tuple[Client, Episode], manager: User, signed_in: Callable[[User], HttpClient]
) -> None:
    client, _ = engaged
    cbt = refer(client, manager, CBT, started_on=AGO(40))
    url = reverse("interventions:end", kwargs={"intervention_id": cbt.pk})
    browser = signed_in(manager)
    response = browser.post(url, {**date_fields("ended_on", AGO(41)), "end_reason": "completed"})
    assert "The end date must be on or after the day it started" in response.content.decode()
    response = browser.post(url, {**date_fields("ended_on", AGO(2)), "end_reason": "other"})
    assert "Enter why the intervention ended" in response.content.decode()
    response = browser.post(url, {**date_fields("ended_on", AGO(2)), "end_reason": "disengaged"})
    assert response.status_code == 302
    cbt.refresh_from_db()
    assert (cbt.ended_on, cbt.end_reason) == (AGO(2), EndReason.DISENGAGED)
    event = AuditEvent.objects.filter(action=Action.UPDATE_CLIENT).latest("id")
    assert event.detail == {
        "what": "intervention_end",
        "intervention": cbt.pk,
        "end_reason": "disengaged",
    }
    page = browser.get(
        reverse("interventions:client", kwargs={"client_id": client.pk})
    ).content.decode()
    assert "Ended: disengaged" in page


# The wait to the first intervention ---------------------------------------------------------


def test_the_wait_is_from_acceptance_to_the_first_start(
    engaged: tuple[Client, Episode], manager: User, signed_in: Callable[[User], HttpClient]
) -> None:
    client, episode = engaged
    assert wait_to_first_intervention(episode) is None
    refer(client, manager, CBT, referred_days_ago=50)
    assert wait_to_first_intervention(episode) is None
    refer(client, manager, PSYCHOTHERAPY, referred_days_ago=45, started_on=AGO(30))
    refer(client, manager, ENGAGEMENT, referred_days_ago=40, started_on=AGO(37))
    # Opened 60 days ago; the first start 37 days ago
    assert wait_to_first_intervention(episode) == 23
    page = (
        signed_in(manager)
        .get(reverse("interventions:client", kwargs={"client_id": client.pk}))
        .content.decode()
    )
    assert "Started 23 days after acceptance" in page
    assert "Referred, not started" in page


def test_the_median_wait_across_the_service(
    make_client: Callable[..., Client], service: Service, other_service: Service, manager: User
) -> None:
    assert median_wait_days(service) is None
    for opened, started in [(60, 50), (60, 40), (30, 26), (20, None)]:
        client = make_client(service)
        open_episode(client, by=manager, way_in=WayIn.REFERRED, phase=Phase.ENGAGED, on=AGO(opened))
        if started is not None:
            refer(client, manager, CBT, referred_days_ago=started, started_on=AGO(started))
    elsewhere = make_client(other_service)
    open_episode(elsewhere, by=manager, way_in=WayIn.REFERRED, phase=Phase.ENGAGED, on=AGO(90))
    refer(elsewhere, manager, CBT, referred_days_ago=1, started_on=AGO(1))
    # Waits of 10, 20 and 4 days: the median is 10; the other service's 89 is not counted
    assert median_wait_days(service) == 10.0


def test_session_counts_read_as_people_say_them() -> None:
    assert sessions_text(5, 1, 0, 6, 8) == "5 attended, 1 missed, of 6 planned (up to 8)"
    assert sessions_text(3, 0, 2, None, 16) == "3 attended, 0 missed, 2 cancelled, of up to 16"
    assert sessions_text(2, 0, 0, 6, 6) == "2 attended, 0 missed, of 6 planned"
    assert sessions_text(4, 1, 0, None, None) == "4 attended, 1 missed"
    assert sessions_text(0, 0, 0, None, None, has_sessions=False) == "No sessions"


def test_intervention_marks_for_the_activity_chart(
    engaged: tuple[Client, Episode], manager: User
) -> None:
    client, _ = engaged
    refer(client, manager, CBT)
    refer(client, manager, PSYCHOTHERAPY, started_on=AGO(20))
    refer(client, manager, ENGAGEMENT, started_on=AGO(45))
    assert intervention_marks(client) == [
        (AGO(45), f"{ENGAGEMENT} started"),
        (AGO(20), f"{PSYCHOTHERAPY} started"),
    ]


# Signposting and referrals out --------------------------------------------------------------


def test_signposting_is_recorded_and_listed(
    engaged: tuple[Client, Episode], manager: User, signed_in: Callable[[User], HttpClient]
) -> None:
    client, episode = engaged
    browser = signed_in(manager)
    url = reverse("interventions:onward", kwargs={"client_id": client.pk})
    response = browser.post(
        url, {"kind": "signposted", "organisation": "", "reason": "", **date_fields("on", AGO(2))}
    )
    page = response.content.decode()
    assert "Enter the organisation" in page
    assert "Enter why the client was sent there" in page
    response = browser.post(
        url,
        {
            "kind": "referred",
            "organisation": "Hackney Foodbank",
            "reason": "No food at home",
            **date_fields("on", AGO(2)),
        },
    )
    assert response.status_code == 302
    onward = OnwardReferral.objects.get()
    assert (onward.episode, onward.kind, onward.by) == (episode, "referred", manager)
    event = AuditEvent.objects.filter(action=Action.UPDATE_CLIENT).latest("id")
    assert event.detail == {
        "what": "onward_referral",
        "episode": episode.pk,
        "onward_referral": onward.pk,
        "kind": "referred",
    }
    page = browser.get(
        reverse("interventions:client", kwargs={"client_id": client.pk})
    ).content.decode()
    assert "Hackney Foodbank" in page
    assert "No food at home" in page


# Befriending --------------------------------------------------------------------------------


@pytest.fixture
def befriending(engaged: tuple[Client, Episode], manager: User) -> Intervention:
    client, _ = engaged
    return refer(
        client,
        manager,
        BEFRIENDING,
        referred_days_ago=14,
        befriending_note="Likes gardening; would like to visit the library",
        risk_note="No known risk to visitors; meet first at the Volunteer Centre",
        note="Case note the coordinator must not see",
    )


def test_the_befriending_page_shows_only_what_befriending_needs(
    befriending: Intervention, staff: dict[Role, User], signed_in: Callable[[User], HttpClient]
) -> None:
    client = befriending.client
    client.date_of_birth = dt.date(1961, 7, 23)
    client.save()
    add_session(befriending, by=staff[Role.VOLUNTEER_COORDINATOR], on=AGO(7), status="attended")
    browser = signed_in(staff[Role.VOLUNTEER_COORDINATOR])
    for name in ("interventions:befriending", "interventions:befriending_detail"):
        kwargs = {"intervention_id": befriending.pk} if name.endswith("detail") else {}
        page = browser.get(reverse(name, kwargs=kwargs)).content.decode()
        # Shown: given name and initial, district, phone, the two notes, referral date, visits
        assert f"{client.given_name} {client.family_name[0]}" in page
        assert re.search(r">\s*E8\s*<", page)
        assert "07700900123" in page
        assert "Likes gardening; would like to visit the library" in page
        assert "meet first at the Volunteer Centre" in page
        assert f"{AGO(14).day} {AGO(14):%B %Y}" in page
        # Absent: family name, NHS number, date of birth, full postcode, the case note
        assert client.family_name not in page
        assert client.nhs_number not in page
        assert f"{client.nhs_number[:3]} {client.nhs_number[3:6]}" not in page
        assert "23 July 1961" not in page
        assert "E8 1AB" not in page
        # As words: a random token on the page (the CSRF token) may hold these characters.
        assert not re.search(r"\b1961\b", page)
        assert not re.search(r"\b1AB\b", page)
        assert "Case note the coordinator must not see" not in page


def test_the_befriending_list_has_open_befriending_referrals_of_the_service_only(
    befriending: Intervention,
    engaged: tuple[Client, Episode],
    manager: User,
    make_client: Callable[..., Client],
    other_service: Service,
    make_user: Callable[..., User],
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
) -> None:
    client, _ = engaged
    refer(client, manager, CBT)  # not befriending
    ended = refer(client, manager, BEFRIENDING, befriending_note="x", risk_note="Ended one")
    end_intervention(ended, by=manager, on=TODAY, reason=EndReason.MOVED_ON)
    elsewhere = make_client(other_service, family_name="Elsewhere", given_name="Ozzy")
    other_manager = make_user("other_manager", Role.CASE_MANAGER, other_service)
    open_episode(
        elsewhere, by=other_manager, way_in=WayIn.REFERRED, phase=Phase.ENGAGED, on=AGO(30)
    )
    theirs = refer(
        elsewhere,
        other_manager,
        BEFRIENDING,
        referred_days_ago=5,
        befriending_note="Theirs",
        risk_note="Theirs",
    )
    browser = signed_in(staff[Role.VOLUNTEER_COORDINATOR])
    page = browser.get(reverse("interventions:befriending")).content.decode()
    assert (
        reverse("interventions:befriending_detail", kwargs={"intervention_id": befriending.pk})
        in page
    )
    assert (
        reverse("interventions:befriending_detail", kwargs={"intervention_id": ended.pk})
        not in page
    )
    assert "Ozzy" not in page
    assert "Ended one" not in page
    # Each person shown is audited, by client id and intervention id only
    events = AuditEvent.objects.filter(action=Action.VIEW_BEFRIENDING_REFERRAL)
    assert [(e.object_type, e.object_id, e.detail) for e in events] == [
        ("client", str(client.pk), {"intervention": befriending.pk})
    ]
    # Another service's referral, and an ended one, are a 404
    for hidden in (theirs, ended):
        url = reverse("interventions:befriending_detail", kwargs={"intervention_id": hidden.pk})
        response = browser.get(url)
        assert response.status_code == 404
        assert "Elsewhere" not in response.content.decode()


def test_the_coordinator_records_a_visit_and_the_volunteer(
    befriending: Intervention, staff: dict[Role, User], signed_in: Callable[[User], HttpClient]
) -> None:
    coordinator = staff[Role.VOLUNTEER_COORDINATOR]
    browser = signed_in(coordinator)
    url = reverse("interventions:befriending_detail", kwargs={"intervention_id": befriending.pk})
    response = browser.post(url, {"form": "volunteer", "volunteer_name": "Sam Volunteer"})
    assert response.status_code == 302
    response = browser.post(
        url,
        {
            "form": "visit",
            **date_fields("on", AGO(3)),
            "status": "attended",
            "note": "Walked to the library",
        },
    )
    assert response.status_code == 302
    befriending.refresh_from_db()
    assert befriending.volunteer_name == "Sam Volunteer"
    assert befriending.started_on == AGO(3)
    visit = InterventionSession.objects.get(intervention=befriending)
    assert (visit.on, visit.status, visit.by) == (AGO(3), "attended", coordinator)
    whats = [
        e.detail["what"]
        for e in AuditEvent.objects.filter(action=Action.UPDATE_CLIENT, actor=coordinator).order_by(
            "id"
        )
    ]
    assert whats == ["volunteer_match", "session"]
    page = browser.get(url).content.decode()
    assert "Sam Volunteer" in page
    assert "Walked to the library" in page
    response = browser.post(url, {"form": "visit", "status": "attended"})
    assert "Enter the date of the visit" in response.content.decode()


def test_the_case_manager_keeps_the_notes_for_the_volunteers_up_to_date(
    befriending: Intervention,
    engaged: tuple[Client, Episode],
    manager: User,
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
) -> None:
    browser = signed_in(manager)
    url = reverse("interventions:referral", kwargs={"intervention_id": befriending.pk})
    response = browser.post(url, {"befriending_note": "Cooking", "risk_note": ""})
    assert "Enter the risk assessment for the befriending referral" in response.content.decode()
    response = browser.post(url, {"befriending_note": "Cooking", "risk_note": "Dog at home"})
    assert response.status_code == 302
    event = AuditEvent.objects.filter(action=Action.UPDATE_CLIENT).latest("id")
    assert event.detail == {"what": "befriending_referral", "intervention": befriending.pk}
    page = (
        signed_in(staff[Role.VOLUNTEER_COORDINATOR])
        .get(reverse("interventions:befriending"))
        .content.decode()
    )
    assert "Dog at home" in page
    # Not for another kind of intervention
    client, _ = engaged
    cbt = refer(client, manager, CBT)
    other = reverse("interventions:referral", kwargs={"intervention_id": cbt.pk})
    response = signed_in(manager).post(other, {"befriending_note": "x", "risk_note": "y"})
    assert "Only an open befriending referral can be changed" in response.content.decode()


def test_the_coordinator_sees_no_client_record(
    befriending: Intervention, staff: dict[Role, User], signed_in: Callable[[User], HttpClient]
) -> None:
    assert Role.VOLUNTEER_COORDINATOR not in CASEWORK_ROLES
    browser = signed_in(staff[Role.VOLUNTEER_COORDINATOR])
    client_id = befriending.client_id
    response = browser.get(reverse("clients:detail", kwargs={"client_id": client_id}))
    assert response.status_code == 403
    for name, kwargs in [
        ("interventions:client", {"client_id": client_id}),
        ("interventions:detail", {"intervention_id": befriending.pk}),
        ("interventions:catalogue", {}),
    ]:
        assert browser.get(reverse(name, kwargs=kwargs)).status_code == 403


def test_postcode_districts() -> None:
    assert postcode_district("E8 1AB") == "E8"
    assert postcode_district("e81ab") == "E8"
    assert postcode_district("SW1A 2AA") == "SW1A"
    assert postcode_district("N169JF") == "N16"
    assert postcode_district("") == ""


# Tasks --------------------------------------------------------------------------------------


def test_tasks_when_planned_sessions_are_reached_and_referrals_wait(
    engaged: tuple[Client, Episode], manager: User
) -> None:
    client, _ = engaged
    cbt = refer(client, manager, CBT, referred_days_ago=50)
    for n in range(6):
        add_session(cbt, by=manager, on=AGO(40 - n), status="attended")
    waiting = refer(client, manager, PSYCHOTHERAPY, referred_days_ago=28)
    refer(client, manager, PSYCHOTHERAPY, referred_days_ago=27)  # not yet
    stopped = refer(
        client, manager, BEFRIENDING, referred_days_ago=40, befriending_note="x", risk_note="y"
    )
    end_intervention(stopped, by=manager, on=TODAY, reason=EndReason.DECLINED)
    tasks = tasks_due(Client.objects.filter(pk=client.pk), TODAY)
    assert sorted((t.what, t.due_on, t.kind) for t in tasks) == [
        (f"Planned sessions reached: review ({CBT})", AGO(35), "intervention"),
        (f"Referred 28 days ago and not started ({PSYCHOTHERAPY})", TODAY, "intervention"),
    ]
    assert {t.url for t in tasks} == {
        reverse("interventions:detail", kwargs={"intervention_id": i.pk}) for i in (cbt, waiting)
    }
    # Ended: no more task
    end_intervention(cbt, by=manager, on=TODAY, reason=EndReason.COMPLETED)
    assert [t.what for t in tasks_due(Client.objects.filter(pk=client.pk), TODAY)] == [
        f"Referred 28 days ago and not started ({PSYCHOTHERAPY})"
    ]


def test_a_type_with_only_a_ceiling_asks_for_review_at_the_ceiling(
    engaged: tuple[Client, Episode], manager: User
) -> None:
    client, _ = engaged
    psych = refer(client, manager, PSYCHOTHERAPY, referred_days_ago=50)
    for n in range(15):
        add_session(psych, by=manager, on=AGO(45 - n), status="attended")
    assert tasks_due(Client.objects.filter(pk=client.pk), TODAY) == []
    add_session(psych, by=manager, on=AGO(10), status="attended")
    assert [t.what for t in tasks_due(Client.objects.filter(pk=client.pk), TODAY)] == [
        f"Planned sessions reached: review ({PSYCHOTHERAPY})"
    ]
