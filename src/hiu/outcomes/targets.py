"""The British Red Cross HIU service's outcome targets (002 EK-F, "BRC HIU Service KPIs").

Only the outcome KPIs this package measures are here; the system outcomes (40% fewer admissions
and A&E attendances) belong to the evaluation (``hiu.evaluate``, DESIGN §7).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

_SOURCE = "British Red Cross HIU Service Key Performance Indicators (seed 002, section EK-F)"


@dataclass(frozen=True)
class Target:
    key: str
    ref: str  # the KPI's reference in the BRC table
    proportion: float  # share of people supported who should meet the definition
    definition: str
    source: str


LESS_LONELY = 0.66
BETTER_WELLBEING = 0.66
POSITIVE_EXPERIENCE = 0.80
PROGRESSING_GOAL = 0.90

TARGETS: Mapping[str, Target] = MappingProxyType(
    {
        t.key: t
        for t in (
            Target(
                "less_lonely",
                "2.1",
                LESS_LONELY,
                "People supported feel less lonely at the end of our support",
                _SOURCE,
            ),
            Target(
                "better_wellbeing",
                "2.2",
                BETTER_WELLBEING,
                "People experience improved personal well-being at the end of our support",
                _SOURCE,
            ),
            Target(
                "positive_experience",
                "3.1",
                POSITIVE_EXPERIENCE,
                "People reporting a positive experience of our support",
                _SOURCE,
            ),
            Target(
                "progressing_goal",
                "5.2",
                PROGRESSING_GOAL,
                "People progressing in at least one goal by the end of support",
                _SOURCE,
            ),
        )
    }
)
