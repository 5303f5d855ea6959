"""Control weights calibrated within matched sets, so that the controls balance the clients.

Matching leaves differences. Its cells are small (exact on sex, the list's count and two
28-day flags, so a client has a few dozen candidates at most) and nearest on about twenty
variables, so on the validation mechanisms the largest standardised difference after matching
was about 0.2 in a typical population and no population had every one under 0.1 (ADR 0014).
Balance is a property of the comparison a commissioner is shown, so it is reached here, not
argued away.

Within each matched set the controls' weights (1/k after matching) are tilted by one
exponential factor shared by every set, ``w_ij ∝ exp(lambda . z_ij) / k_i``, normalised to sum
to 1 in the set, and ``lambda`` is chosen so that the mean over sets of the weighted control
means equals the clients' mean of every moment (entropy balancing, Hainmueller 2012, applied
inside matched sets). The problem is convex: Newton steps on the mean over sets of
``log(sum_j exp(lambda . z_ij) / k_i)`` minus ``lambda . target``. Weights stay positive and a
set keeps its controls; a set with one control keeps weight 1 and a variable no set varies in
(an exact one, when nothing was relaxed) cannot move and is left out. A small ridge keeps
``lambda`` finite when exact balance is out of reach; whatever remains shows in the balance
table, which is computed with these weights.

The moments are the mean of every balance variable as shown (what the standardised difference
is computed on) and, for the pre-engagement counts, the mean of ``log(1 + count)`` and the
share with a contact in the last 7 and 14 days: means alone on heavy-tailed counts can agree
while the distributions do not (ADR 0014), and the recent state is where selection on crisis
lives (ADR 0015).

The weights are estimated once; the bootstrap resamples matched sets with them held fixed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from hiu.evaluate.estimates import Array
from hiu.evaluate.matching import BALANCE_VARIABLES, WAIT_VARIABLES

#: Pre-engagement counts whose mean log(1 + count) is balanced as well as their mean.
LOG_MOMENTS: tuple[str, ...] = tuple(v for v in WAIT_VARIABLES if v != "ed_last_week")
#: Shares balanced: a last contact within this many days.
QUIET_WITHIN: tuple[int, ...] = (7, 14)
#: Ridge on the standardised tilt: small enough that balance is reached to about 0.01 of a
#: standard deviation on the validation mechanisms; 0.1 and 1 changed no bias materially.
RIDGE = 0.01
ITERATIONS = 100
TOLERANCE = 1e-6
#: A control weighted under this share of its set's heaviest control gets none.
NEGLIGIBLE = 1e-12


@dataclass(frozen=True)
class Calibration:
    #: The matched pairs with ``weight`` calibrated (sums to 1 within each set).
    pairs: pl.DataFrame
    #: Kish's effective number of controls, (sum w)^2 / sum w^2, before and after.
    effective_before: float
    effective_after: float
    #: The moments balanced, and whether the gradient fell under :data:`TOLERANCE`.
    moments: tuple[str, ...]
    converged: bool


def moment_names() -> tuple[str, ...]:
    return (
        *BALANCE_VARIABLES,
        *(f"log(1 + {v})" for v in LOG_MOMENTS),
        *(f"last contact within {days} days" for days in QUIET_WITHIN),
    )


def _moments(frame: pl.DataFrame) -> Array:
    columns = [frame[v].cast(pl.Float64).fill_null(0).to_numpy() for v in BALANCE_VARIABLES]
    columns += [np.log1p(frame[v].cast(pl.Float64).fill_null(0).to_numpy()) for v in LOG_MOMENTS]
    quiet = frame["quiet_days"].cast(pl.Float64).fill_null(np.inf).to_numpy()
    columns += [(quiet <= days).astype(np.float64) for days in QUIET_WITHIN]
    return np.column_stack(columns) if frame.height else np.zeros((0, len(columns)))


def _kish(weights: Array) -> float:
    total = float((weights * weights).sum())
    return float(weights.sum()) ** 2 / total if total > 0 else 0.0


def calibrate(pairs: pl.DataFrame, cases: pl.DataFrame) -> Calibration:
    """``pairs`` as :func:`hiu.evaluate.matching.match` returns them (``case_id``, ``weight``
    and the controls' balance variables); ``cases`` with ``case_id`` and the clients' balance
    variables. Unmatched cases are not targets: they have no set to weight."""
    names = moment_names()
    if pairs.is_empty():
        return Calibration(pairs, 0.0, 0.0, (), True)
    order = pairs.sort("case_id", "nhs_number")
    set_of = order["case_id"].rank("dense").cast(pl.Int64).to_numpy() - 1
    sets = int(set_of.max()) + 1
    per_set = np.bincount(set_of, minlength=sets).astype(np.float64)
    matched = cases.filter(pl.col("case_id").is_in(order["case_id"].unique().implode()))
    x = _moments(order)
    target = _moments(matched).mean(axis=0)
    # Only moments some set varies in can be moved by weights within sets.
    set_means = np.zeros((sets, x.shape[1]))
    np.add.at(set_means, set_of, x)
    set_means /= per_set[:, None]
    movable = np.flatnonzero(np.abs(x - set_means[set_of]).max(axis=0) > 1e-12)
    base = order["weight"].to_numpy().astype(np.float64)
    if movable.size == 0:
        return Calibration(order, _kish(base), _kish(base), (), True)
    scale = x[:, movable].std(axis=0)
    scale[scale == 0] = 1.0
    z = (x[:, movable] - target[movable]) / scale
    log_base = np.log(base)

    def weights(tilt: Array) -> tuple[Array, float]:
        eta = z @ tilt + log_base
        top = np.full(sets, -np.inf)
        np.maximum.at(top, set_of, eta)
        raw = np.exp(eta - top[set_of])
        # Each set's largest is 1; a control at a millionth of a millionth of that is no
        # control. Left in, exp() underflows to subnormal numbers (5e-324) that later divide
        # into infinities.
        raw[raw < NEGLIGIBLE] = 0.0
        total = np.bincount(set_of, raw, minlength=sets)
        # The objective: mean over sets of log(sum exp(eta)), plus the ridge.
        value = float((np.log(total) + top).mean()) + 0.5 * RIDGE * float(tilt @ tilt)
        return raw / total[set_of], value

    tilt = np.zeros(movable.size)
    w, value = weights(tilt)
    converged = False
    for _ in range(ITERATIONS):
        gradient = (w[:, None] * z).sum(axis=0) / sets + RIDGE * tilt
        if np.abs(gradient).max() < TOLERANCE:
            converged = True
            break
        weighted_mean = np.zeros((sets, movable.size))
        np.add.at(weighted_mean, set_of, w[:, None] * z)
        centred = z - weighted_mean[set_of]
        hessian = (centred * w[:, None]).T @ centred / sets + RIDGE * np.eye(movable.size)
        step = np.linalg.solve(hessian, gradient)
        size = 1.0
        while size > 1e-6:
            trial = tilt - size * step
            trial_w, trial_value = weights(trial)
            if trial_value <= value + 1e-12:
                break
            size /= 2
        else:
            break
        tilt, w, value = trial, trial_w, trial_value
    return Calibration(
        order.with_columns(pl.Series("weight", w)),
        _kish(base),
        _kish(w),
        tuple(names[i] for i in movable),
        converged,
    )
