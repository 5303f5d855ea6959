"""Goal ratings grouped by goal: first and latest rating, and whether the goal progressed
(``hiu.outcomes.goals.score_goal_ratings``; goal-based outcomes, Law and Jacob).

A goal is known by its wording: an action plan is saved as versions whose goal rows are new each
time, so ratings of the "same" goal made under different versions are joined by their text
(compared without case or surrounding space).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from hiu.outcomes.goals import GoalProgress, score_goal_ratings
from hiu.web.outcomes.models import GoalRating


def goal_key(text: str) -> str:
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class GoalHistory:
    text: str
    ratings: list[GoalRating]  # in date order
    progress: GoalProgress | None  # None with fewer than two ratings

    @property
    def first(self) -> GoalRating:
        return self.ratings[0]

    @property
    def latest(self) -> GoalRating:
        return self.ratings[-1]


def goal_histories(
    ratings: Iterable[GoalRating], until: dt.date | None = None
) -> list[GoalHistory]:
    """Each goal's ratings up to ``until`` (every rating when None), goals in the order first
    rated."""
    grouped: dict[str, list[GoalRating]] = {}
    for rating in sorted(ratings, key=lambda r: (r.rated_on, r.pk)):
        if until is None or rating.rated_on <= until:
            grouped.setdefault(goal_key(rating.goal_text), []).append(rating)
    histories = []
    for found in grouped.values():
        progress = (
            score_goal_ratings(found[0].rating, found[-1].rating) if len(found) >= 2 else None
        )
        histories.append(GoalHistory(found[-1].goal_text, found, progress))
    return histories
