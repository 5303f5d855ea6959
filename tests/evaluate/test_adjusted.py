"""Spec: the regression-adjusted matched estimate and its g-estimation of controls who engage
later (``hiu.evaluate.adjusted``)."""

from __future__ import annotations

import numpy as np

from hiu.evaluate.adjusted import PSI_FLOOR, AdjustedResult, bias_corrected

SETS = 40
DAYS = 100.0


def _estimate(
    case_after: float, treated_share: float, ratio: float, replicates: int = 50
) -> AdjustedResult:
    """Every set: a client with ``case_after`` events after engaging; two controls with 10
    events' worth of untreated use each, the second of whom engaged halfway through the
    window (``treated_share`` of its time) and had the service multiply that part by
    ``ratio``."""
    case_events = np.zeros((SETS, 1, 2, 1))
    case_events[:, 0, 1, 0] = case_after
    case_events[:, 0, 0, 0] = 20.0
    case_days = np.full((SETS, 1, 2), DAYS)
    control_events = np.zeros((2 * SETS, 1, 2, 1))
    control_events[:, 0, 0, 0] = 20.0
    treated = np.zeros((2 * SETS, 1, 1))
    control_events[0::2, 0, 1, 0] = 10.0
    after_own = 10.0 * treated_share * ratio
    control_events[1::2, 0, 1, 0] = 10.0 * (1 - treated_share) + after_own
    treated[1::2, 0, 0] = after_own
    control_days = np.full((2 * SETS, 1, 2), DAYS)
    sets = np.repeat(np.arange(SETS), 2)
    counts = np.random.default_rng(3).multinomial(SETS, np.full(SETS, 1 / SETS), replicates)
    features = np.zeros((SETS, 2))
    return bias_corrected(
        features,
        case_events,
        case_days,
        np.zeros((2 * SETS, 2)),
        control_events,
        control_days,
        sets.astype(np.int64),
        np.full(2 * SETS, 0.5),
        counts.astype(np.float64),
        control_treated=treated,
    )


def test_the_effect_on_controls_who_engage_later_is_undone_not_counted_as_no_change() -> None:
    result = _estimate(case_after=6.0, treated_share=0.5, ratio=0.6)
    # Untreated counterfactual 10; the client used 6: a 40% fall, which the diluted
    # comparison (6 against 0.5 * 10 + 0.5 * 8 = 9) would read as 33%.
    np.testing.assert_allclose(result.estimate[0, 0], -0.4, atol=1e-9)
    np.testing.assert_allclose(result.counterfactual[:, 0, 0], 10.0, atol=1e-9)
    assert result.low[0, 0] <= -0.4 <= result.high[0, 0]


def test_without_later_engagement_the_estimate_is_the_plain_ratio() -> None:
    result = _estimate(case_after=8.0, treated_share=0.0, ratio=0.6)
    np.testing.assert_allclose(result.estimate[0, 0], -0.2, atol=1e-9)


def test_no_positive_root_reads_as_the_floor_not_a_negative_rate() -> None:
    # Controls' use after their own engagement (at "ratio" 3, 15 events each) is more than the
    # client used at all: no ratio explains it; the estimate says a 99% fall, not nonsense.
    result = _estimate(case_after=1.0, treated_share=0.5, ratio=3.0)
    assert result.estimate[0, 0] == PSI_FLOOR - 1
