"""Each demo client's outcomes: questionnaires, goal ratings and the experience questionnaire
at step down, mostly improving."""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth.models import User

from hiu.outcomes import INSTRUMENTS
from hiu.web.clients.models import Client
from hiu.web.demo.timeline import HOLDING_DAYS, SUPPORT_DAYS
from hiu.web.episodes.models import Episode
from hiu.web.outcomes import services as outcomes
from hiu.web.outcomes.querysets import current_goals
from hiu.web.outcomes.questionnaire import current_questionnaire


def add_outcomes(
    client: Client, episode: Episode, rng: random.Random, by: User, today: dt.date
) -> None:
    """Questionnaires at assessment, at a review six weeks on and at step down (whichever have
    come), goal ratings on the action plan's goals, and an experience questionnaire at step
    down (hiu.web.outcomes.services). Most clients improve, some stay the same, a few get
    worse; now and then a question is left blank, so some totals are prorated and a few
    questionnaires cannot be scored."""
    assert episode.engaged_on is not None
    engaged = episode.engaged_on
    points = [
        (engaged + dt.timedelta(days=3), "baseline"),
        (engaged + dt.timedelta(days=45), "review"),
        (engaged + dt.timedelta(days=SUPPORT_DAYS + HOLDING_DAYS), "step_down"),
    ]
    points = [(day, point) for day, point in points if day <= today]
    if not points:
        return
    wellbeing = rng.choice(("swemwbs", "ons4"))
    codes = ["core10", "ucla3", wellbeing] + (["gad7"] if rng.random() < 0.5 else [])
    # Distress from 0 (none) to 1 (the most): high at the start, then mostly falling.
    start = rng.uniform(0.55, 0.9)
    step = rng.choice((-0.2, -0.15, -0.15, -0.1, -0.1, -0.05, 0.0, 0.08))
    for index, (day, point) in enumerate(points):
        distress = min(1.0, max(0.0, start + step * index))
        for code in codes:
            instrument = INSTRUMENTS[code]
            answers: dict[int, int | None] = {}
            for item in instrument.items:
                values = sorted(option.value for option in item.options)
                level = distress + rng.uniform(-0.15, 0.15)
                # Higher is worse unless the instrument or the item counts the other way.
                if instrument.higher_is_better != (item.reverse or item.key == "anxious"):
                    level = 1 - level
                position = round(min(1.0, max(0.0, level)) * (len(values) - 1))
                answers[item.number] = values[position]
            # Risk answers (CORE-10 item 6) are rare: the demo's one is made on purpose
            # (hiu.web.demo.risk), not by every distressed client's questionnaire.
            for risk in instrument.risk_items:
                answers[risk.number] = instrument.item(risk.number).lowest
            if rng.random() < 0.06:
                answers[rng.choice(list(answers))] = None
            outcomes.record_measure(
                client, instrument, by=by, completed_on=day, point=point, answers=answers
            )
        goals = current_goals(client)
        if goals:
            outcomes.rate_goals(
                client,
                by=by,
                rated_on=day,
                lines=[
                    outcomes.GoalLine(
                        goal,
                        round(min(10.0, max(0.0, (1 - distress) * 10 + rng.uniform(-1.5, 1.5)))),
                    )
                    for goal in goals
                ],
            )
        if point == "step_down":
            questionnaire = current_questionnaire(client.service)
            outcomes.record_prem(
                client,
                questionnaire,
                by=by,
                completed_on=day,
                point=point,
                answers={
                    question.key: rng.choice((1, 1, 1, 2, 2, 2, 3, 4))
                    if question.headline
                    else rng.choice((1, 1, 2, None))
                    for question in questionnaire.questions
                },
            )
