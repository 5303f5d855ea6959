"""Queries for consent, assessment and plans. Each starts from a client the caller already
holds (opened through ``Client.objects.visible_to``) or from a scoped client queryset, so no
query here reaches another service's records."""

from __future__ import annotations

from hiu.web.clients.models import Client
from hiu.web.clients.querysets import ClientQuerySet
from hiu.web.episodes.models import Episode
from hiu.web.episodes.phases import Phase
from hiu.web.plans.models import ActionPlan, Assessment, CrisisPlan, EDPlan


def latest_assessment_of(client: Client) -> Assessment | None:
    return client.assessments.select_related("by").order_by("-assessed_on", "-id").first()


def current_plan(client: Client) -> ActionPlan | None:
    """The latest version of the client's action plan."""
    return client.action_plans.select_related("made_by").order_by("-version").first()


def plan_version(client: Client, version: int) -> ActionPlan | None:
    return client.action_plans.select_related("made_by").filter(version=version).first()


def current_crisis_plan(client: Client) -> CrisisPlan | None:
    return client.crisis_plans.select_related("made_by").order_by("-version").first()


def current_ed_plan(client: Client) -> EDPlan | None:
    return client.ed_plans.select_related("made_by").order_by("-version").first()


def with_open_episode(clients: ClientQuerySet) -> ClientQuerySet:
    """The clients whose latest episode is not closed (support, holding or follow-up goes on)."""
    open_episodes = Episode.objects.exclude(phase=Phase.CLOSED).values("client_id")
    return clients.filter(pk__in=open_episodes)
