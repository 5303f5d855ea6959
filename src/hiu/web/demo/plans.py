"""Each demo client's assessment and plans: the needs behind their use of services, an action
plan with goals, and for complex clients crisis and ED plans with the HIU alert."""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth.models import User
from django.utils import timezone

from hiu.web.clients.models import Client
from hiu.web.demo.timeline import seeded
from hiu.web.episodes.models import Episode
from hiu.web.episodes.phases import Complexity
from hiu.web.plans import services as plans
from hiu.web.plans.models import Need, Progress

ACCOUNTS = (
    "Comes to A&E when the chest pains start at night; frightened it is a heart attack.",
    "Calls 999 when the flat feels too quiet; has not spoken to anyone since the winter.",
    "Behind on rent and not sleeping; the hospital is the one place that feels safe.",
    "Drinks more when the pain is bad, then falls; the ambulance crew know them by name.",
)
GOALS = (
    "Join the Tuesday walking group",
    "Call the crisis line before 999 at night",
    "See the GP about the pain plan",
    "Get the housing repair booked",
    "Meet the befriender each week",
)


#: How often each need is the main one behind high intensity use, roughly: mental health and
#: loneliness most, then substance use, housing, symptoms without a medical explanation, money
#: (000 §4.1 counts new clients by it). Weights for the demo's spread, not published figures.
MAIN_NEED_WEIGHTS = {
    "mental_health": 30,
    "loneliness": 25,
    "substance_use": 15,
    "housing": 12,
    "unexplained_symptoms": 10,
    "money": 8,
    "social_family": 8,
    "self_harm": 7,
}


def main_need(client: Client, needs: list[str]) -> str:
    """One of the assessment's needs as the main one, weighted towards the common ones. Its
    own generator, so choosing it changes none of the client's other demo choices."""
    rng = seeded(client.nhs_number, 7)
    return rng.choices(needs, weights=[MAIN_NEED_WEIGHTS.get(n, 5) for n in needs])[0]


def add_plans(
    client: Client, episode: Episode, rng: random.Random, by: User, today: dt.date
) -> None:
    """An assessment, a two-version action plan and, for complex clients, crisis and ED plans
    with the HIU alert (hiu.web.plans.services)."""
    assert episode.engaged_on is not None
    assessed = min(today, episode.engaged_on + dt.timedelta(days=3))
    needs = rng.sample(list(Need.values), k=rng.randint(2, 3))
    plans.assess(
        client,
        plans.AssessmentAnswers(
            assessed_on=assessed,
            own_account=rng.choice(ACCOUNTS),
            needs=needs,
            primary_need=main_need(client, needs),
            readiness=rng.choice(("thinking", "ready", "ready")),
            risk_to_self=rng.choice(("none", "low", "medium")),
            risk_to_others="none",
            risk_to_staff=rng.choice(("none", "low")),
        ),
        by=by,
    )
    goals = rng.sample(GOALS, k=3)
    progressed = (today - episode.engaged_on).days > 30
    plans.save_plan(
        client,
        by=by,
        summary="Weekly calls, then fortnightly; connect to what they enjoy.",
        # Reviews are never in the past when saved: due from now, some within the fortnight.
        review_on=timezone.localdate() + dt.timedelta(days=rng.randint(3, 40)),
        goals=[plans.GoalLine(goal) for goal in goals],
    )
    if progressed:
        plans.save_plan(
            client,
            by=by,
            summary="Calls every two weeks; the walking group and the befriender carry on.",
            review_on=timezone.localdate() + dt.timedelta(days=rng.randint(3, 40)),
            goals=[
                plans.GoalLine(goals[0], Progress.ACHIEVED),
                plans.GoalLine(goals[1], Progress.IN_PROGRESS),
                plans.GoalLine(goals[2], rng.choice(list(Progress.values))),
            ],
        )
    if episode.complexity == Complexity.HIGH:
        plans.save_crisis_plan(
            client,
            by=by,
            triggers="Nights alone; letters about money.",
            early_warning_signs="Stops answering the phone; calls 111 several times a day.",
            what_helps="A call from the case manager; the crisis line; sitting with a neighbour.",
            who_to_contact="Case manager in the day; the mental health crisis line at night.",
        )
        plans.save_ed_plan(
            client,
            by=by,
            response="Call the HIU team on arrival in working hours; offer a quiet room.",
            agreed_with="ED matron",
            shared_on=assessed,
        )
        plans.set_alert(client, by=by, active=True, note="ED plan agreed with the ED matron.")
