"""Hand-made service facts for the measures' tests."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from hiu.report.facts import (
    EpisodeFacts,
    OutcomeFacts,
    ServiceFacts,
    ShareFacts,
)

D = dt.date


def episode(
    n: int,
    opened: dt.date,
    *,
    engaged: dt.date | None = None,
    stepped_down: dt.date | None = None,
    closed: dt.date | None = None,
    way_in: str = "identified",
    organisation: str = "Homerton Healthcare",
    need: str = "Mental health",
    first_intervention: dt.date | None = None,
    again: dt.date | None = None,
) -> EpisodeFacts:
    phases = [(opened, "contacting")]
    if engaged:
        phases.append((engaged, "engaged"))
    if stepped_down:
        phases.append((stepped_down, "stepped_down"))
    if closed:
        phases.append((closed, "closed"))
    return EpisodeFacts(
        episode_id=n,
        client_id=n,
        way_in=way_in,
        opened_on=opened,
        engaged_on=engaged,
        stepped_down_on=stepped_down,
        closed_on=closed,
        phases=tuple(phases),
        organisation=organisation,
        primary_need=need,
        first_intervention_on=first_intervention,
        threshold_again_on=again,
    )


NO_OUTCOMES = OutcomeFacts(
    less_lonely=ShareFacts(0, 0),
    better_wellbeing=ShareFacts(0, 0),
    positive_experience=ShareFacts(0, 0),
    progressing_goal=ShareFacts(0, 0),
    prems_completed=0,
    instruments=(),
)


def facts(**changes: Any) -> ServiceFacts:
    base = ServiceFacts(
        service="Test HIU service",
        area="Test",
        data_end=D(2026, 9, 30),
        rule_set="hackney",
        episodes=(),
        declines=(),
        interventions=(),
        meetings=(),
        stories=(),
        outcomes=NO_OUTCOMES,
        activity=(),
        table_one_people=None,
        table_one_as_of=None,
        evaluation=None,
    )
    return dataclasses.replace(base, **changes)
