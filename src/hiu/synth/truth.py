"""``truth.json``: what really happened, for checking an evaluation against.

Layout (every date ``YYYY-MM-DD``)::

    {
      "format": "hiu-synth-truth/1",
      "run": {"adults", "years", "start", "end", "seed", "true_effect", "list_size",
              "chunk_size"},
      "population": {"adults", "died_in_period"},
      "files": {"people.csv": {"rows": n}, "ed_attendances.csv": ..., ...},
      "service": {
        "rule": {"name", "description", "window_months", "list_size", "counts",
                 "eligible", "ties"},
        "engagement": {"contact_probability", "engage_given_contact", "coefficients",
                       "engaged_date"},
        "totals": {"rounds", "identified", "identified_people", "contacted", "engaged"},
        "rounds": [
          {"round", "identification_date", "window_start", "window_end",
           "identified", "contacted", "engaged",            # counts
           "identified_nhs_numbers",                        # in list order (rank)
           "contacted_nhs_numbers",
           "engaged_people": [{"nhs_number", "engaged_date"}, ...]}
        ]
      },
      "effect": {
        "mechanism": "...",
        "true_effect": e, "keep_probability": 1 - e,
        "per_activity": {"ed_attendances": e, "ambulance_incidents": e, "nhs111_calls": e,
                         "admissions": e, "bed_days": e},
        "realised": {activity: {"counterfactual", "observed", "reduction"}, ...}
      },
      "model": {every number of ``ModelParameters``},
      "period": {"start", "end", "end_is_exclusive": true}
    }

``per_activity`` is the true effect: the expected proportional fall in each activity of an
engaged person from their engaged date on, against what they would have done without the
service. ``realised`` counts the engaged people's events from their engaged dates to the end of
the period as simulated before the service acted (``counterfactual``) and as written
(``observed``), with ``reduction = 1 - observed / counterfactual``: the effect that a perfect
estimator would see in this sample, which differs from ``true_effect`` by chance. Admissions are
every spell (emergency and elective); bed days count each spell's discharge date minus its
admission date, to the end of the period for a spell still open.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from hiu.synth.nhs_number import synthetic_nhs_numbers
from hiu.synth.parameters import ModelParameters
from hiu.synth.records import EVENT_TYPES, EffectTally
from hiu.synth.service import ServicePlan, engagement_description
from hiu.synth.timeline import Timeline

FORMAT = "hiu-synth-truth/1"


def _numbers(index: np.ndarray[Any, np.dtype[np.int64]], offset: int) -> list[int]:
    return [int(n) for n in synthetic_nhs_numbers(index, offset)]


def build_truth(
    *,
    run: dict[str, Any],
    timeline: Timeline,
    died_in_period: int,
    plan: ServicePlan,
    nhs_offset: int,
    tally: EffectTally,
    rows: dict[str, int],
    parameters: ModelParameters,
) -> dict[str, Any]:
    """The ground truth of one simulated population, as a JSON-ready dictionary."""
    effect = float(run["true_effect"])
    rounds = []
    for r in plan.rounds:
        engaged_numbers = _numbers(r.engaged, nhs_offset)
        rounds.append(
            {
                "round": r.number,
                "identification_date": r.identification_date.isoformat(),
                "window_start": r.window_start.isoformat(),
                "window_end": r.window_end.isoformat(),
                "identified": int(r.identified.size),
                "contacted": int(r.contacted.size),
                "engaged": int(r.engaged.size),
                "identified_nhs_numbers": _numbers(r.identified, nhs_offset),
                "contacted_nhs_numbers": _numbers(r.contacted, nhs_offset),
                "engaged_people": [
                    {"nhs_number": n, "engaged_date": d.isoformat()}
                    for n, d in zip(engaged_numbers, r.engaged_dates, strict=True)
                ],
            }
        )
    identified_people = (
        int(np.unique(np.concatenate([r.identified for r in plan.rounds])).size)
        if plan.rounds
        else 0
    )
    realised = {}
    for name in EVENT_TYPES:
        before = tally.counterfactual[name]
        after = tally.observed[name]
        realised[name] = {
            "counterfactual": before,
            "observed": after,
            "reduction": (1 - after / before) if before else None,
        }
    return {
        "format": FORMAT,
        "run": run,
        "population": {"adults": run["adults"], "died_in_period": died_in_period},
        "files": {name: {"rows": count} for name, count in rows.items()},
        "service": {
            "rule": {
                "name": "top_attenders_quarterly",
                "description": (
                    "At the start of each quarter after the first, list the adults alive that "
                    "day with the most unplanned A&E attendances in the quarter just ended "
                    "(RightCare: top 50 over the previous 3 months, refreshed quarterly)."
                ),
                "window_months": 3,
                "list_size": plan.list_size,
                "counts": (
                    "ed_attendances with attendance_category 1 or 3 whose arrival_datetime "
                    "falls in [window_start, window_end)"
                ),
                "eligible": (
                    "aged 18+ (everyone simulated is), alive on the identification date, "
                    "at least one counted attendance, not engaged in an earlier round"
                ),
                "ties": "broken at random",
            },
            "engagement": engagement_description(plan.engagement),
            "totals": {
                "rounds": len(plan.rounds),
                "identified": sum(int(r.identified.size) for r in plan.rounds),
                "identified_people": identified_people,
                "contacted": sum(int(r.contacted.size) for r in plan.rounds),
                "engaged": sum(int(r.engaged.size) for r in plan.rounds),
            },
            "rounds": rounds,
        },
        "effect": {
            "mechanism": (
                "Each chain of linked events (a 111 call and the ambulance incident, A&E "
                "attendance and admission it led to; an ambulance incident and its conveyed "
                "attendance and admission; a walk-in attendance, its admission and planned "
                "follow-ups; a direct or elective admission) of an engaged person whose first "
                "event is on or after their engaged_date is removed with probability "
                "true_effect, independently of everything else. Thinning a Poisson process "
                "scales its rate by the keep probability, so the expected count of every "
                "activity in chains starting on or after the engaged date falls by exactly "
                "true_effect. Later events of a chain that started before the engaged date "
                "(an admission after an attendance the night before) are kept. People not "
                "engaged are untouched."
            ),
            "true_effect": effect,
            "keep_probability": 1 - effect,
            "per_activity": dict.fromkeys(EVENT_TYPES, effect),
            "realised": realised,
        },
        "model": parameters.as_dict(),
        "period": {
            "start": timeline.start.isoformat(),
            "end": timeline.end.isoformat(),
            "end_is_exclusive": True,
        },
    }
