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
    # Weights stay positive and sum to 1 in every set, so a set still speaks for one client.
    weights = result.pairs["weight"].to_numpy()
    assert (weights > 0).all()
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
