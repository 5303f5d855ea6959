"""Reliable and clinically significant change (Jacobson and Truax 1991) on each instrument."""

from __future__ import annotations

import pytest

from hiu.outcomes import INSTRUMENTS, Instrument, Score, compare

PHQ9 = INSTRUMENTS["phq9"]
GAD7 = INSTRUMENTS["gad7"]
CORE10 = INSTRUMENTS["core10"]
REQOL = INSTRUMENTS["reqol10"]
SWEMWBS = INSTRUMENTS["swemwbs"]
ONS4 = INSTRUMENTS["ons4"]
UCLA = INSTRUMENTS["ucla3"]


def sum_form(instrument: Instrument, total: int) -> Score:
    """A form whose *scored* total is ``total`` (reversed items handled)."""
    answers: dict[int, int | None] = {}
    for item in instrument.items:
        scored = min(item.highest - item.lowest, total) + item.lowest
        total -= scored - item.lowest
        answers[item.number] = item.scored_value(scored)
    assert total == 0
    return instrument.score(answers)


@pytest.mark.parametrize(
    ("instrument", "start", "threshold"),
    [(PHQ9, 20, 6), (GAD7, 15, 4), (CORE10, 30, 6)],
    ids=["phq9", "gad7", "core10"],
)
def test_reliable_change_at_and_one_below_the_threshold(
    instrument: Instrument, start: int, threshold: int
) -> None:
    at = compare(instrument, sum_form(instrument, start), sum_form(instrument, start - threshold))
    assert at.difference == -threshold
    assert at.reliable
    assert at.reliable_improvement
    assert at.improved
    assert not at.reliable_deterioration
    assert at.description == "Reliable improvement"
    below = compare(
        instrument, sum_form(instrument, start), sum_form(instrument, start - threshold + 1)
    )
    assert below.improved
    assert not below.reliable
    assert not below.reliable_improvement
    assert below.description == "No reliable change"
    worse = compare(
        instrument, sum_form(instrument, start - threshold), sum_form(instrument, start)
    )
    assert worse.reliable_deterioration
    assert not worse.improved
    assert worse.description == "Reliable deterioration"


def test_clinically_significant_needs_reliable_change_across_the_cut_off() -> None:
    # PHQ-9 12 -> 6: reliable (6) and from 10+ to below 10.
    change = compare(PHQ9, sum_form(PHQ9, 12), sum_form(PHQ9, 6))
    assert change.clinically_significant
    assert change.description == "Reliable and clinically significant improvement"
    # 11 -> 6: crosses the cut-off but only by 5: not reliable, so not clinically significant.
    change = compare(PHQ9, sum_form(PHQ9, 11), sum_form(PHQ9, 6))
    assert change.clinically_significant is False
    # 20 -> 12: reliable but still in the clinical range.
    change = compare(PHQ9, sum_form(PHQ9, 20), sum_form(PHQ9, 12))
    assert change.reliable_improvement
    assert change.clinically_significant is False


def test_gad7_uses_the_talking_therapies_caseness_of_eight() -> None:
    # 10 -> 6 crosses 8 reliably (4 points).
    change = compare(GAD7, sum_form(GAD7, 10), sum_form(GAD7, 6))
    assert change.clinically_significant
    # 12 -> 8: reliable, but 8 is still caseness.
    assert not compare(GAD7, sum_form(GAD7, 12), sum_form(GAD7, 8)).clinically_significant


def test_higher_is_better_instruments_improve_upwards() -> None:
    # ReQoL-10: 20 -> 25 is a reliable (5) improvement and leaves the clinical range (<= 24).
    change = compare(REQOL, sum_form(REQOL, 20), sum_form(REQOL, 25))
    assert change.difference == 5
    assert change.reliable_improvement
    assert change.clinically_significant
    change = compare(REQOL, sum_form(REQOL, 20), sum_form(REQOL, 24))
    assert change.improved
    assert not change.reliable


def test_swemwbs_change_is_on_the_metric_score() -> None:
    def raw(r: int) -> Score:
        values = [1] * 7
        extra = r - 7
        for i in range(7):
            step = min(4, extra)
            values[i] += step
            extra -= step
        return SWEMWBS.score(dict(enumerate(values, start=1)))

    # 20.73 -> 23.21 = 2.48: improved, not reliable (3). 20.73 -> 24.11 = 3.38: reliable.
    small = compare(SWEMWBS, raw(23), raw(26))
    assert small.difference == 2.48
    assert small.improved
    assert not small.reliable
    big = compare(SWEMWBS, raw(23), raw(27))
    assert big.difference == 3.38
    assert big.reliable_improvement
    assert big.clinically_significant is None  # SWEMWBS has no clinical cut-off


def test_ons4_compares_life_satisfaction_and_says_so() -> None:
    change = compare(ONS4, ONS4.score({1: 3, 4: 9}), ONS4.score({1: 6, 4: 9}))
    assert change.difference == 3
    assert change.improved
    assert change.reliable is None
    assert "life satisfaction" in change.description
    # Anxiety alone does not count: satisfaction unanswered later means no comparison.
    missing = compare(ONS4, ONS4.score({1: 3}), ONS4.score({4: 2}))
    assert missing.difference is None
    assert "life satisfaction" in missing.description


def test_loneliness_has_no_reliable_change_figure_but_direction_is_right() -> None:
    change = compare(UCLA, UCLA.score({1: 3, 2: 3, 3: 2}), UCLA.score({1: 2, 2: 2, 3: 1}))
    assert change.difference == -3
    assert change.improved is True
    assert change.reliable is None
    assert change.description.startswith("Improved")


def test_an_unscored_form_cannot_be_compared() -> None:
    change = compare(PHQ9, PHQ9.score({}), sum_form(PHQ9, 5))
    assert change.difference is None
    assert change.improved is None
    assert change.reliable is None
    assert "first" in change.description


def test_scores_from_another_instrument_are_refused() -> None:
    with pytest.raises(ValueError, match="gad7"):
        compare(PHQ9, sum_form(GAD7, 5), sum_form(PHQ9, 5))
