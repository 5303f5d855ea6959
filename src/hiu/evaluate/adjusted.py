"""The matched estimate with regression adjustment within matched sets (doubly robust).

Matching leaves differences: a client's controls share their count on the list and are near
on the rest, not equal, and on heavy-tailed counts "near" can still mean half the earlier use.
On the simulated services those leftovers biased the plain matched comparison upwards (clients
with more earlier use keep using more afterwards, whatever the service does). The bias-corrected
matching estimator (Abadie and Imbens, "Bias-corrected matching estimators for average treatment
effects", JBES 2011) removes them: an outcome model fitted on the controls predicts each
person's use after the index date from what happened before it, and each client's
counterfactual is their controls' observed rate corrected by the model's difference between the
client and those controls:

    counterfactual = days(client) * [rate(controls) + model(client) - model(controls)]

The estimate is sum(observed) / sum(counterfactual) - 1 over matched sets. It is consistent if
either the matching balances what drives later use or the outcome model is right. The model is
a Poisson regression (log link, person-days as exposure) on the logarithm of one plus each
matching count, the before-window rates of every activity, age, sex and deprivation, with a
small ridge penalty so that a few controls cannot make it diverge. It is fitted once per window
and activity on the matched controls; the bootstrap then resamples matched sets with the model
held fixed, so the interval leaves out the model's own (smaller) uncertainty.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from hiu.evaluate.estimates import AFTER, BEFORE, Array, interval
from hiu.evaluate.matching import BALANCE_VARIABLES, NOT_COUNTS
from hiu.evaluate.windows import DAYS_PER_YEAR

#: Every matching variable: counts entered as log(1 + count), the rest as they are (scaled).
PLAIN_FEATURES: tuple[str, ...] = ("female", *sorted(NOT_COUNTS))
COUNT_FEATURES: tuple[str, ...] = tuple(v for v in BALANCE_VARIABLES if v not in PLAIN_FEATURES)
#: Ridge penalty on the standardised slopes: on the validation mechanisms 1 let a few heavy
#: users swing the estimate (spread of ±0.4 at no effect), 10 kept it steady.
RIDGE = 10.0
ITERATIONS = 50
#: Refitting the outcome model on controls' untreated use (g-estimation) until the ratio moves
#: by less than this, or :data:`G_ROUNDS` rounds. Three fixed rounds left it moving by up to
#: 0.016 on the validation mechanisms; it settles in a few more.
G_TOLERANCE = 1e-4
G_ROUNDS = 25
#: Lowest ratio the g-estimation reports (a 99% fall).
PSI_FLOOR = 0.01


def person_features(frame: pl.DataFrame) -> Array:
    """The model's person-level columns, one row per row of ``frame``."""
    counts = [np.log1p(frame[c].cast(pl.Float64).fill_null(0).to_numpy()) for c in COUNT_FEATURES]
    plain = [frame[c].cast(pl.Float64).fill_null(0).to_numpy() for c in PLAIN_FEATURES]
    return (
        np.column_stack([*counts, *plain])
        if frame.height
        else np.zeros((0, len(COUNT_FEATURES) + len(PLAIN_FEATURES)))
    )


def poisson_fit(x: Array, y: Array, exposure: Array, weights: Array, ridge: float = RIDGE) -> Array:
    """Coefficients (intercept first) of a weighted Poisson regression with log link and
    ``log(exposure)`` as offset, columns standardised and a ridge penalty on all but the
    intercept. Newton steps with step halving on the penalised log-likelihood."""
    keep = (exposure > 0) & (weights > 0)
    x, y, exposure, weights = x[keep], y[keep], exposure[keep], weights[keep]
    p = x.shape[1] + 1
    if x.shape[0] == 0:
        return np.zeros(p)
    centre = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    design = np.column_stack([np.ones(x.shape[0]), (x - centre) / scale])
    offset = np.log(exposure)
    penalty = np.full(p, ridge)
    penalty[0] = 0.0
    rate = max(float((weights * y).sum() / (weights * exposure).sum()), 1e-9)
    beta = np.zeros(p)
    beta[0] = np.log(rate)

    def objective(b: Array) -> float:
        eta = np.clip(design @ b + offset, -30, 30)
        return float((weights * (y * eta - np.exp(eta))).sum() - 0.5 * (penalty * b * b).sum())

    current = objective(beta)
    for _ in range(ITERATIONS):
        mu = np.exp(np.clip(design @ beta + offset, -30, 30))
        gradient = design.T @ (weights * (y - mu)) - penalty * beta
        hessian = (design * (weights * mu)[:, None]).T @ design + np.diag(penalty)
        step = np.linalg.solve(hessian + 1e-9 * np.eye(p), gradient)
        size = 1.0
        while size > 1e-4:
            trial = beta + size * step
            value = objective(trial)
            if value >= current - 1e-12:
                break
            size /= 2
        else:
            break
        beta, previous, current = trial, current, value
        if abs(current - previous) < 1e-8 * (abs(previous) + 1):
            break
    # Back to the unscaled columns' coefficients.
    slopes = beta[1:] / scale
    return np.concatenate([[beta[0] - float((slopes * centre).sum())], slopes])


@dataclass(frozen=True)
class AdjustedResult:
    estimate: Array  # window, activity
    low: Array
    high: Array
    observed: Array  # set, window, activity: the client's events after
    counterfactual: Array  # set, window, activity, at the estimate


def bias_corrected(
    case_features: Array,
    case_events: Array,
    case_days: Array,
    control_features: Array,
    control_events: Array,
    control_days: Array,
    control_sets: npt.NDArray[np.int64],
    control_weights: Array,
    counts: Array,
    control_treated: Array | None = None,
) -> AdjustedResult:
    """``case_*`` one row per matched set (in set order); ``control_*`` one row per control,
    ``control_sets`` its set's position. Events are ``[row, window, side, activity]``, days
    ``[row, window, side]``. ``counts`` are the bootstrap's draws of sets (replicates x sets).
    ``control_treated`` (``[control, window, activity]``) are the after-side events of controls
    who engaged later that fell on or after their own engaged date (zeros when not given).

    Controls who engage later carry the service's effect into the comparison and pull the
    estimate towards no change. With the structural assumption that the service multiplies
    use by the same ratio ``psi`` for them as for the clients, their untreated use is
    ``untreated + treated / psi`` and the estimating equation ``observed = psi *
    counterfactual(psi)`` has the closed form ``psi = (observed - B) / A``, where ``A`` is the
    counterfactual from controls' use before their own engagement plus the model correction and
    ``B`` is their use after it (g-estimation; ADR 0015). The outcome model is refitted on the
    untreated use at the previous ``psi`` until ``psi`` settles (:data:`G_TOLERANCE`)."""
    sets = case_events.shape[0]
    windows, activities = case_events.shape[1], case_events.shape[3]
    if control_treated is None:
        control_treated = np.zeros((control_events.shape[0], windows, activities))
    observed = np.zeros((sets, windows, activities))
    untreated_part = np.zeros((sets, windows, activities))
    treated_part = np.zeros((sets, windows, activities))
    psi = np.ones((windows, activities))
    for w in range(windows):
        case_x = np.column_stack([case_features, _before_rates(case_events, case_days, w)])
        control_x = np.column_stack(
            [control_features, _before_rates(control_events, control_days, w)]
        )
        case_exposure = case_days[:, w, AFTER]
        control_exposure = control_days[:, w, AFTER]
        control_weighted_days = np.bincount(
            control_sets, control_weights * control_exposure, minlength=sets
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            per_day = np.where(
                control_weighted_days > 0, case_exposure / control_weighted_days, 0.0
            )
        for a in range(activities):
            y = control_events[:, w, AFTER, a]
            treated = control_treated[:, w, a]
            observed[:, w, a] = case_events[:, w, AFTER, a]
            # The controls' own use before and after their own engagement does not depend on
            # the ratio: only the model refitted on the untreated use does.
            before_own = np.bincount(control_sets, control_weights * (y - treated), minlength=sets)
            treated_part[:, w, a] = per_day * np.bincount(
                control_sets, control_weights * treated, minlength=sets
            )
            for _ in range(G_ROUNDS if treated.any() else 1):
                previous = psi[w, a]
                untreated = y - treated + treated / previous
                beta = poisson_fit(control_x, untreated, control_exposure, control_weights)
                case_rate = _predict(beta, case_x)
                control_rate = _predict(beta, control_x)
                # No extrapolation past what the controls show: a client whose features put
                # them beyond every control had a predicted rate up to 30 times the highest
                # control's, and single sets swung the estimate by 50 points (ADR 0015).
                seen = control_rate[control_weights > 0]
                if seen.size:
                    case_rate = np.clip(case_rate, seen.min(), seen.max())
                weighted_model = np.bincount(
                    control_sets, control_weights * control_exposure * control_rate, minlength=sets
                )
                untreated_part[:, w, a] = case_exposure * case_rate + per_day * (
                    before_own - weighted_model
                )
                psi[w, a] = _psi(
                    observed[:, w, a].sum(),
                    untreated_part[:, w, a].sum(),
                    treated_part[:, w, a].sum(),
                )
                if not abs(psi[w, a] - previous) >= G_TOLERANCE:  # settled, or not estimable
                    break
    estimate = psi - 1
    counterfactual = untreated_part + treated_part / np.where(psi > 0, psi, np.nan)
    if sets == 0:
        nothing = np.full((windows, activities), np.nan)
        return AdjustedResult(estimate, nothing, nothing.copy(), observed, counterfactual)

    def boot(values: Array) -> Array:
        return (counts @ values.reshape(sets, -1)).reshape(-1, windows, activities)

    low, high = interval(_psi(boot(observed), boot(untreated_part), boot(treated_part)) - 1)
    return AdjustedResult(estimate, low, high, observed, counterfactual)


def _psi(observed: Array | float, untreated: Array | float, treated: Array | float) -> Array:
    """The ratio solving ``observed = psi * untreated + treated``, never below
    :data:`PSI_FLOOR` (when controls' use after their own engagement exceeds everything the
    clients used, the equation has no positive root)."""
    top = np.asarray(observed, dtype=float) - np.asarray(treated, dtype=float)
    bottom = np.asarray(untreated, dtype=float)
    out = np.full(np.broadcast(top, bottom).shape, np.nan)
    np.divide(top, bottom, out=out, where=bottom > 0)
    ratio: Array = np.maximum(out, PSI_FLOOR)
    return ratio


def _before_rates(events: Array, days: Array, window: int) -> Array:
    """log(1 + yearly rate) of each activity in the window's before side."""
    before_days = days[:, window, BEFORE]
    years = np.where(before_days > 0, before_days / DAYS_PER_YEAR, np.inf)
    return np.log1p(events[:, window, BEFORE, :] / years[:, None])


def _predict(beta: Array, x: Array) -> Array:
    predicted: Array = np.exp(np.clip(beta[0] + x @ beta[1:], -30, 30))
    return predicted
