"""Correcting plan versions (ADR 0019): an action, crisis or ED plan version is only marked
entered in error (a plan is amended by saving a new version, and never moved: its number
belongs to the client's run of versions). The one before it becomes current again; the plan
review task, the goals figure and the plans page follow. The plans trap: the next version's
number counts versions in error too, so numbering never reuses one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from hiu.web.accounts.models import Service
from hiu.web.accounts.roles import Role
from hiu.web.audit.models import Action, AuditEvent
from hiu.web.clients.models import Client
from hiu.web.corrections.registry import kind_named
from hiu.web.corrections.services import mark_in_error, move
from hiu.web.episodes.phases import Phase, WayIn
from hiu.web.episodes.services import open_episode
from hiu.web.plans import due, services
from hiu.web.plans.models import ActionPlan, CrisisPlan, EDPlan, Progress
from hiu.web.plans.presenters import goal_progress_share, overview
from hiu.web.plans.querysets import current_crisis_plan, current_ed_plan, current_plan
from hiu.web.plans.services import GoalLine
from hiu.web.refused import Refused

pytestmark = pytest.mark.db_engine

TODAY = timezone.localdate()


@pytest.fixture
def lead(staff: dict[Role, User]) -> User:
    return staff[Role.SERVICE_LEAD]


@pytest.fixture
def person(make_client: Callable[..., Client], service: Service, lead: User) -> Client:
    client = make_client(service)
    open_episode(client, by=lead, way_in=WayIn.REFERRED, phase=Phase.ENGAGED)
    return client


def _action_plan(client: Client, by: User, review_in: int, progress: str) -> ActionPlan:
    return services.save_plan(
        client,
        by=by,
        summary="Fewer calls to 999",
        review_on=TODAY + dt.timedelta(days=review_in),
        goals=[GoalLine("See the GP monthly", progress=progress)],
    )


def _crisis(client: Client, by: User, what_helps: str) -> CrisisPlan:
    return services.save_crisis_plan(
        client,
        by=by,
        triggers="Letters from the council",
        early_warning_signs="Stops answering",
        what_helps=what_helps,
        who_to_contact="Sister",
    )


def _ed(client: Client, by: User, response: str) -> EDPlan:
    return services.save_ed_plan(client, by=by, response=response)


# -- The plans trap: numbering counts versions in error ----------------------------------------


def test_the_next_action_plan_version_counts_one_in_error(person: Client, lead: User) -> None:
    _action_plan(person, lead, 60, Progress.NOT_STARTED)
    wrong = _action_plan(person, lead, 60, Progress.NOT_STARTED)
    mark_in_error(kind_named("action_plan"), wrong, reason="Wrong client's goals", by=lead)
    # Without ``all_with_errors`` this would be version 2 again, and break the constraint.
    again = _action_plan(person, lead, 60, Progress.NOT_STARTED)
    assert again.version == 3
    assert sorted(
        ActionPlan.all_with_errors.filter(client=person).values_list("version", flat=True)
    ) == [1, 2, 3]


def test_the_next_crisis_and_ed_plan_versions_count_ones_in_error(
    person: Client, lead: User
) -> None:
    wrong_crisis = _crisis(person, lead, "Music")
    wrong_ed = _ed(person, lead, "Call the HIU")
    mark_in_error(kind_named("crisis_plan"), wrong_crisis, reason="Another client's", by=lead)
    mark_in_error(kind_named("ed_plan"), wrong_ed, reason="Another client's", by=lead)
    assert _crisis(person, lead, "A walk").version == 2
    assert _ed(person, lead, "Call the case manager").version == 2


# -- Derived figures --------------------------------------------------------------------------


def test_the_version_before_one_in_error_is_current_again(person: Client, lead: User) -> None:
    first = _action_plan(person, lead, 60, Progress.NOT_STARTED)
    crisis = _crisis(person, lead, "Music")
    ed = _ed(person, lead, "Call the HIU")
    wrong = _action_plan(person, lead, 90, Progress.NOT_STARTED)
    wrong_crisis = _crisis(person, lead, "Wrong")
    wrong_ed = _ed(person, lead, "Wrong")
    for slug, entry in (
        ("action_plan", wrong),
        ("crisis_plan", wrong_crisis),
        ("ed_plan", wrong_ed),
    ):
        mark_in_error(kind_named(slug), entry, reason="Recorded on the wrong client", by=lead)
    assert current_plan(person) == first
    assert current_crisis_plan(person) == crisis
    assert current_ed_plan(person) == ed
    shown = overview(person, TODAY)
    assert (shown.plan, shown.crisis, shown.ed) == (first, crisis, ed)


def test_the_plan_review_task_reads_the_version_that_stands(
    person: Client, lead: User, service: Service
) -> None:
    _action_plan(person, lead, 10, Progress.NOT_STARTED)
    wrong = _action_plan(person, lead, 100, Progress.NOT_STARTED)

    def reviews() -> list[dt.date]:
        found = due.tasks_due(Client.objects.filter(service=service), TODAY)
        return [task.due_on for task in found if task.what == "Review the action plan"]

    assert reviews() == []  # the latest version's review is 100 days away
    mark_in_error(kind_named("action_plan"), wrong, reason="Wrong client", by=lead)
    assert reviews() == [TODAY + dt.timedelta(days=10)]


def test_the_goals_figure_reads_the_version_that_stands(
    person: Client, lead: User, service: Service
) -> None:
    _action_plan(person, lead, 60, Progress.NOT_STARTED)
    wrong = _action_plan(person, lead, 60, Progress.IN_PROGRESS)
    assert goal_progress_share(service) == (1, 1)
    mark_in_error(kind_named("action_plan"), wrong, reason="Wrong client", by=lead)
    assert goal_progress_share(service) == (0, 1)


def test_a_plan_version_is_never_moved_nor_amended(
    person: Client, lead: User, make_client: Callable[..., Client], service: Service
) -> None:
    plan = _action_plan(person, lead, 60, Progress.NOT_STARTED)
    for slug in ("action_plan", "crisis_plan", "ed_plan"):
        kind = kind_named(slug)
        assert not kind.fields
        assert not kind.movable
    with pytest.raises(Refused):
        move(kind_named("action_plan"), plan, make_client(service), reason="Wrong", by=lead)


# -- The pages ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("slug", "page"),
    [
        ("action_plan", "plans:plan_history"),
        ("crisis_plan", "plans:crisis"),
        ("ed_plan", "plans:ed_plan"),
    ],
)
def test_a_version_is_marked_in_error_from_its_page_and_shown_struck_through_on_asking(
    person: Client,
    lead: User,
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    slug: str,
    page: str,
) -> None:
    if slug == "action_plan":
        _action_plan(person, lead, 60, Progress.NOT_STARTED)
        wrong: ActionPlan | CrisisPlan | EDPlan = _action_plan(
            person, lead, 60, Progress.NOT_STARTED
        )
    elif slug == "crisis_plan":
        _crisis(person, lead, "Music")
        wrong = _crisis(person, lead, "Wrong")
    else:
        _ed(person, lead, "Call the HIU")
        wrong = _ed(person, lead, "Wrong")
    http = signed_in(staff[Role.CASE_MANAGER])
    listed = reverse(page, args=[person.pk])
    entry = reverse("corrections:entry", args=[person.pk, slug, wrong.pk])
    assert entry in http.get(listed).content.decode()
    url = reverse("corrections:in_error", args=[person.pk, slug, wrong.pk])
    response = http.post(url, {"reason": "Written on the wrong client"})
    assert response.status_code == 302
    assert response["Location"] == listed
    event = AuditEvent.objects.filter(action=Action.UPDATE_CLIENT, object_id=str(person.pk)).latest(
        "id"
    )
    assert event.detail == {"correction": "entered_in_error", "kind": slug, "entry": wrong.pk}
    shown = http.get(listed).content.decode()
    assert "Show versions marked in error (1)" in shown
    assert entry not in shown
    shown = http.get(listed + "?in_error=show").content.decode()
    assert "<s>Version 2," in shown
    assert "Written on the wrong client" in shown
    assert entry in shown
    # The entry page has no amend or move for a plan version.
    page_text = http.get(entry).content.decode()
    assert reverse("corrections:amend", args=[person.pk, slug, wrong.pk]) not in page_text
