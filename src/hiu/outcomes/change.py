"""Whether a person's score changed, reliably and in which direction (Jacobson and Truax).

Reliable change: the difference between two scores is at least the instrument's published
reliable change figure (its manual, cited on the instrument). Clinically significant
improvement: a reliable improvement that also moves the person from the clinical to the
non-clinical side of the cut-off (Jacobson NS, Truax P (1991) "Clinical significance: a
statistical approach to defining meaningful change in psychotherapy research", J Consult Clin
Psychol 59(1):12-19, https://doi.org/10.1037/0022-006X.59.1.12).

ONS4 has no total: its headline is life satisfaction (as ONS reports it first), and the
description says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from hiu.outcomes.instruments import Instrument, Score
from hiu.outcomes.ons4 import HEADLINE as ONS4_HEADLINE


@dataclass(frozen=True)
class Change:
    instrument: str
    difference: float | None  # later - earlier, on the instrument's own scale
    improved: bool | None  # in the instrument's good direction by any amount
    reliable: bool | None  # |difference| >= reliable_change
    reliable_improvement: bool | None
    reliable_deterioration: bool | None
    clinically_significant: bool | None  # crossed the cut-off in the good direction, reliably
    description: str  # "Reliable improvement", "No reliable change", ...


def headline(instrument: Instrument, score: Score) -> float | None:
    """The number compared over time: the total, or ONS4's life satisfaction answer."""
    if instrument.code == "ons4":
        return score.parts.get(ONS4_HEADLINE)
    return score.total


def compare(instrument: Instrument, earlier: Score, later: Score) -> Change:
    for score in (earlier, later):
        if score.instrument != instrument.code:
            raise ValueError(f"A {score.instrument} score cannot be compared as {instrument.name}.")
    suffix = " in life satisfaction" if instrument.code == "ons4" else ""
    before, after = headline(instrument, earlier), headline(instrument, later)
    if before is None or after is None:
        which = "first" if before is None else "latest"
        return Change(
            instrument=instrument.code,
            difference=None,
            improved=None,
            reliable=None,
            reliable_improvement=None,
            reliable_deterioration=None,
            clinically_significant=None,
            description=f"Cannot compare{suffix}: the {which} questionnaire could not be scored",
        )
    # Scores can carry conversion decimals (SWEMWBS): keep the difference to 2 places so that
    # floating-point noise never decides whether a change reaches the threshold.
    difference = round(after - before, 2)
    good = difference if instrument.higher_is_better else -difference
    improved = good > 0
    if instrument.reliable_change is None:
        reliable = rel_up = rel_down = clinical = None
        description = "No change" if difference == 0 else "Improved" if improved else "Worsened"
        description += suffix + " (no reliable change figure is published)"
    else:
        reliable = abs(difference) >= instrument.reliable_change
        rel_up = reliable and good > 0
        rel_down = reliable and good < 0
        was_clinical = instrument.in_clinical_range(before)
        now_clinical = instrument.in_clinical_range(after)
        clinical = (
            None
            if was_clinical is None or now_clinical is None
            else bool(rel_up and was_clinical and not now_clinical)
        )
        if clinical:
            description = "Reliable and clinically significant improvement"
        elif rel_up:
            description = "Reliable improvement"
        elif rel_down:
            description = "Reliable deterioration"
        else:
            description = "No reliable change"
        description += suffix
    return Change(
        instrument=instrument.code,
        difference=difference,
        improved=improved,
        reliable=reliable,
        reliable_improvement=rel_up,
        reliable_deterioration=rel_down,
        clinically_significant=clinical,
        description=description,
    )
