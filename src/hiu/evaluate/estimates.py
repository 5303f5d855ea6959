"""Rates, the naive before/after change, difference in differences, and bootstrap intervals.

A rate is events per person-year of follow-up actually observed. The naive estimate is the
cohort's after rate over its before rate, less one (what sites report, 002 §4.3.5). The
comparisons (DESIGN §7) are differences in differences on the ratio scale: the cohort's
after/before rate ratio divided by the comparison group's, less one; and, beside it, the
additive difference in differences in events per person-year.

Intervals are 95% percentile bootstrap intervals (Efron and Tibshirani, 1993, ch. 13). Each
replicate resamples units with replacement: people for the naive estimate; matched sets (a case
with its controls) for the matched comparison, so the pairing is kept; each group on its own
for the identified-but-not-engaged comparison. A replicate is a multinomial weight on every
unit, so all replicates are one matrix product (weights x per-unit sums), never a loop over
people. A replicate whose estimate cannot be formed (no events before, say) is left out of the
percentiles.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from hiu.evaluate.windows import DAYS_PER_YEAR

Array = npt.NDArray[np.float64]
BEFORE, AFTER = 0, 1


@dataclass(frozen=True)
class Units:
    """Per-unit sums, weights already applied: ``events[unit, window, side, activity]`` and
    ``days[unit, window, side]`` (side 0 before, 1 after)."""

    events: Array
    days: Array

    @property
    def size(self) -> int:
        return int(self.events.shape[0])

    def totals(self) -> tuple[Array, Array]:
        return self.events.sum(axis=0), self.days.sum(axis=0)

    def resampled(self, counts: Array) -> tuple[Array, Array]:
        """Totals under each replicate's weights (``counts``: replicates x units)."""
        n = self.size
        events = counts @ self.events.reshape(n, int(np.prod(self.events.shape[1:])))
        days = counts @ self.days.reshape(n, int(np.prod(self.days.shape[1:])))
        return (
            events.reshape(counts.shape[0], *self.events.shape[1:]),
            days.reshape(counts.shape[0], *self.days.shape[1:]),
        )


def resampling_counts(rng: np.random.Generator, units: int, replicates: int) -> Array:
    """How many times each unit is drawn in each replicate: replicates x units."""
    if units == 0:
        return np.zeros((replicates, 0))
    drawn = rng.multinomial(units, np.full(units, 1.0 / units), size=replicates)
    return drawn.astype(np.float64)


def rates(events: Array, days: Array) -> Array:
    """Events per person-year; NaN where nobody was followed up."""
    years = days[..., None] / DAYS_PER_YEAR
    out = np.full(events.shape, np.nan)
    np.divide(events, years, out=out, where=years > 0)
    return out


def _ratio(after: Array, before: Array) -> Array:
    out = np.full(np.broadcast(after, before).shape, np.nan)
    np.divide(after, before, out=out, where=before > 0)
    return out


def number(value: float | np.floating[Any] | None, digits: int = 6) -> float | None:
    """A JSON number: rounded, and ``None`` for what cannot be estimated (never NaN)."""
    if value is None or not np.isfinite(value):
        return None
    rounded = round(float(value), digits)
    return 0.0 if rounded == 0 else rounded


def interval(replicates: Array) -> tuple[Array, Array]:
    """The 2.5th and 97.5th percentiles over the first axis (the replicates), each estimate's
    NaN replicates left out; NaN where no replicate could be formed. The loop is over the few
    estimates (windows x activities), never over people."""
    shape = replicates.shape[1:]
    flat = replicates.reshape(replicates.shape[0], -1)
    low = np.full(flat.shape[1], np.nan)
    high = np.full(flat.shape[1], np.nan)
    for column in range(flat.shape[1]):
        values = flat[:, column]
        values = values[np.isfinite(values)]
        if values.size:
            low[column], high[column] = np.percentile(values, [2.5, 97.5])
    return low.reshape(shape), high.reshape(shape)


@dataclass(frozen=True)
class NaiveResult:
    events: Array  # window, side, activity
    days: Array  # window, side
    estimate: Array  # window, activity
    low: Array
    high: Array


def naive(units: Units, counts: Array) -> NaiveResult:
    events, days = units.totals()
    rate = rates(events, days)
    estimate = _ratio(rate[:, AFTER], rate[:, BEFORE]) - 1
    boot_events, boot_days = units.resampled(counts)
    boot_rate = rates(boot_events, boot_days)
    boot = _ratio(boot_rate[:, :, AFTER], boot_rate[:, :, BEFORE]) - 1
    low, high = interval(boot)
    return NaiveResult(events, days, estimate, low, high)


@dataclass(frozen=True)
class DidResult:
    cohort_events: Array
    cohort_days: Array
    comparison_events: Array
    comparison_days: Array
    ratio_cohort: Array  # window, activity
    ratio_comparison: Array
    estimate: Array
    low: Array
    high: Array
    additive: Array
    additive_low: Array
    additive_high: Array


def _did(c_events: Array, c_days: Array, k_events: Array, k_days: Array) -> tuple[Array, ...]:
    c_rate = rates(c_events, c_days)
    k_rate = rates(k_events, k_days)
    c_ratio = _ratio(c_rate[..., AFTER, :], c_rate[..., BEFORE, :])
    k_ratio = _ratio(k_rate[..., AFTER, :], k_rate[..., BEFORE, :])
    estimate = _ratio(c_ratio, k_ratio) - 1
    additive = (c_rate[..., AFTER, :] - c_rate[..., BEFORE, :]) - (
        k_rate[..., AFTER, :] - k_rate[..., BEFORE, :]
    )
    return c_ratio, k_ratio, estimate, additive


def difference_in_differences(
    cohort: Units, comparison: Units, cohort_counts: Array, comparison_counts: Array
) -> DidResult:
    """``cohort`` and ``comparison`` resampled by their own count matrices; pass the same
    matrix for both when their units are matched sets."""
    c_events, c_days = cohort.totals()
    k_events, k_days = comparison.totals()
    c_ratio, k_ratio, estimate, additive = _did(c_events, c_days, k_events, k_days)
    bc_events, bc_days = cohort.resampled(cohort_counts)
    bk_events, bk_days = comparison.resampled(comparison_counts)
    _, _, boot, boot_additive = _did(bc_events, bc_days, bk_events, bk_days)
    low, high = interval(boot)
    add_low, add_high = interval(boot_additive)
    return DidResult(
        c_events,
        c_days,
        k_events,
        k_days,
        c_ratio,
        k_ratio,
        estimate,
        low,
        high,
        additive,
        add_low,
        add_high,
    )


@dataclass(frozen=True)
class AfterOnlyResult:
    estimate: Array  # window, activity
    low: Array
    high: Array


def after_only(cohort: Units, comparison: Units, counts: Array) -> AfterOnlyResult:
    """The cohort's after rate over its matched comparison's, less one: no before period at
    all, so it leans entirely on the matching (a sensitivity analysis, not the headline).
    ``counts`` resample matched sets, the same for both."""

    def estimate(c_events: Array, c_days: Array, k_events: Array, k_days: Array) -> Array:
        c_rate = rates(c_events, c_days)[..., AFTER, :]
        k_rate = rates(k_events, k_days)[..., AFTER, :]
        return _ratio(c_rate, k_rate) - 1

    point = estimate(*cohort.totals(), *comparison.totals())
    low, high = interval(estimate(*cohort.resampled(counts), *comparison.resampled(counts)))
    return AfterOnlyResult(point, low, high)
