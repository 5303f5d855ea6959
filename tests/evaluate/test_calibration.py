"""Spec: control weights calibrated within matched sets (``hiu.evaluate.calibration``)."""

from __future__ import annotations

import numpy as np
import polars as pl

from hiu.evaluate.calibration import calibrate, moment_names
from hiu.evaluate.matching import BALANCE_VARIABLES, balance


def _frame(rng: np.random.Generator, rows: int, shift: float) -> dict[str, np.ndarray]:
    values = {v: rng.poisson(2.0 + shift, rows).astype(np.float64) for v in BALANCE_VARIABLES}
    values["female"] = (rng.random(rows) < 0.5).astype(np.float64)
    values["ed_period"] = np.full(rows, 6.0)  # exact in every set
    values["quiet_days"] = rng.integers(1, 60, rows).astype(np.float64)
    return values


def _sets(seed: int = 1, cases: int = 60, per_set: int = 5) -> tuple[pl.DataFrame, pl.DataFrame]:
    rng = np.random.default_rng(seed)
    case_frame = pl.DataFrame({"case_id": np.arange(cases), **_frame(rng, cases, shift=0.4)})
    controls = cases * per_set
    pairs = pl.DataFrame(
        {
            "case_id": np.repeat(np.arange(cases), per_set),
            "nhs_number": np.arange(controls) + 1000,
            "weight": np.full(controls, 1.0 / per_set),
            **_frame(rng, controls, shift=0.0),
        }
    )
    return case_frame, pairs


def _largest_smd(cases: pl.DataFrame, pairs: pl.DataFrame) -> float:
    rows = balance(cases, cases, pairs)
    return max(abs(r["smd_after"]) for r in rows if r["smd_after"] is not None)


def test_weighted_controls_reach_the_clients_means_where_matching_left_them_apart() -> None:
    cases, pairs = _sets()
    assert _largest_smd(cases, pairs) > 0.2  # the controls were drawn from a lower mean
    result = calibrate(pairs, cases)
    assert result.converged
    assert _largest_smd(cases, result.pairs) < 0.1  # the diagnostics' limit
    # Weights are never negative and sum to 1 in every set, so a set still speaks for one
    # client; most controls keep some weight.
    weights = result.pairs["weight"].to_numpy()
    assert (weights >= 0).all()
    assert (weights > 0).mean() > 0.5
    per_set = result.pairs.group_by("case_id").agg(pl.col("weight").sum())["weight"].to_numpy()
    np.testing.assert_allclose(per_set, 1.0)
    # Tilting costs effective controls; the run reports how many.
    assert 0 < result.effective_after < result.effective_before
    assert abs(result.effective_before - pairs.height) < 1e-6


def test_a_variable_no_set_varies_in_is_left_out_and_a_lone_control_keeps_weight_one() -> None:
    cases, pairs = _sets(cases=20, per_set=3)
    lone = pairs.filter(pl.col("case_id") == 0).head(1).with_columns(pl.lit(1.0).alias("weight"))
    pairs = pl.concat([lone, pairs.filter(pl.col("case_id") != 0)])
    result = calibrate(pairs, cases)
    assert "ed_period" not in result.moments
    assert "quiet_days" in result.moments
    assert "last contact within 7 days" in result.moments
    assert set(result.moments) <= set(moment_names())
    assert result.pairs.filter(pl.col("case_id") == 0)["weight"].to_list() == [1.0]


def test_controls_that_are_copies_of_their_client_keep_their_weights() -> None:
    cases, _ = _sets(cases=30)
    pairs = pl.concat(
        [
            cases.with_columns(
                pl.lit(copy * 1000).add(pl.col("case_id")).alias("nhs_number"),
                pl.lit(0.25).alias("weight"),
            )
            for copy in range(4)
        ]
    )
    result = calibrate(pairs, cases)
    assert result.moments == ()
    assert result.pairs["weight"].to_list() == [0.25] * pairs.height


def test_a_control_far_from_the_clients_gets_no_weight_rather_than_a_vanishing_one() -> None:
    # One control with far more attendances than any client: the tilt that balances the other
    # sets drives its weight down towards exp(-hundreds). Left as a subnormal number, it made
    # a comparison rate of 5e-324 and an after-only ratio that overflowed (a failed run).
    cases, pairs = _sets(cases=40, per_set=4)
    outlier = pairs["nhs_number"][0]
    pairs = pairs.with_columns(
        pl.when(pl.col("nhs_number") == outlier)
        .then(pl.lit(400.0))
        .otherwise(pl.col(BALANCE_VARIABLES[0]))
        .alias(BALANCE_VARIABLES[0])
    )
    weights = calibrate(pairs, cases).pairs["weight"].to_numpy()
    tiny = np.finfo(np.float64).tiny  # the smallest normal number
    assert not ((weights > 0) & (weights < tiny)).any()
    assert ((weights == 0) | (weights >= 1e-12)).all()
