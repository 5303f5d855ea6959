"""Forms for recording outcome measures, goal ratings and experience questionnaires, and for
the service's experience questionnaire. Messages follow the NHS.UK error message guidance.

Unanswered questions are allowed everywhere: clients skip questions, and the scorer decides
whether a questionnaire with gaps can still be scored (each manual's prorating rule). Errors are
only for answers the form could not have offered, and for dates.
"""

from __future__ import annotations

import contextlib
from typing import Any

from django import forms

from hiu.outcomes import Instrument, Option
from hiu.outcomes.prem import PremQuestion
from hiu.web.forms import DateField
from hiu.web.outcomes.models import PointInCare
from hiu.web.plans.models import Goal

MAX_QUESTIONS = 20
BLANK_QUESTIONS = 2
MAX_OPTIONS = 10


def _point_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        choices=PointInCare.choices,
        error_messages={
            "required": "Select when in the client's care it was completed",
            "invalid_choice": "Select when in the client's care it was completed",
        },
    )


def _answer_field(values: list[int], question: str) -> forms.TypedChoiceField:
    message = f"Select one of the answers to {question}, or leave it blank"
    return forms.TypedChoiceField(
        required=False,
        choices=[(str(value), str(value)) for value in values],
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": message},
    )


class MeasureWhenForm(forms.Form):
    """Amending a questionnaire (ADR 0019): when it was completed and at which point in care.
    Wrong answers are corrected by marking it entered in error and recording it again, so the
    score is always the scorer's for the answers given."""

    completed_on = DateField("the date it was completed")
    point = _point_field()


class GoalRatingAmendForm(forms.Form):
    """Amending one goal rating (ADR 0019): the rating and the day it was given."""

    rating = forms.TypedChoiceField(
        choices=[(str(n), str(n)) for n in range(11)],
        coerce=int,
        error_messages={
            "required": "Select the rating, from 0 to 10",
            "invalid_choice": "Select the rating, from 0 to 10",
        },
    )
    rated_on = DateField("the date it was rated")


class MeasureForm(forms.Form):
    """One questionnaire: when, at which point in care, and each item (``item_<number>``)."""

    completed_on = DateField("the date it was completed")
    point = _point_field()

    def __init__(self, *args: Any, instrument: Instrument, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        for item in instrument.items:
            self.fields[f"item_{item.number}"] = _answer_field(
                [o.value for o in item.options], f"question {item.number}"
            )

    def answers(self) -> dict[int, int | None]:
        return {
            item.number: self.cleaned_data.get(f"item_{item.number}")
            for item in self.instrument.items
        }


class GoalRatingForm(forms.Form):
    """A rating from 0 to 10 for each goal of the current action plan (``goal_<goal id>``);
    a goal left blank is not rated this time."""

    rated_on = DateField("the date of the ratings")

    def __init__(self, *args: Any, goals: list[Goal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.goals = goals
        for index, goal in enumerate(goals, start=1):
            self.fields[f"goal_{goal.pk}"] = _answer_field(list(range(11)), f"goal {index}")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            self.goals
            and not self.errors
            and not any(cleaned.get(f"goal_{goal.pk}") is not None for goal in self.goals)
        ):
            self.add_error(f"goal_{self.goals[0].pk}", "Rate at least one goal")
        return cleaned

    def ratings(self) -> list[tuple[Goal, int]]:
        found = []
        for goal in self.goals:
            value = self.cleaned_data.get(f"goal_{goal.pk}")
            if value is not None:
                found.append((goal, int(value)))
        return found


class PremForm(forms.Form):
    """A client's answers to the experience questionnaire (``answer_<question key>``), and the
    version of the questionnaire the page showed (``version``)."""

    completed_on = DateField("the date it was completed")
    point = _point_field()
    version = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, questions: tuple[PremQuestion, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for index, question in enumerate(questions, start=1):
            self.fields[f"answer_{question.key}"] = _answer_field(
                [o.value for o in question.options], f"question {index}"
            )

    def answers(self) -> dict[str, int | None]:
        return {q.key: self.cleaned_data.get(f"answer_{q.key}") for q in self.questions}


class QuestionnaireForm(forms.Form):
    """The service's experience questionnaire: each question's wording, its answers (one a
    line, best first) and how many of the first answers count as positive; which question is
    the overall (headline) one. A question whose wording is cleared is taken out."""

    rows = forms.IntegerField(min_value=1, max_value=MAX_QUESTIONS, widget=forms.HiddenInput)
    headline = forms.TypedChoiceField(
        coerce=int,
        choices=[(str(i), str(i)) for i in range(MAX_QUESTIONS)],
        error_messages={
            "required": "Select the question that asks about the overall experience",
            "invalid_choice": "Select the question that asks about the overall experience",
        },
    )

    def __init__(self, *args: Any, rows: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.is_bound:
            with contextlib.suppress(TypeError, ValueError):
                rows = int(self.data.get("rows", rows))
        self.row_count = max(1, min(rows, MAX_QUESTIONS))
        for i in range(self.row_count):
            self.fields[f"question_{i}_key"] = forms.CharField(
                required=False, max_length=40, widget=forms.HiddenInput
            )
            self.fields[f"question_{i}_text"] = forms.CharField(
                required=False, max_length=500, strip=True
            )
            self.fields[f"question_{i}_options"] = forms.CharField(
                required=False, max_length=2000, strip=True, widget=forms.Textarea
            )
            self.fields[f"question_{i}_positive"] = forms.IntegerField(
                required=False,
                min_value=0,
                max_value=MAX_OPTIONS,
                error_messages={
                    "invalid": f"Enter how many answers to question {i + 1} are positive, "
                    "as a number",
                    "min_value": f"Enter how many answers to question {i + 1} are positive, "
                    "as a number",
                    "max_value": f"Question {i + 1} can have at most {MAX_OPTIONS} answers",
                },
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kept = 0
        for i in range(self.row_count):
            text = cleaned.get(f"question_{i}_text") or ""
            labels = self.option_labels(i)
            if not text:
                continue
            kept += 1
            if len(labels) < 2:
                self.add_error(
                    f"question_{i}_options", f"Enter at least 2 answers to question {i + 1}"
                )
            elif len(labels) > MAX_OPTIONS:
                self.add_error(
                    f"question_{i}_options",
                    f"Question {i + 1} can have at most {MAX_OPTIONS} answers",
                )
            positive = cleaned.get(f"question_{i}_positive") or 0
            if positive > len(labels) and len(labels) >= 2:
                self.add_error(
                    f"question_{i}_positive",
                    f"Question {i + 1} has {len(labels)} answers: enter a number up to "
                    f"{len(labels)}",
                )
        if kept == 0:
            self.add_error("question_0_text", "Enter at least one question")
        headline = cleaned.get("headline")
        if headline is not None and not self.has_error("headline"):
            if headline >= self.row_count or not cleaned.get(f"question_{headline}_text"):
                self.add_error(
                    "headline", "Select a question with wording as the overall experience question"
                )
            elif not cleaned.get(f"question_{headline}_positive"):
                self.add_error(
                    f"question_{headline}_positive",
                    "Enter how many answers to the overall experience question are positive",
                )
        return cleaned

    def option_labels(self, i: int) -> list[str]:
        raw = self.cleaned_data.get(f"question_{i}_options") or ""
        return [line.strip() for line in str(raw).splitlines() if line.strip()]

    def questions(self) -> list[PremQuestion]:
        """The kept questions, in order. Answers are numbered 1, 2, ... as listed; a new
        question gets a key no other question of the form has."""
        taken = {self.cleaned_data.get(f"question_{i}_key") or "" for i in range(self.row_count)}
        found = []
        for i in range(self.row_count):
            text = self.cleaned_data.get(f"question_{i}_text") or ""
            if not text:
                continue
            key = self.cleaned_data.get(f"question_{i}_key") or ""
            if not key:
                number = i + 1
                while f"question_{number}" in taken:
                    number += 1
                key = f"question_{number}"
                taken.add(key)
            labels = self.option_labels(i)
            positive = self.cleaned_data.get(f"question_{i}_positive") or 0
            found.append(
                PremQuestion(
                    key=key,
                    text=text,
                    options=tuple(Option(n, label) for n, label in enumerate(labels, start=1)),
                    positive_values=frozenset(range(1, positive + 1)),
                    headline=i == self.cleaned_data.get("headline"),
                )
            )
        return found
