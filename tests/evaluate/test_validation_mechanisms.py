"""Validation on both mechanisms, small (``make validate`` runs 40 populations per mechanism).

Two populations per mechanism (seeds 61 and 62, fixed before any result was seen), with no
true effect and with a true fall of 40%, each simulated in memory and evaluated with the
``rightcare`` rule set (``hiu.evaluate.validation``). Two populations cannot measure a bias of a
few points (one population's matched estimate scatters by about ±0.2), so these tests hold the
method to what a few populations can show, and ``make validate`` to the issue's targets
(docs/evaluation.md):

- the naive before/after shows its false fall on both mechanisms;
- the matched interval at 6 months contains the truth on the ``hiu`` mechanism, and the matched
  estimate's mean over the two populations is within 20 points of the truth on both (a guard
  against regressions: the old method was 100 points off on ``crisis``);
- on ``crisis``, where clients engage while still in crisis, the matched estimate is nearer the
  truth than the plain difference in differences and the not-engaged comparison, and the
  diagnostics do not claim a balance they did not reach;
- on ``crisis`` the calibrated weights reach balance under 0.1 on every variable (they did in
  all 40 populations of ``make validate``; matching alone did in none).
"""

from __future__ import annotations

from typing import Any

import pytest

from hiu.evaluate.validation import run_population

SEEDS = (61, 62)
EFFECTS = (0.0, 0.4)
KEY = "6/ed_attendances"


@pytest.fixture(scope="module")
def runs() -> dict[tuple[str, int, float], dict[str, Any]]:
    return {
        (mechanism, seed, effect): run_population(mechanism, seed, effect, replicates=200)
        for mechanism in ("hiu", "crisis")
        for seed in SEEDS
        for effect in EFFECTS
    }


def estimate(run: dict[str, Any], method: str) -> tuple[float, float, float]:
    value, low, high = run["estimates"][f"{method}/{KEY}"]
    assert value is not None
    assert low is not None
    assert high is not None
    return value, low, high


@pytest.mark.parametrize("mechanism", ["hiu", "crisis"])
def test_with_no_effect_the_naive_before_after_still_shows_a_false_fall(
    runs: dict[tuple[str, int, float], dict[str, Any]], mechanism: str
) -> None:
    for seed in SEEDS:
        value, _, _ = estimate(runs[(mechanism, seed, 0.0)], "naive")
        assert value <= -0.3, f"{mechanism} seed {seed}: naive {value:+.2f}"


@pytest.mark.parametrize("effect", EFFECTS)
def test_on_the_hiu_mechanism_the_matched_interval_contains_the_truth(
    runs: dict[tuple[str, int, float], dict[str, Any]], effect: float
) -> None:
    for seed in SEEDS:
        value, low, high = estimate(runs[("hiu", seed, effect)], "matched")
        assert low <= -effect <= high, f"seed {seed}: {value:+.2f} ({low:+.2f} to {high:+.2f})"


@pytest.mark.parametrize("mechanism", ["hiu", "crisis"])
@pytest.mark.parametrize("effect", EFFECTS)
def test_the_matched_estimate_is_on_average_within_20_points_of_the_truth(
    runs: dict[tuple[str, int, float], dict[str, Any]], mechanism: str, effect: float
) -> None:
    values = [estimate(runs[(mechanism, seed, effect)], "matched")[0] for seed in SEEDS]
    bias = sum(values) / len(values) + effect
    assert abs(bias) <= 0.20, f"{mechanism}, effect {effect}: mean bias {bias:+.3f}"


@pytest.mark.parametrize("effect", EFFECTS)
def test_on_the_crisis_mechanism_the_adjusted_estimate_beats_the_unadjusted_ones(
    runs: dict[tuple[str, int, float], dict[str, Any]], effect: float
) -> None:
    def mean_error(method: str) -> float:
        values = [estimate(runs[("crisis", seed, effect)], method)[0] for seed in SEEDS]
        return abs(sum(values) / len(values) + effect)

    assert mean_error("matched") < mean_error("matched_did")
    assert mean_error("matched") < mean_error("not_engaged")


def test_the_diagnostics_fail_whenever_balance_was_not_reached(
    runs: dict[tuple[str, int, float], dict[str, Any]],
) -> None:
    for key, run in runs.items():
        if run["imbalanced"]:
            assert run["diagnostics_ok"] is False, key
        assert run["matched"] == run["clients"], key


def test_on_the_crisis_mechanism_the_calibrated_controls_are_balanced_on_every_variable(
    runs: dict[tuple[str, int, float], dict[str, Any]],
) -> None:
    for key, run in runs.items():
        if key[0] == "crisis":
            assert run["imbalanced"] == [], key
            assert run["diagnostics_ok"] is True, key
