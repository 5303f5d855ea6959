"""Each demo client's interventions: those that follow from the needs their assessment found
(hiu.web.demo.plans), with the sessions so far, and onward referrals."""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth.models import User

from hiu.web.clients.models import Client
from hiu.web.episodes.models import Episode
from hiu.web.interventions import services as interventions
from hiu.web.interventions.models import InterventionType, Kind
from hiu.web.plans.models import Assessment


def add_interventions(
    client: Client, episode: Episode, rng: random.Random, by: User, today: dt.date
) -> None:
    """Interventions that follow from the assessment's needs: befriending for loneliness, CBT
    for mental health, with weekly sessions so far (some missed), and a signpost to advice."""
    assert episode.engaged_on is not None
    assessment = Assessment.objects.filter(client=client).order_by("-assessed_on").first()
    needs = set(assessment.needs) if assessment else set()
    catalogue = {t.kind: t for t in interventions.catalogue_for(client.service)}
    cbt = next(
        (t for t in interventions.catalogue_for(client.service) if t.max_sessions == 8), None
    )
    plans: list[tuple[InterventionType, str, str]] = []
    if "loneliness" in needs and Kind.BEFRIENDING in catalogue:
        plans.append(
            (
                catalogue[Kind.BEFRIENDING],
                "Would like company for walks and someone to talk football with.",
                "No risk to volunteers known; meet in public places at first.",
            )
        )
    if "mental_health" in needs and cbt is not None:
        plans.append((cbt, "", ""))
    for index, (kind, befriending_note, risk_note) in enumerate(plans):
        referred = min(today, episode.engaged_on + dt.timedelta(days=7 + 3 * index))
        started = referred + dt.timedelta(days=rng.randint(7, 21))
        intervention = interventions.make_intervention(
            client,
            by=by,
            type=kind,
            referred_on=referred,
            befriending_note=befriending_note,
            risk_note=risk_note,
        )
        day = started
        sessions = 0
        limit = intervention.max_sessions or 10
        while day <= today and sessions < limit:
            status = "missed" if rng.random() < 0.15 else "attended"
            interventions.add_session(intervention, by=by, on=day, status=status)
            sessions += status == "attended"
            day += dt.timedelta(days=7)
    if "money" in needs or "housing" in needs:
        interventions.record_onward(
            client,
            by=by,
            kind="signposted",
            organisation="Citizens Advice",
            reason="Debt and benefits advice",
            on=min(today, episode.engaged_on + dt.timedelta(days=5)),
        )
