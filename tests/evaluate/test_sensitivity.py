"""E-values (VanderWeele & Ding, Ann Intern Med 2017) against worked values and their properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hiu.evaluate.sensitivity import e_value, e_value_interval, e_values

# Rate ratios well inside the range a service could see, away from overflow.
RATIOS = st.floats(min_value=1e-3, max_value=1e3, allow_nan=False, allow_infinity=False)


@pytest.mark.parametrize(
    ("ratio", "expected"),
    [
        (0.5, 2 + math.sqrt(2)),  # 3.41: 1/0.5 = 2, 2 + sqrt(2 * 1)
        (2.0, 2 + math.sqrt(2)),
        (1.0, 1.0),
        (0.8, 1.25 + math.sqrt(1.25 * 0.25)),  # 1.81
        (3.9, 3.9 + math.sqrt(3.9 * 2.9)),  # VanderWeele & Ding's example: 7.26
    ],
)
def test_worked_values(ratio: float, expected: float) -> None:
    assert e_value(ratio) == pytest.approx(expected)


def test_worked_values_to_two_places() -> None:
    assert round(e_value(0.5) or 0, 2) == 3.41
    assert round(e_value(2.0) or 0, 2) == 3.41
    assert round(e_value(0.8) or 0, 2) == 1.81
    assert round(e_value(3.9) or 0, 2) == 7.26


@pytest.mark.parametrize("ratio", [None, 0.0, -0.5, math.nan, math.inf, -math.inf])
def test_undefined_ratios_give_none(ratio: float | None) -> None:
    assert e_value(ratio) is None
    assert e_value_interval(ratio, 0.3, 0.8) is None


def test_interval_uses_the_limit_nearer_one() -> None:
    # 0.3 to 0.8: the limit nearer 1 is 0.8, E = 1.81.
    assert e_value_interval(0.5, 0.3, 0.8) == pytest.approx(1.25 + math.sqrt(1.25 * 0.25))
    # Above 1: 1.5 to 4, the limit nearer 1 is 1.5.
    assert e_value_interval(2.0, 1.5, 4.0) == pytest.approx(1.5 + math.sqrt(1.5 * 0.5))
    # Limits in the wrong order are put right.
    assert e_value_interval(0.5, 0.8, 0.3) == e_value_interval(0.5, 0.3, 0.8)


@pytest.mark.parametrize(("low", "high"), [(0.6, 1.2), (1.0, 1.4), (0.7, 1.0)])
def test_an_interval_that_includes_one_gives_one(low: float, high: float) -> None:
    assert e_value_interval(0.9, low, high) == 1.0


@pytest.mark.parametrize(
    ("low", "high"), [(None, 0.8), (0.3, None), (math.nan, 0.8), (0.3, math.inf), (-0.5, 0.0)]
)
def test_undefined_limits_give_none(low: float | None, high: float | None) -> None:
    assert e_value_interval(0.5, low, high) is None


def test_a_far_limit_at_zero_does_not_matter() -> None:
    # A relative change of -100% at the far end: the nearer limit 0.8 still gives its E-value.
    assert e_value_interval(0.5, 0.0, 0.8) == pytest.approx(e_value(0.8))


def test_vectorised_over_relative_changes() -> None:
    estimate = np.array([-0.5, 1.0, 0.0, -0.2, np.nan, -1.0, -1.5])
    low = np.array([-0.7, 0.5, -0.3, -0.4, -0.3, -1.0, -2.0])
    high = np.array([-0.2, 3.0, 0.4, 0.1, 0.1, -0.9, -1.2])
    point, interval = e_values(estimate, low, high)
    assert point[:4] == pytest.approx([2 + math.sqrt(2), 2 + math.sqrt(2), 1.0, e_value(0.8)])
    assert np.isnan(point[4:]).all()  # no estimate; a rate ratio of 0; a negative one
    assert interval[0] == pytest.approx(e_value(0.8))
    assert interval[1] == pytest.approx(e_value(1.5))
    assert interval[2:4].tolist() == [1.0, 1.0]
    assert np.isnan(interval[4:]).all()
    assert point.dtype == np.float64
    assert interval.dtype == np.float64


def test_vectorised_accepts_none_and_keeps_the_shape() -> None:
    point, interval = e_values([[None, -0.5]], [[None, -0.7]], [[None, None]])
    assert point.shape == interval.shape == (1, 2)
    assert np.isnan(point[0, 0])
    assert point[0, 1] == pytest.approx(2 + math.sqrt(2))
    assert np.isnan(interval).all()


def _scalar(value: float | None) -> float:
    return math.nan if value is None else value


@given(RATIOS)
def test_symmetric_in_a_ratio_and_its_inverse(ratio: float) -> None:
    assert e_value(ratio) == pytest.approx(e_value(1 / ratio), rel=1e-9)


@given(RATIOS, RATIOS)
def test_at_least_one_and_grows_away_from_one(first: float, second: float) -> None:
    e_first, e_second = e_value(first), e_value(second)
    assert e_first is not None
    assert e_second is not None
    assert e_first >= 1
    # Further from 1 on the log scale, never a smaller E-value.
    if abs(math.log(first)) <= abs(math.log(second)):
        assert e_first <= e_second * (1 + 1e-12)
    # The E-value of a ratio is never below the ratio taken away from 1.
    assert e_first >= max(first, 1 / first) * (1 - 1e-12)


@given(RATIOS, RATIOS, RATIOS)
def test_interval_is_at_least_one_and_never_above_the_estimate(
    ratio: float, low: float, high: float
) -> None:
    low, high = min(low, high), max(low, high)
    ratio = min(max(ratio, low), high)  # a point estimate inside its interval
    point, interval = e_value(ratio), e_value_interval(ratio, low, high)
    assert point is not None
    assert interval is not None
    assert 1 <= interval <= point * (1 + 1e-12)


@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.floats(min_value=-3, max_value=5)),
            st.one_of(st.none(), st.floats(min_value=-3, max_value=5)),
            st.one_of(st.none(), st.floats(min_value=-3, max_value=5)),
        ),
        max_size=20,
    )
)
def test_vectorised_agrees_with_the_scalar_functions(
    rows: list[tuple[float | None, float | None, float | None]],
) -> None:
    nan = [(math.nan if v is None else v) for row in rows for v in row]
    values = np.array(nan, dtype=np.float64).reshape(len(rows), 3)
    point, interval = e_values(values[:, 0], values[:, 1], values[:, 2])
    for i, (est, low, high) in enumerate(rows):
        ratio = None if est is None else 1 + est
        lo = None if low is None else 1 + low
        hi = None if high is None else 1 + high
        np.testing.assert_allclose(point[i], _scalar(e_value(ratio)), rtol=1e-12)
        np.testing.assert_allclose(
            interval[i], _scalar(e_value_interval(ratio, lo, hi)), rtol=1e-12
        )
