"""Validation against the truth (DESIGN §7, §10): the matched comparison recovers a known
effect, and the naive before/after shows a large fall where there is none.

The numbers are those of one fixed population (seed 61, ``conftest``), not tuned: they are
quoted in docs/evaluation.md.
"""

from __future__ import annotations

import pytest
from evaluate_support import EFFECTS, Validated


@pytest.mark.parametrize("effect", EFFECTS)
def test_the_matched_interval_at_6_months_contains_the_true_effect(
    validated: dict[float, Validated], effect: float
) -> None:
    result = validated[effect].evaluation["matched"]["6"]["ed_attendances"]
    truth = validated[effect].truth["effect"]["per_activity"]["ed_attendances"]
    assert truth == effect
    low, high = result["ci_low"], result["ci_high"]
    assert low is not None
    assert high is not None
    assert low <= -effect <= high, (
        f"true effect {-effect:+.2f}; matched estimate {result['estimate']:+.3f} "
        f"(95% CI {low:+.3f} to {high:+.3f})"
    )


def test_with_no_effect_the_naive_before_after_still_shows_a_fall_of_a_fifth_or_more(
    validated: dict[float, Validated],
) -> None:
    result = validated[0.0].evaluation["naive"]["6"]["ed_attendances"]
    assert result["estimate"] <= -0.20, f"naive estimate {result['estimate']:+.3f}"


def test_the_evaluated_cohort_is_everyone_the_simulated_service_engaged(
    validated: dict[float, Validated],
) -> None:
    for item in validated.values():
        engaged = item.truth["service"]["totals"]["engaged"]
        cohort = item.evaluation["cohort"]
        assert cohort["people"] == engaged
        assert cohort["rejected"] == []


def test_a_larger_true_effect_gives_a_larger_matched_fall(
    validated: dict[float, Validated],
) -> None:
    """The three files differ only in the engaged clients' events after engagement, so the
    estimates must fall as the effect grows (a check that the cohort's after side is read)."""
    estimates = [
        validated[effect].evaluation["matched"]["6"]["ed_attendances"]["estimate"]
        for effect in EFFECTS
    ]
    assert estimates[0] > estimates[1] > estimates[2]


def test_most_clients_find_controls_and_balance_improves_on_the_listing_count(
    validated: dict[float, Validated],
) -> None:
    matching = validated[0.0].evaluation["matching"]
    assert matching["matched_cases"] >= 0.9 * matching["cases"]
    assert sum(level["cases"] for level in matching["levels"]) == matching["matched_cases"]
    count = next(row for row in matching["balance"] if row["variable"] == "ed_period")
    assert abs(count["smd_after"]) < abs(count["smd_before"])
