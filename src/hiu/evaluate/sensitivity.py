"""E-values: how strong an unmeasured confounder would have to be to explain an estimate away.

VanderWeele & Ding, "Sensitivity analysis in observational research: introducing the E-value",
Ann Intern Med 2017;167:268-274. For a rate ratio RR (taken as 1/RR when RR < 1, so that the
formula always sees a ratio of at least 1):

    E = RR + sqrt(RR * (RR - 1))

the smallest strength of association, on the rate-ratio scale, that an unmeasured confounder
would need with both the exposure (here: engaging with the service) and the outcome (here:
the activity), beyond what was matched on, to move the estimate to no effect. For a 95%
interval the same formula is applied to the limit nearer 1; when the interval includes 1 the
E-value is 1 (no confounding at all is needed to move the interval to no effect).

Rate ratios only: the evaluation's estimates are rate ratios less one (a relative change of
-0.2 is a rate ratio of 0.8), and for rates the E-value formula applies to the ratio directly.
Pure numpy; no Django.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


def _ratio(value: Any) -> float | None:
    """A finite, positive rate ratio, or None (for None, NaN, infinities, 0 or below)."""
    number = _finite(value)
    return number if number is not None and number > 0 else None


def _finite(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def e_value(ratio: float | None) -> float | None:
    """The E-value of a rate ratio: 0.5 and 2 both give 3.41, 1 gives 1. None when the ratio
    is None, not finite or not positive."""
    rr = _ratio(ratio)
    if rr is None:
        return None
    if rr < 1:
        rr = 1 / rr
    return rr + math.sqrt(rr * (rr - 1))


def e_value_interval(ratio: float | None, low: float | None, high: float | None) -> float | None:
    """The E-value of a rate ratio's interval limit nearer 1; 1.0 when the interval includes 1.

    None when the ratio is undefined (as for ``e_value``), when a limit is missing or not
    finite, or when the limit nearer 1 is not positive. Limits given in the wrong order are
    put right.
    """
    if _ratio(ratio) is None:
        return None
    first, second = _finite(low), _finite(high)
    if first is None or second is None:
        return None
    lower, upper = min(first, second), max(first, second)
    if lower <= 1 <= upper:
        return 1.0
    return e_value(upper if upper < 1 else lower)


def _e_array(rr: FloatArray) -> FloatArray:
    """The E-value formula over ratios already known to be positive and finite."""
    away = np.where(rr < 1, 1 / rr, rr)
    out: FloatArray = away + np.sqrt(away * (away - 1))
    return out


def e_values(
    estimate: npt.ArrayLike, low: npt.ArrayLike, high: npt.ArrayLike
) -> tuple[FloatArray, FloatArray]:
    """E-values of relative changes (rate ratio less one) and of their intervals, elementwise.

    ``estimate``, ``low`` and ``high`` are relative changes of one shape (None or NaN where
    there is none). Returns the E-value of each estimate and of its interval, NaN where
    ``e_value`` or ``e_value_interval`` would give None.
    """
    est = np.asarray(estimate, dtype=np.float64)
    lo = np.asarray(low, dtype=np.float64)
    hi = np.asarray(high, dtype=np.float64)
    est, lo, hi = np.broadcast_arrays(est, lo, hi)
    with np.errstate(invalid="ignore", divide="ignore"):
        rr = 1 + est
        valid = np.isfinite(rr) & (rr > 0)
        safe = np.where(valid, rr, 1.0)
        point = np.where(valid, _e_array(safe), np.nan)

        first, second = 1 + lo, 1 + hi
        lower, upper = np.minimum(first, second), np.maximum(first, second)
        limits = valid & np.isfinite(lower) & np.isfinite(upper)
        includes = limits & (lower <= 1) & (upper >= 1)
        nearer = np.where(upper < 1, upper, lower)
        usable = limits & ~includes & np.isfinite(nearer) & (nearer > 0)
        safe_nearer = np.where(usable, nearer, 1.0)
        interval = np.where(includes, 1.0, np.where(usable, _e_array(safe_nearer), np.nan))
    return point.astype(np.float64), interval.astype(np.float64)
