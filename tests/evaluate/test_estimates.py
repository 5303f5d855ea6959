"""Spec: rates, difference in differences and the bootstrap, on known numbers."""

from __future__ import annotations

import numpy as np
import pytest

from hiu.evaluate.estimates import (
    Units,
    difference_in_differences,
    interval,
    naive,
    number,
    resampling_counts,
)

YEAR = 365.25


def units(before: list[float], after: list[float], years: float = 1.0) -> Units:
    """One window, one activity; a unit per value, each followed ``years`` on each side."""
    n = len(before)
    events = np.zeros((n, 1, 2, 1))
    events[:, 0, 0, 0] = before
    events[:, 0, 1, 0] = after
    days = np.full((n, 1, 2), years * YEAR)
    return Units(events, days)


def test_the_naive_estimate_is_the_after_rate_over_the_before_rate_less_one() -> None:
    cohort = units([6, 4], [3, 2])
    result = naive(cohort, resampling_counts(np.random.default_rng(1), 2, 50))
    assert result.estimate[0, 0] == pytest.approx(-0.5)


def test_difference_in_differences_on_the_ratio_and_additive_scales() -> None:
    # Cohort: 10 a person-year before, 5 after (ratio 0.5). Comparison: 10 then 8 (0.8).
    cohort = units([10, 10], [5, 5])
    comparison = units([10, 10], [8, 8])
    counts = resampling_counts(np.random.default_rng(1), 2, 50)
    result = difference_in_differences(cohort, comparison, counts, counts)
    assert result.ratio_cohort[0, 0] == pytest.approx(0.5)
    assert result.ratio_comparison[0, 0] == pytest.approx(0.8)
    assert result.estimate[0, 0] == pytest.approx(0.5 / 0.8 - 1)
    assert result.additive[0, 0] == pytest.approx((5 - 10) - (8 - 10))


def test_identical_units_give_an_interval_of_one_point() -> None:
    cohort = units([4] * 10, [2] * 10)
    result = naive(cohort, resampling_counts(np.random.default_rng(3), 10, 200))
    assert result.low[0, 0] == pytest.approx(-0.5)
    assert result.high[0, 0] == pytest.approx(-0.5)


def test_the_interval_widens_with_spread_and_holds_the_estimate() -> None:
    rng = np.random.default_rng(5)
    cohort = units(list(rng.poisson(10, 200).astype(float)), list(rng.poisson(5, 200)))
    result = naive(cohort, resampling_counts(np.random.default_rng(9), 200, 1000))
    assert result.low[0, 0] < result.estimate[0, 0] < result.high[0, 0]
    assert result.high[0, 0] - result.low[0, 0] > 0.02


def test_resampling_draws_each_replicate_s_units_with_replacement() -> None:
    counts = resampling_counts(np.random.default_rng(2), 7, 300)
    assert counts.shape == (300, 7)
    assert (counts.sum(axis=1) == 7).all()
    assert counts.max() > 1


def test_the_same_seed_gives_the_same_replicates() -> None:
    first = resampling_counts(np.random.default_rng(11), 20, 100)
    again = resampling_counts(np.random.default_rng(11), 20, 100)
    other = resampling_counts(np.random.default_rng(12), 20, 100)
    assert (first == again).all()
    assert not (first == other).all()


def test_replicates_that_cannot_be_formed_are_left_out_and_all_missing_is_nan() -> None:
    replicates = np.array([[np.nan, np.nan], [1.0, np.nan], [3.0, np.nan]])
    low, high = interval(replicates)
    assert low[0] == pytest.approx(1.05)
    assert high[0] == pytest.approx(2.95)
    assert np.isnan(low[1])


def test_json_numbers_are_rounded_and_never_nan() -> None:
    assert number(float("nan")) is None
    assert number(float("inf")) is None
    assert number(None) is None
    assert number(0.1234567891) == 0.123457
    assert number(-0.0000001) == 0.0
