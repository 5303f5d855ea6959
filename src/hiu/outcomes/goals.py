"""Goal-based outcomes (GBOs): progress towards a person's own goals, rated 0-10 (BRC KPI 5.2).

Source: Law D, Jacob J (2015) "Goals and goal based outcomes (GBOs): some useful information",
3rd edition, CAMHS Press, https://www.corc.uk.net/ . A movement of 2.45 points or more on the
0-10 scale is a reliable change (the guidance's figure, from Edbrooke-Childs J, Jacob J, Law D,
Deighton J, Wolpert M (2015) "Interpreting standardized and idiographic outcome measures in
CAMHS: what does change mean and how does it relate to functioning and experience?", Child
Adolesc Ment Health 20(3):142-148, https://doi.org/10.1111/camh.12107). Ratings are whole
numbers, so in practice a movement of 3 or more.
"""

from __future__ import annotations

from dataclasses import dataclass

RATING_MIN, RATING_MAX = 0, 10
RELIABLE_CHANGE = 2.45


@dataclass(frozen=True)
class GoalProgress:
    difference: int  # latest - first
    progressed: bool  # latest > first
    reliable: bool  # moved (either way) by at least RELIABLE_CHANGE
    description: str


def score_goal_ratings(first: int, latest: int) -> GoalProgress:
    for name, rating in (("first", first), ("latest", latest)):
        if isinstance(rating, bool) or not isinstance(rating, int):
            raise ValueError(f"The {name} goal rating must be a whole number from 0 to 10.")
        if not RATING_MIN <= rating <= RATING_MAX:
            raise ValueError(f"The {name} goal rating must be from 0 to 10.")
    difference = latest - first
    reliable = abs(difference) >= RELIABLE_CHANGE
    if difference > 0:
        description = "Reliable progress" if reliable else "Some progress"
    elif difference < 0:
        description = (
            "Reliably further from the goal" if reliable else "Slightly further from the goal"
        )
    else:
        description = "No movement"
    return GoalProgress(
        difference=difference, progressed=difference > 0, reliable=reliable, description=description
    )
