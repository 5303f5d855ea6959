"""What the outcome pages show, shaped for the templates: the client's Outcomes tab (each
instrument's trajectory and first-versus-latest change, goal ratings, experience
questionnaires) and the questionnaire forms' questions.

The client is always one the caller opened through ``Client.objects.visible_to``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User

from hiu.outcomes import INSTRUMENTS, Instrument
from hiu.web.clients.models import Client
from hiu.web.corrections.models import Correction
from hiu.web.corrections.presenters import corrected_ids
from hiu.web.corrections.services import moved_out_of
from hiu.web.formatting import (
    display_name,
    format_date,
)
from hiu.web.outcomes.chart import TrajectoryChart, score_text, trajectory_chart
from hiu.web.outcomes.goals import GoalHistory, goal_histories
from hiu.web.outcomes.history import (
    ONS4_HEADLINE,
    FirstAndLatest,
    by_instrument,
    first_and_latest,
    headline_value,
)
from hiu.web.outcomes.models import GoalRating, OutcomeRecord, PremResponse
from hiu.web.outcomes.querysets import (
    current_goals,
    goal_ratings_of,
    prem_responses_of,
    records_of,
)
from hiu.web.outcomes.questionnaire import Questionnaire, questionnaires_of

#: ONS4's four questions, by the scorer's part keys.
ONS4_PARTS = {
    "satisfied": "Life satisfaction",
    "worthwhile": "Worthwhile",
    "happy": "Happiness yesterday",
    "anxious": "Anxiety yesterday",
}


def person(user: User | None) -> str:
    if user is None:
        return "Not known"
    return display_name(user)


def headline_words(instrument: Instrument) -> str:
    return "life satisfaction" if instrument.code == "ons4" else "total score"


def record_score(record: OutcomeRecord) -> str:
    """The score in words: "14", "14 (prorated)", the ONS4 answers, or "Not scored"."""
    if record.instrument == "ons4":
        parts = [
            f"{label} {score_text(float(record.parts[key]))}"
            for key, label in ONS4_PARTS.items()
            if record.parts.get(key) is not None
        ]
        return ", ".join(parts) if parts else "Not scored"
    if record.total is None:
        return "Not scored"
    return score_text(record.total) + (" (prorated)" if record.prorated else "")


def record_note(record: OutcomeRecord, instrument: Instrument) -> str:
    """What the reader needs to know about gaps: how many items were answered, and why a
    record was not scored or was prorated."""
    items = len(instrument.items)
    if record.reason:
        return record.reason
    if record.missing:
        missing = f"{record.missing} of {items} not answered"
        return f"{missing}; the total is prorated" if record.prorated else missing
    return ""


@dataclass(frozen=True)
class MeasureRow:
    record: OutcomeRecord
    score: str
    band: str
    note: str
    recorded_by: str


@dataclass(frozen=True)
class InstrumentSection:
    instrument: Instrument
    rows: list[MeasureRow]
    chart: TrajectoryChart | None
    change: FirstAndLatest | None
    what: str

    @property
    def anchor(self) -> str:
        return f"measure-{self.instrument.code}"

    @property
    def first_text(self) -> str:
        return _scored_on(self.change.first) if self.change else ""

    @property
    def latest_text(self) -> str:
        return _scored_on(self.change.latest) if self.change else ""

    @property
    def change_text(self) -> str:
        """E.g. "-7: Reliable improvement"."""
        if self.change is None:
            return ""
        change = self.change.change
        if change.difference is None:
            return change.description
        return f"{change.difference:+g}: {change.description}"


def _scored_on(record: OutcomeRecord) -> str:
    band = _band(record)
    value = headline_value(record)
    shown = score_text(value) if value is not None else "Not scored"
    return f"{shown}{f' ({band})' if band else ''} on {format_date(record.completed_on)}"


@dataclass(frozen=True)
class PremRow:
    response: PremResponse
    headline_question: str
    headline_answer: str
    experience: str


@dataclass(frozen=True)
class ClientOutcomes:
    client: Client
    sections: list[InstrumentSection]
    goals: list[GoalHistory]
    has_current_goals: bool
    prems: list[PremRow]
    # Corrections (ADR 0019): questionnaires and goal ratings marked entered in error (listed
    # only when asked for), the ids of those with a history, and lines of entries moved away.
    records_in_error: list[OutcomeRecord]
    ratings_in_error: list[GoalRating]
    prems_in_error: list[PremResponse]
    show_in_error: bool
    corrected: dict[str, set[int]]
    moved_out: list[Correction]


def client_outcomes(client: Client, *, show_in_error: bool = False) -> ClientOutcomes:
    records = records_of(client)
    ratings = goal_ratings_of(client)
    records_in_error = list(
        OutcomeRecord.all_with_errors.filter(client=client)
        .in_error()
        .select_related("entered_in_error_by")
    )
    ratings_in_error = list(
        GoalRating.all_with_errors.filter(client=client)
        .in_error()
        .select_related("entered_in_error_by")
    )
    prems_in_error = list(
        PremResponse.all_with_errors.filter(client=client)
        .in_error()
        .select_related("entered_in_error_by")
    )
    prems = prem_rows(client)
    grouped = by_instrument(records)
    sections = []
    for code, records in grouped.items():
        instrument = INSTRUMENTS[code]
        what = headline_words(instrument)
        values = [
            (r.completed_on, value) for r in records if (value := headline_value(r)) is not None
        ]
        sections.append(
            InstrumentSection(
                instrument=instrument,
                rows=[
                    MeasureRow(
                        record=r,
                        score=record_score(r),
                        band=_band(r),
                        note=record_note(r, instrument),
                        recorded_by=person(r.recorded_by),
                    )
                    for r in records
                ],
                chart=trajectory_chart(instrument, values, what, client.given_name)
                if values
                else None,
                change=first_and_latest(instrument, records),
                what=what,
            )
        )
    return ClientOutcomes(
        client=client,
        sections=sections,
        goals=goal_histories(ratings),
        has_current_goals=bool(current_goals(client)),
        prems=prems,
        records_in_error=records_in_error,
        ratings_in_error=ratings_in_error,
        prems_in_error=prems_in_error,
        show_in_error=show_in_error,
        corrected={
            "questionnaire": corrected_ids("questionnaire", [*records, *records_in_error]),
            "goal_rating": corrected_ids("goal_rating", [*ratings, *ratings_in_error]),
            "prem": corrected_ids("prem", [*(row.response for row in prems), *prems_in_error]),
        },
        moved_out=[
            *moved_out_of(client, "questionnaire"),
            *moved_out_of(client, "goal_rating"),
            *moved_out_of(client, "prem"),
        ],
    )


def _band(record: OutcomeRecord) -> str:
    if record.instrument == "ons4":
        return str(record.part_bands.get(ONS4_HEADLINE) or "")
    return record.band


def prem_rows(client: Client) -> list[PremRow]:
    responses = prem_responses_of(client)
    if not responses:
        return []
    versions = questionnaires_of(client.service)
    rows = []
    for response in responses:
        questionnaire = versions.get(response.version)
        question, answer = _headline_answer(questionnaire, response)
        experience = {True: "Positive", False: "Not positive", None: "Overall not answered"}[
            response.positive
        ]
        rows.append(PremRow(response, question, answer, experience))
    return rows


def _headline_answer(
    questionnaire: Questionnaire | None, response: PremResponse
) -> tuple[str, str]:
    headline = questionnaire.headline if questionnaire is not None else None
    if headline is None:
        return "", ""
    labels = {o.value: o.label for o in headline.options}
    answer = labels.get(response.answers.get(headline.key), "Not answered")
    return headline.text, answer
