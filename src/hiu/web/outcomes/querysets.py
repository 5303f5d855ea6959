"""Queries for outcome records. Each starts from a client the caller already opened through
``Client.objects.visible_to`` or from the caller's own service, so none reaches another
service's records."""

from __future__ import annotations

import datetime as dt

from django.db.models import Max

from hiu.web.accounts.models import Service
from hiu.web.clients.models import Client
from hiu.web.outcomes.models import GoalRating, OutcomeRecord, PremResponse
from hiu.web.plans.models import Goal
from hiu.web.plans.querysets import current_plan


def records_of(client: Client) -> list[OutcomeRecord]:
    return list(
        client.outcome_records.select_related("recorded_by").order_by(
            "instrument", "completed_on", "id"
        )
    )


def goal_ratings_of(client: Client) -> list[GoalRating]:
    return list(client.goal_ratings.order_by("rated_on", "id"))


def prem_responses_of(client: Client) -> list[PremResponse]:
    return list(client.prem_responses.order_by("completed_on", "id"))


def current_goals(client: Client) -> list[Goal]:
    """The goals of the client's current action plan, in the plan's order."""
    plan = current_plan(client)
    return list(plan.goals.all()) if plan is not None else []


def service_records(service: Service) -> list[OutcomeRecord]:
    """Every outcome record of the service's clients, in one query."""
    return list(
        OutcomeRecord.objects.filter(client__service=service)
        .only(
            "client_id",
            "instrument",
            "completed_on",
            "total",
            "raw_total",
            "band",
            "answered",
            "missing",
            "prorated",
            "parts",
            "part_bands",
            "reason",
        )
        .order_by("client_id", "instrument", "completed_on", "id")
    )


def service_goal_ratings(service: Service) -> list[GoalRating]:
    return list(
        GoalRating.objects.filter(client__service=service)
        .only("client_id", "goal_text", "rating", "rated_on")
        .order_by("client_id", "rated_on", "id")
    )


def service_prem_responses(service: Service) -> list[PremResponse]:
    return list(
        PremResponse.objects.filter(client__service=service)
        .only("client_id", "completed_on", "positive")
        .order_by("client_id", "completed_on", "id")
    )


def latest_result_day(service: Service) -> dt.date | None:
    """The last day anything was measured for the service's clients: a questionnaire, a goal
    rating or an experience questionnaire."""
    days = [
        OutcomeRecord.objects.filter(client__service=service).aggregate(m=Max("completed_on"))["m"],
        GoalRating.objects.filter(client__service=service).aggregate(m=Max("rated_on"))["m"],
        PremResponse.objects.filter(client__service=service).aggregate(m=Max("completed_on"))["m"],
    ]
    known = [day for day in days if day is not None]
    return max(known) if known else None
