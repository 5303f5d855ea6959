"""Recording outcome measures, goal ratings and experience questionnaires, and saving the
service's experience questionnaire. Every write happens here, in one transaction with its audit
event (RECORD_OUTCOME, CHANGE_OUTCOME_SETTINGS), so no view can change a record unaudited.

Scores come from ``hiu.outcomes`` (the scorers follow each instrument's manual); what is stored
is the answers as given and the score as it was worked out then. The rules are checked here as
well as in the forms: a questionnaire is not dated in the future, nor before the client's first
episode opened (the service did not know them then).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from hiu.outcomes import Instrument
from hiu.outcomes.prem import PremQuestion, score_prem
from hiu.outcomes.risk import risk_findings
from hiu.web.accounts.models import Service
from hiu.web.audit.models import Action
from hiu.web.audit.service import record
from hiu.web.clients.models import Client
from hiu.web.episodes.phases import Phase
from hiu.web.formatting import format_date
from hiu.web.outcomes.models import (
    GoalRating,
    OutcomeRecord,
    PointInCare,
    PremQuestionnaire,
    PremResponse,
)
from hiu.web.outcomes.questionnaire import Questionnaire, to_json
from hiu.web.plans.models import Goal
from hiu.web.refused import Refused as Refused
from hiu.web.risk import services as risk

GOAL_SCALE = range(0, 11)


def _audit(client: Client, by: User, request: HttpRequest | None, **detail: Any) -> None:
    record(
        Action.RECORD_OUTCOME,
        request=request,
        actor=by,
        object_type="client",
        object_id=client.pk,
        detail=detail,
    )


def earliest_date(client: Client) -> dt.date | None:
    """The first day a questionnaire may be dated: the day the client's first episode opened."""
    first = client.episodes.order_by("opened_on").values_list("opened_on", flat=True).first()
    return first


def check_date(client: Client, day: dt.date, what: str, field: str) -> None:
    if day > timezone.localdate():
        raise Refused(f"{what} must be today or in the past", field)
    earliest = earliest_date(client)
    if earliest is not None and day < earliest:
        raise Refused(
            f"{what} must be on or after {format_date(earliest)}, when the client's first "
            "episode opened",
            field,
        )


def _open_episode_id(client: Client) -> int | None:
    episode = client.episodes.exclude(phase=Phase.CLOSED).only("pk").first()
    return episode.pk if episode is not None else None


@transaction.atomic
def record_measure(
    client: Client,
    instrument: Instrument,
    *,
    by: User,
    completed_on: dt.date,
    point: PointInCare | str,
    answers: Mapping[int, int | None],
    request: HttpRequest | None = None,
) -> OutcomeRecord:
    """Score the answers with the instrument's scorer and keep answers and score together.
    Unanswered items are allowed: the scorer decides whether it can prorate."""
    point = PointInCare(point)
    check_date(client, completed_on, "The date it was completed", "completed_on")
    try:
        score = instrument.score(answers)
    except ValueError as error:
        # The scorer names the item; the message holds no answer from the client's record.
        raise Refused(str(error), "answers") from None
    saved = OutcomeRecord.objects.create(
        client=client,
        episode_id=_open_episode_id(client),
        instrument=instrument.code,
        completed_on=completed_on,
        point=point,
        answers={str(number): answers.get(number) for number in _numbers(instrument)},
        total=score.total,
        raw_total=score.raw_total,
        band=score.band or "",
        answered=score.answered,
        missing=score.missing,
        prorated=score.prorated,
        parts=dict(score.parts),
        part_bands=dict(score.part_bands),
        reason=score.reason,
        recorded_by=by,
    )
    _audit(client, by, request, what="outcome_measure", instrument=instrument.code, record=saved.pk)
    # A risk answer (PHQ-9 item 9, CORE-10 item 6) raises its alert, task and notifications in
    # this same transaction: the questionnaire is never saved without them.
    risk.raise_for(
        client,
        risk_findings(instrument, answers),
        outcome_record_id=saved.pk,
        by=by,
        request=request,
    )
    return saved


def _numbers(instrument: Instrument) -> list[int]:
    return [item.number for item in instrument.items]


@dataclass(frozen=True)
class GoalLine:
    goal: Goal
    rating: int


@transaction.atomic
def rate_goals(
    client: Client,
    *,
    by: User,
    rated_on: dt.date,
    lines: Sequence[GoalLine],
    request: HttpRequest | None = None,
) -> list[GoalRating]:
    """Ratings (0 to 10) of progress towards goals of the client's action plan."""
    check_date(client, rated_on, "The date of the ratings", "rated_on")
    if not lines:
        raise Refused("Rate at least one goal", "goals")
    for line in lines:
        if line.goal.plan.client_id != client.pk:
            raise Refused("Rate the client's own goals", "goals")
        if line.rating not in GOAL_SCALE:
            raise Refused("Ratings must be from 0 to 10", "goals")
    saved = [
        GoalRating.objects.create(
            client=client,
            goal=line.goal,
            goal_text=line.goal.description,
            rating=line.rating,
            rated_on=rated_on,
            recorded_by=by,
        )
        for line in lines
    ]
    _audit(client, by, request, what="goal_ratings", ratings=[r.pk for r in saved])
    return saved


@transaction.atomic
def save_questionnaire(
    service: Service,
    *,
    by: User,
    questions: Sequence[PremQuestion],
    request: HttpRequest | None = None,
) -> PremQuestionnaire:
    """A new version of the service's experience questionnaire; earlier versions are kept."""
    if not questions:
        raise Refused("Keep at least one question", "question_0_text")
    headlines = [q for q in questions if q.headline]
    if len(headlines) != 1:
        raise Refused("Select the one question that asks about the overall experience", "headline")
    if not headlines[0].positive_values:
        raise Refused("Say which answers to the overall question are positive", "headline")
    keys = [q.key for q in questions]
    if len(set(keys)) != len(keys):
        raise Refused("Each question must be different", "question_0_text")
    # Two leads saving at once must not both take the same number.
    Service.objects.select_for_update().filter(pk=service.pk).first()
    latest = PremQuestionnaire.objects.filter(service=service).aggregate(n=Max("version"))["n"]
    saved = PremQuestionnaire.objects.create(
        service=service,
        version=int(latest or 0) + 1,
        questions=to_json(tuple(questions)),
        made_by=by,
    )
    record(
        Action.CHANGE_OUTCOME_SETTINGS,
        request=request,
        actor=by,
        object_type="service",
        object_id=service.pk,
        detail={"what": "experience_questionnaire", "version": saved.version},
    )
    return saved


@transaction.atomic
def record_prem(
    client: Client,
    questionnaire: Questionnaire,
    *,
    by: User,
    completed_on: dt.date,
    point: PointInCare | str,
    answers: Mapping[str, int | None],
    request: HttpRequest | None = None,
) -> PremResponse:
    point = PointInCare(point)
    check_date(client, completed_on, "The date it was completed", "completed_on")
    known = {q.key: {o.value for o in q.options} for q in questionnaire.questions}
    for key, value in answers.items():
        if key not in known or (value is not None and value not in known[key]):
            raise Refused("Select answers from the questionnaire", "answers")
    kept = {q.key: answers.get(q.key) for q in questionnaire.questions}
    result = score_prem(questionnaire.questions, kept)
    saved = PremResponse.objects.create(
        client=client,
        version=questionnaire.version,
        completed_on=completed_on,
        point=point,
        answers=kept,
        positive=result.positive,
        positive_share=result.positive_share,
        answered=result.answered,
        recorded_by=by,
    )
    _audit(client, by, request, what="experience_questionnaire", response=saved.pk)
    return saved
