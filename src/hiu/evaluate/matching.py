"""Matching each engaged client to people identified on the same day who did not engage.

The evaluation recommendation asks for "a retrospective matched cohort study which uses data
to match people exposed to the HIU intervention with similar people who were not" (002 §5,
Recommendation 9). People are picked at their peak and fall back anyway (regression to the
mean, DESIGN §7), so the variable that matters most is the count that put them on the list:
the counting A&E attendances in the rule set's period before the identification date. It is
matched exactly for as long as possible.

For each case (a cohort member) the candidates are the pool of its identification date: people
who met the rule set's thresholds and criteria that day (its whole eligible list, before the
top-N cut), not in the cohort by then, and alive on the case's engaged date. The last matters:
a case is alive when it engages, by construction, so a control who died between the list and
that day would bring high use before and none after, and make the comparison group fall
further than the cohort for a reason that has nothing to do with the service. Matching is by
levels, each tried only for the cases still without a control:

0. from the case's own identification date, exactly on sex, 10-year age band, IMD quintile and
   the period's A&E count;
1. the same, from any of the evaluation's identification dates;
2. exactly on sex, age band and the A&E count (IMD quintile relaxed), any date;
3. exactly on sex and the A&E count (age band relaxed), any date;
4. exactly on the A&E count (sex relaxed), any date;
5. the A&E count within 10% of the case's (at least 1 either way), any date.

Why other dates: the people at the top of a list have counts almost nobody else has on that
day, and the few who do are mostly on the same list. Taking a control with the same count,
sex, age and deprivation from another list date is better than relaxing age or sex on the
case's own date: on the simulated services, relaxing age left the engaged (older, as the
engagement model makes them) with more use after than their controls, and the matched estimate
drifted up. A control from another date is followed from its own list date plus the case's
wait from identification to engagement, so its history is aligned on its own list exactly as
the case's is.

Within a level, the ``k`` nearest candidates are kept, by the Euclidean distance over the
standardised earlier A&E counts (the three periods before the list's period) and the prior
year's ambulance incidents, NHS 111 calls and emergency admissions (and, at level 4, the
period's A&E count); each variable is divided by its standard deviation in the pools. Ties go to
the lower NHS number, so the same data always give the same controls. Controls are drawn with
replacement (one person may serve several cases); a case with fewer than ``k`` candidates at
its level keeps the ones it has. A control's weight is 1 / (controls in its set).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

#: Each level: whether the control must come from the case's own identification date, and the
#: variables matched exactly. The last level (``CALIPER_LEVEL``) is the A&E count within a caliper.
EXACT_LEVELS: tuple[tuple[bool, tuple[str, ...]], ...] = (
    (True, ("sex", "age_band", "imd_quintile", "ed_period")),
    (False, ("sex", "age_band", "imd_quintile", "ed_period")),
    (False, ("sex", "age_band", "ed_period")),
    (False, ("sex", "ed_period")),
    (False, ("ed_period",)),
)
#: The last level's caliper on the period's A&E count: this share of the case's count.
CALIPER_SHARE = 0.1
EXACT_VARIABLES: tuple[str, ...] = ("sex", "age_band", "imd_quintile", "ed_period")
NEAREST_VARIABLES: tuple[str, ...] = (
    "ed_earlier_1",
    "ed_earlier_2",
    "ed_earlier_3",
    "ambulance_year",
    "nhs111_year",
    "admissions_year",
)
#: Balance is shown for these (sex as the share female, age in years, IMD decile).
BALANCE_VARIABLES: tuple[str, ...] = (
    "female",
    "age",
    "imd_decile",
    "ed_period",
    *NEAREST_VARIABLES,
)
METHOD = (
    "Each engaged client is matched to up to {k} people who were on the rule set's eligible "
    "list (met its thresholds and criteria, before the top-N cut) on the same identification "
    "date, not engaged by then and alive on the client's engaged date. Matches are exact on sex, "
    "10-year age band, IMD quintile and the number of counting A&E attendances in the list's "
    "period (the count that put them on the list, where regression to the mean lives), then "
    "nearest on the three earlier periods' A&E counts and the prior year's ambulance incidents, "
    "NHS 111 calls and emergency admissions (standardised Euclidean distance). When a client has "
    "no such candidate on their own date, the same match is sought on the evaluation's other "
    "identification dates (the control then followed from its own list date plus the client's "
    "wait to engagement); then IMD quintile, age band and sex are relaxed in turn, and last the "
    "A&E count may differ by up to 10% (at least 1). Controls are drawn with replacement and "
    "weighted 1/k within their set."
)


@dataclass(frozen=True)
class MatchResult:
    #: ``case_id``, ``nhs_number`` of the control, ``weight`` (1 / controls in the set).
    pairs: pl.DataFrame
    #: For each level: the variables matched exactly and the cases matched there.
    levels: list[dict[str, Any]]
    cases: int
    unmatched: int


def match(cases: pl.DataFrame, pool: pl.DataFrame, k: int) -> MatchResult:
    """Match ``cases`` to ``pool``.

    ``cases``: ``case_id``, ``nhs_number``, ``date_index``, ``list_dn`` (the identification
    date's day number), ``index_dn`` (the engaged date's) and the matching variables.
    ``pool``: ``date_index``, ``nhs_number``, ``list_dn``, ``death_dn`` (null when alive) and the
    same variables. The pairs carry each control's own ``date_index`` and ``index_dn``: its
    list date plus its case's wait from identification to engagement."""
    scale = _scales(pool)
    remaining = cases.select(
        "case_id",
        "nhs_number",
        "date_index",
        (pl.col("index_dn") - pl.col("list_dn")).cast(pl.Int32).alias("wait"),
        *EXACT_VARIABLES,
        *NEAREST_VARIABLES,
    )
    candidates = pool.select(
        "date_index",
        "nhs_number",
        pl.col("list_dn").cast(pl.Int32),
        pl.col("death_dn").cast(pl.Int32),
        *EXACT_VARIABLES,
        *NEAREST_VARIABLES,
    )
    steps: list[tuple[str, bool, tuple[str, ...] | None]] = [
        (_describe(same_date, keys), same_date, keys) for same_date, keys in EXACT_LEVELS
    ]
    steps.append(("A&E count within 10% (at least 1), any identification date", False, None))
    found: list[pl.DataFrame] = []
    levels: list[dict[str, Any]] = []
    for number, (label, same_date, keys) in enumerate(steps):
        if remaining.is_empty():
            levels.append({"level": number, "description": label, "cases": 0})
            continue
        nearest = list(NEAREST_VARIABLES)
        if keys is None:
            # The A&E count within the caliper: a range join, not a cross join of every case
            # with every candidate.
            caliper = pl.max_horizontal((pl.col("ed_period") * CALIPER_SHARE).ceil(), pl.lit(1))
            bounded = remaining.with_columns(
                (pl.col("ed_period") - caliper).cast(pl.Float64).alias("_low"),
                (pl.col("ed_period") + caliper).cast(pl.Float64).alias("_high"),
            )
            renamed = candidates.rename({c: f"{c}_control" for c in candidates.columns})
            joined = bounded.join_where(
                renamed.with_columns(pl.col("ed_period_control").cast(pl.Float64)),
                pl.col("ed_period_control") >= pl.col("_low"),
                pl.col("ed_period_control") <= pl.col("_high"),
            ).drop("_low", "_high")
            nearest.append("ed_period")
        else:
            on = ["date_index", *keys] if same_date else list(keys)
            joined = remaining.join(candidates, on=on, how="inner", suffix="_control")
            for column in ("date_index", "nhs_number", "list_dn", "death_dn"):
                if column in on or f"{column}_control" not in joined.columns:
                    joined = joined.with_columns(pl.col(column).alias(f"{column}_control"))
        control_index = pl.col("list_dn_control") + pl.col("wait")
        death = pl.col("death_dn_control")
        joined = joined.filter(
            (pl.col("nhs_number_control") != pl.col("nhs_number"))
            & (death.is_null() | (death >= control_index))
        )
        distance = pl.sum_horizontal(
            ((pl.col(v) - pl.col(f"{v}_control")) / scale[v]) ** 2 for v in nearest
        ).sqrt()
        chosen = (
            joined.with_columns(distance.alias("distance"), control_index.alias("index_dn"))
            # A person may be a candidate on several dates: once per case, on their nearest.
            .sort("case_id", "distance", "nhs_number_control", "date_index_control")
            .unique(["case_id", "nhs_number_control"], keep="first", maintain_order=True)
            .group_by("case_id", maintain_order=True)
            .head(k)
            .select(
                "case_id",
                pl.col("nhs_number_control").alias("nhs_number"),
                pl.col("date_index_control").alias("date_index"),
                pl.col("index_dn").cast(pl.Int32),
                pl.lit(number, pl.Int32).alias("level"),
            )
        )
        matched_ids = chosen["case_id"].unique()
        levels.append({"level": number, "description": label, "cases": matched_ids.len()})
        found.append(chosen)
        remaining = remaining.filter(~pl.col("case_id").is_in(matched_ids.implode()))
    pairs = (
        pl.concat(found)
        if found
        else pl.DataFrame(
            schema={
                "case_id": pl.Int64,
                "nhs_number": pl.Int64,
                "date_index": pl.Int64,
                "index_dn": pl.Int32,
                "level": pl.Int32,
            }
        )
    )
    pairs = pairs.with_columns((1.0 / pl.len().over("case_id")).alias("weight")).sort(
        "case_id", "nhs_number"
    )
    return MatchResult(pairs=pairs, levels=levels, cases=cases.height, unmatched=remaining.height)


def _describe(same_date: bool, keys: tuple[str, ...]) -> str:
    where = "the client's own identification date" if same_date else "any identification date"
    return f"exact on {', '.join(keys)}, {where}"


def _scales(pool: pl.DataFrame) -> dict[str, float]:
    scales = {}
    for variable in (*NEAREST_VARIABLES, "ed_period"):
        values = pool[variable].cast(pl.Float64).to_numpy() if pool.height else np.zeros(0)
        sd = float(np.std(values)) if values.size > 1 else 0.0
        scales[variable] = sd if sd > 0 else 1.0
    return scales


def balance(
    cohort: pl.DataFrame, pool: pl.DataFrame, controls: pl.DataFrame
) -> list[dict[str, Any]]:
    """Standardised mean differences for every matching variable: cohort against the whole pool
    (before matching) and against the controls weighted 1/k within their sets (after). Both use
    the same denominator, the square root of the mean of the cohort's and the pool's variances,
    so the two numbers are comparable."""
    rows = []
    for variable in BALANCE_VARIABLES:
        c = cohort[variable].cast(pl.Float64).drop_nulls().to_numpy()
        p = pool[variable].cast(pl.Float64).drop_nulls().to_numpy()
        kept = controls.filter(pl.col(variable).is_not_null())
        m = kept[variable].cast(pl.Float64).to_numpy()
        w = kept["weight"].to_numpy()
        cohort_mean = float(c.mean()) if c.size else None
        pool_mean = float(p.mean()) if p.size else None
        matched_mean = float(np.average(m, weights=w)) if m.size and w.sum() > 0 else None
        variances = [float(x.var(ddof=1)) for x in (c, p) if x.size > 1]
        sd = float(np.sqrt(np.mean(variances))) if variances else 0.0

        def smd(
            other: float | None, mean: float | None = cohort_mean, sd: float = sd
        ) -> float | None:
            if mean is None or other is None:
                return None
            if sd == 0:
                return 0.0 if mean == other else None
            return (mean - other) / sd

        rows.append(
            {
                "variable": variable,
                "cohort_mean": cohort_mean,
                "pool_mean": pool_mean,
                "matched_mean": matched_mean,
                "smd_before": smd(pool_mean),
                "smd_after": smd(matched_mean),
            }
        )
    return rows
