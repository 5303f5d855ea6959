"""Matching each engaged client to people on the same list who had not engaged by then.

The evaluation recommendation asks for "a retrospective matched cohort study which uses data
to match people exposed to the HIU intervention with similar people who were not" (002 §5,
Recommendation 9). People are picked at their peak and fall back anyway (regression to the
mean, DESIGN §7), so the count that put them on the list (the counting A&E attendances in the
rule set's period before the identification date) is matched exactly for as long as possible.
Real services do not engage at random among the listed: people still in crisis after the list
date engage more often, and waits run from days to more than a quarter (DESIGN §7). Whatever
happens between the list date and engagement is before treatment, so it is matched on too, on
each pair's own timeline (ADR 0014).

Risk-set matching (Li, Propert and Rosenbaum, JASA 2001). A client identified on list date
``L`` who engaged on ``E`` waited ``W = E - L``. A candidate from list date ``L'`` (the
client's own, or another of the evaluation's) is followed from ``L' + W``, its index date; it
must be alive and not yet engaged on that day. People who engage later are valid controls until
they do: leaving them out would condition on the future.

Levels, each tried only for the clients still without a control:

0. the client's own identification date; exact on sex, the period's A&E count, and whether
   there was any A&E attendance, and any other activity, in the 28 days before the index date;
1. the same, from any of the evaluation's identification dates;
2. sex relaxed (any date);
3. the two 28-day flags relaxed (exact on sex and the count, any date);
4. the A&E count within 10% of the client's (at least 1 either way), nothing else exact.

Level 2 onwards is *relaxation* (:data:`RELAXED_FROM`): reported per client, never silent.

Why other dates before relaxing: the people at the top of a list have counts almost nobody else
has that day, and most who do are on the same list. Why the 28-day flags: on the ``crisis``
validation mechanism clients engage mostly while still in crisis; without them the controls were
people whose crisis had ended, and the service looked harmful.

Within a level the ``k`` nearest candidates are kept by Euclidean distance over the standardised
nearest variables: age and IMD decile as they are; counts as log(1 + count) (a difference of 2
matters between 1 and 3 attendances, hardly between 30 and 32, and the pool's heavy tail must
not set the scale). Candidates are first shortlisted on the list-date variables, then their
pre-engagement activity (:data:`WAIT_VARIABLES`) is counted per pair and the distance completed.
Ties go to the lower NHS number. Controls are drawn with replacement; a client with fewer than
``k`` candidates keeps those it has; a control's weight is 1 / (controls in its set).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl


@dataclass(frozen=True)
class Level:
    """One matching level: where controls may come from and what must be equal."""

    same_date: bool
    #: Variables equal between client and control (from the list date).
    exact: tuple[str, ...]
    #: Whether the 28-day flags (:data:`RECENT_FLAGS`) must be equal.
    recent: bool
    #: Whether the period's A&E count may differ by up to :data:`CALIPER_SHARE` instead.
    caliper: bool = False


LEVELS: tuple[Level, ...] = (
    Level(True, ("sex", "ed_period"), recent=True),
    Level(False, ("sex", "ed_period"), recent=True),
    Level(False, ("ed_period",), recent=True),
    Level(False, ("sex", "ed_period"), recent=False),
    Level(False, (), recent=False, caliper=True),
)
#: Pre-engagement counts whose "any at all" must agree at levels that ask for it.
RECENT_FLAGS: tuple[str, ...] = ("ed_recent", "other_recent")
#: Nearest variables that are not counts, compared as they are rather than on the log scale.
NOT_COUNTS = frozenset({"age", "imd_decile"})
#: The last level's caliper on the period's A&E count: this share of the case's count.
CALIPER_SHARE = 0.1
NEAREST_VARIABLES: tuple[str, ...] = (
    "age",
    "imd_decile",
    "ed_earlier_1",
    "ed_earlier_2",
    "ed_earlier_3",
    "ed_long_before",
    "ambulance_year",
    "nhs111_year",
    "admissions_year",
)
#: Pre-engagement activity, measured on each pair's own timeline: between the list date and
#: the index date (the engaged date, or a control's pseudo-engaged date), in the 28, 14 and 7
#: days before the index date, in the 28 days before those, and the days since the last
#: contact of any kind. Whatever happens in the wait is before treatment; matching on it is
#: what lets the comparison see who is still in crisis when they engage. The fortnight, the
#: month before it and the quiet days were added when the ``crisis`` mechanism still showed
#: +11 points with no effect: together they took it to +7 (ADR 0015).
WAIT_VARIABLES: tuple[str, ...] = (
    "ed_wait",
    "other_wait",
    "ed_recent",
    "other_recent",
    "ed_last_week",
    "all_fortnight",
    "all_month_before",
    "quiet_days",
)
#: Days since the last contact are capped here (and a person with none in the year reads it).
QUIET_DAYS_CAP = 365
#: Balance is shown for these (sex as the share female, age in years, IMD decile).
BALANCE_VARIABLES: tuple[str, ...] = (
    "female",
    "ed_period",
    *NEAREST_VARIABLES,
    *WAIT_VARIABLES,
)
METHOD = (
    "Each engaged client is matched to up to {k} people on the rule set's eligible list (met its "
    "thresholds and criteria, before the top-N cut) who were alive and not yet engaged on the "
    "day the client's wait from identification to engagement ran out for them (risk-set "
    "matching on the client's own timeline). Matches are exact on sex, the number of counting "
    "A&E attendances in the list's period (the count that put them on the list, where "
    "regression to the mean lives) and whether there was any A&E attendance, and any other "
    "activity, in the 28 days before engagement; then nearest on age, deprivation, earlier A&E "
    "history, the prior year's ambulance incidents, NHS 111 calls and emergency admissions, and "
    "activity during the wait, in the last 28, 14 and 7 days and the 28 days before those, and "
    "the days since the last contact of any kind (standardised Euclidean distance, counts on the "
    "log scale). The client's own list date is tried first, then the evaluation's "
    "other list dates; then sex, then the 28-day flags are relaxed, and last the A&E count may "
    "differ by up to 10% (at least 1). Controls are drawn with replacement; within each set "
    "their weights are then calibrated so that the weighted controls have the clients' means of "
    "every matching variable (and of the log of the recent-activity counts). The estimate is "
    "adjusted by an outcome model fitted on the controls (bias-corrected matching), and the "
    "use of controls after their own later engagement is scaled back by the estimated effect "
    "(g-estimation)."
)


#: Nearest candidates on the list-date variables kept per case before the pre-engagement
#: activity is counted for each pair (counting it for every candidate of every case would cost
#: as many segments as pairs).
SHORTLIST = 100
#: The first level that gives up an exact match (levels 0 and 1 keep every exact variable).
RELAXED_FROM = 2
#: Exact on at least one level, listed in the output.
LIST_EXACT: tuple[str, ...] = ("sex", "ed_period")
EXACT_VARIABLES: tuple[str, ...] = (*LIST_EXACT, *RECENT_FLAGS)

PreEngagement = Callable[[pl.DataFrame], pl.DataFrame]


@dataclass(frozen=True)
class MatchResult:
    #: ``case_id``, ``nhs_number`` of the control, ``date_index``, ``index_dn``, ``level``,
    #: ``weight`` (1 / controls in the set) and the control's matching variables on its own
    #: timeline (:data:`BALANCE_VARIABLES`).
    pairs: pl.DataFrame
    #: For each level: the variables matched exactly and the cases matched there.
    levels: list[dict[str, Any]]
    cases: int
    unmatched: int


def match(
    cases: pl.DataFrame, pool: pl.DataFrame, k: int, pre_engagement: PreEngagement
) -> MatchResult:
    """Match ``cases`` to ``pool``.

    ``cases``: ``case_id``, ``nhs_number``, ``date_index``, ``list_dn`` (the identification
    date's day number), ``index_dn`` (the engaged date's), the list-date variables and the
    :data:`WAIT_VARIABLES`. ``pool``: ``date_index``, ``nhs_number``, ``list_dn``, ``death_dn``
    (null when alive), ``engaged_dn`` (the person's own engaged date when they are a client,
    else null) and the list-date variables. ``pre_engagement`` counts the
    :data:`WAIT_VARIABLES` for a frame of ``pair_id, nhs_number, list_dn, index_dn``.

    A candidate from list date ``L`` is followed from ``L`` plus the case's wait; it must be
    alive and not yet engaged on that day (risk-set matching: people who engage later are
    valid controls until they do)."""
    scale = _scales(pool, cases)
    remaining = cases.select(
        "case_id",
        "nhs_number",
        "date_index",
        (pl.col("index_dn") - pl.col("list_dn")).cast(pl.Int32).alias("wait"),
        *LIST_EXACT,
        *NEAREST_VARIABLES,
        *WAIT_VARIABLES,
    )
    candidates = pool.select(
        "date_index",
        "nhs_number",
        pl.col("list_dn").cast(pl.Int32),
        pl.col("death_dn").cast(pl.Int32),
        pl.col("engaged_dn").cast(pl.Int32),
        *[v for v in BALANCE_VARIABLES if v not in WAIT_VARIABLES],
        *[v for v in LIST_EXACT if v not in BALANCE_VARIABLES],
    )
    found: list[pl.DataFrame] = []
    levels: list[dict[str, Any]] = []
    for number, level in enumerate(LEVELS):
        label = _describe(level)
        if remaining.is_empty():
            levels.append({"level": number, "description": label, "cases": 0})
            continue
        nearest = list(NEAREST_VARIABLES)
        if level.caliper:
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
            on = ["date_index", *level.exact] if level.same_date else list(level.exact)
            joined = remaining.join(candidates, on=on, how="inner", suffix="_control")
            for column in candidates.columns:
                if f"{column}_control" not in joined.columns:
                    joined = joined.with_columns(pl.col(column).alias(f"{column}_control"))
        control_index = pl.col("list_dn_control") + pl.col("wait")
        death = pl.col("death_dn_control")
        engaged = pl.col("engaged_dn_control")
        joined = joined.filter(
            (pl.col("nhs_number_control") != pl.col("nhs_number"))
            & (death.is_null() | (death >= control_index))
            & (engaged.is_null() | (engaged > control_index))
        )
        listed_distance = pl.sum_horizontal(
            ((_log(v) - _log(f"{v}_control")) / scale[v]) ** 2 for v in nearest
        )
        shortlist = (
            joined.with_columns(
                listed_distance.alias("listed_distance"), control_index.alias("index_dn")
            )
            # A person may be a candidate on several dates: once per case, on their nearest.
            .sort("case_id", "listed_distance", "nhs_number_control", "date_index_control")
            .unique(["case_id", "nhs_number_control"], keep="first", maintain_order=True)
            .group_by("case_id", maintain_order=True)
            .head(SHORTLIST)
            .with_row_index("pair_id")
            .with_columns(pl.col("pair_id").cast(pl.Int64))
        )
        counted = pre_engagement(
            shortlist.select(
                "pair_id",
                pl.col("nhs_number_control").alias("nhs_number"),
                pl.col("list_dn_control").alias("list_dn"),
                "index_dn",
            )
        ).rename({v: f"{v}_control" for v in WAIT_VARIABLES})
        shortlist = shortlist.join(counted, on="pair_id", how="left")
        if level.recent:
            for flag in RECENT_FLAGS:
                shortlist = shortlist.filter((pl.col(flag) > 0) == (pl.col(f"{flag}_control") > 0))
        distance = (
            pl.col("listed_distance")
            + pl.sum_horizontal(
                ((_log(v) - _log(f"{v}_control")) / scale[v]) ** 2 for v in WAIT_VARIABLES
            )
        ).sqrt()
        chosen = (
            shortlist.with_columns(distance.alias("distance"))
            .sort("case_id", "distance", "nhs_number_control", "date_index_control")
            .group_by("case_id", maintain_order=True)
            .head(k)
            .select(
                "case_id",
                pl.col("nhs_number_control").alias("nhs_number"),
                pl.col("date_index_control").alias("date_index"),
                pl.col("index_dn").cast(pl.Int32),
                pl.lit(number, pl.Int32).alias("level"),
                *[pl.col(f"{v}_control").alias(v) for v in BALANCE_VARIABLES],
            )
        )
        matched_ids = chosen["case_id"].unique()
        levels.append({"level": number, "description": label, "cases": matched_ids.len()})
        found.append(chosen)
        remaining = remaining.filter(~pl.col("case_id").is_in(matched_ids.implode()))
    pairs = pl.concat(found, how="vertical_relaxed") if found else _no_pairs(candidates)
    pairs = pairs.with_columns((1.0 / pl.len().over("case_id")).alias("weight")).sort(
        "case_id", "nhs_number"
    )
    return MatchResult(pairs=pairs, levels=levels, cases=cases.height, unmatched=remaining.height)


def _log(column: str) -> pl.Expr:
    """Counts are compared on the log scale: a difference of 2 matters between 1 and 3
    attendances, hardly between 30 and 32, and the heavy tail of the pool must not set the
    scale for everyone (with raw counts, clients with four times their controls' earlier use
    still showed a standardised difference under 0.1)."""
    value = pl.col(column).cast(pl.Float64)
    return value if column.removesuffix("_control") in NOT_COUNTS else value.log1p()


def _no_pairs(candidates: pl.DataFrame) -> pl.DataFrame:
    schema: dict[str, Any] = {
        "case_id": pl.Int64,
        "nhs_number": pl.Int64,
        "date_index": pl.Int64,
        "index_dn": pl.Int32,
        "level": pl.Int32,
    }
    schema.update(dict.fromkeys(BALANCE_VARIABLES, pl.Float64))
    return pl.DataFrame(schema=schema)


def _describe(level: Level) -> str:
    if level.caliper:
        return "A&E count within 10% (at least 1), any identification date"
    exact = [*level.exact, *(("any activity in the 28 days before",) if level.recent else ())]
    where = "the client's own identification date" if level.same_date else "any identification date"
    return f"exact on {', '.join(exact)}, {where}"


def _scales(pool: pl.DataFrame, cases: pl.DataFrame) -> dict[str, float]:
    """Each distance variable's standard deviation: in the pools for the list-date variables;
    among the cases for the pre-engagement ones, which are counted per pair, not per candidate."""
    scales = {}
    for variable in (*NEAREST_VARIABLES, "ed_period", *WAIT_VARIABLES):
        source = cases if variable in WAIT_VARIABLES else pool
        values = source[variable].cast(pl.Float64).fill_null(0).to_numpy()
        values = values if variable in NOT_COUNTS else np.log1p(values)
        sd = float(np.std(values)) if values.size > 1 else 0.0
        scales[variable] = sd if sd > 0 else 1.0
    return scales


def balance(
    cohort: pl.DataFrame, pool: pl.DataFrame, controls: pl.DataFrame
) -> list[dict[str, Any]]:
    """Standardised mean differences for every matching variable: cohort against the whole pool
    (before matching) and against the controls with their weights (after: 1/k within their sets
    from matching, or the calibrated weights, ``hiu.evaluate.calibration``). Both use
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
