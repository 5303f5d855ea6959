"""The service's patient-reported experience measure (PREM), edited by each service.

000 §4 asks for a "service PREM"; BRC KPI 3.1 (002 EK-F) counts people "reporting a positive
experience of our support". The headline question follows the NHS Friends and Family Test
(FFT) wording and responses (NHS England, "Friends and Family Test guidance", 2019,
https://www.england.nhs.uk/fft/), where a positive experience is "Very good" or "Good". The other
default questions are this service's own wording, not a published instrument's, and a service
may change them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from hiu.outcomes.instruments import Option, options


@dataclass(frozen=True)
class PremQuestion:
    key: str
    text: str
    options: tuple[Option, ...]
    positive_values: frozenset[int]  # the answers that count as a positive experience
    headline: bool  # the question that decides whether the experience was positive


@dataclass(frozen=True)
class PremResult:
    positive: bool | None  # headline answered positively; None when it was not answered
    positive_share: float | None  # share of the answered questions answered positively
    answered: int
    headline_answer: int | None


_FFT_OPTIONS = options(
    "Very good", "Good", "Neither good nor poor", "Poor", "Very poor", "Don't know", start=1
)
_YES_NO = options("Yes, definitely", "Yes, to some extent", "No", "Don't know", start=1)

DEFAULT_PREM: tuple[PremQuestion, ...] = (
    PremQuestion(
        key="overall",
        text="Overall, how was your experience of our service?",
        options=_FFT_OPTIONS,
        positive_values=frozenset({1, 2}),
        headline=True,
    ),
    PremQuestion(
        key="listened",
        text="Did you feel listened to by the person supporting you?",
        options=_YES_NO,
        positive_values=frozenset({1, 2}),
        headline=False,
    ),
    PremQuestion(
        key="involved",
        text="Were you involved as much as you wanted to be in agreeing your plan?",
        options=_YES_NO,
        positive_values=frozenset({1, 2}),
        headline=False,
    ),
    PremQuestion(
        key="contact",
        text="Did you know who to contact if you needed help?",
        options=options("Yes", "No", "Don't know", start=1),
        positive_values=frozenset({1}),
        headline=False,
    ),
)


def score_prem(
    questions: tuple[PremQuestion, ...], answers: Mapping[str, int | None]
) -> PremResult:
    """Score one person's PREM answers (keyed by question key; None or absent = not answered).

    Raises ValueError, naming the question, for an unknown key or an answer that is not one of
    the question's options, and when the questions do not have exactly one headline.
    """
    headlines = [q for q in questions if q.headline]
    if len(headlines) != 1:
        raise ValueError("A PREM needs exactly one headline question.")
    by_key = {q.key: q for q in questions}
    for key, value in answers.items():
        if key not in by_key:
            raise ValueError(f"The PREM has no question '{key}'.")
        if value is not None and value not in {o.value for o in by_key[key].options}:
            raise ValueError(f"PREM question '{key}': the answer is not one of its options.")
    given = {q.key: answers.get(q.key) for q in questions if answers.get(q.key) is not None}
    answered = len(given)
    positives = sum(1 for key, value in given.items() if value in by_key[key].positive_values)
    headline_answer = given.get(headlines[0].key)
    return PremResult(
        positive=None
        if headline_answer is None
        else headline_answer in headlines[0].positive_values,
        positive_share=positives / answered if answered else None,
        answered=answered,
        headline_answer=headline_answer,
    )
