"""From an engine's candidates to the list a service receives: people criteria, ranking, top N.

Candidates are few (people who met a threshold), so this runs in Polars after any engine, and
the list is built the same way whichever engine found them.

Ranking (``[list] rank_by``), most important key first, each highest first:

- ``spread``: the number of services on which a threshold was met (a threshold over A&E and
  admissions counts both);
- ``intensity``: for each threshold met, the most its count exceeded the bar in the period, as
  count divided by ``at_least`` (for a combined threshold, the smaller ratio of its parts),
  summed over the thresholds met. 1.0 means one threshold met exactly;
- a service (``ed``, ``ambulance``, ``nhs111``, ``emergency_admissions``): its counting events
  in the list's period.

Ties go to the earlier eligibility date, then to the lower NHS number (arbitrary but stable, so
the same data always gives the same list).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

import polars as pl

from hiu.identify.engines import Engine, Evaluation
from hiu.identify.query import (
    BED_DAYS_COLUMN,
    COUNT_COLUMNS,
    PERIOD_COLUMNS,
    compile_plan,
    strength_scale,
)
from hiu.identify.rules import RuleSet, Service

COUNTS = (*(name for name, _, _ in COUNT_COLUMNS), BED_DAYS_COLUMN[0])
#: The columns of a list, in order. ``nhs_number`` is replaced by ``pseudonym``, and the
#: identifying columns dropped, when a list is pseudonymised (``hiu.identify.output``).
LIST_COLUMNS = (
    "priority_rank",
    "nhs_number",
    "given_name",
    "family_name",
    "date_of_birth",
    "age",
    "phone",
    "eligibility_date",
    "thresholds_met",
    "spread",
    "intensity",
    *COUNTS,
)
IDENTIFYING = ("given_name", "family_name", "date_of_birth", "age", "phone")
EXCLUSION_COLUMNS = (
    "nhs_number",
    "given_name",
    "family_name",
    "date_of_birth",
    "age",
    "eligibility_date",
    "thresholds_met",
    "reasons",
)
#: Intensity is shown, and ranked, to 6 decimal places.
INTENSITY_DIGITS = 6


@dataclass(frozen=True)
class IdentifiedList:
    """One run of a rule set: the ranked list, the people excluded and why."""

    rules: RuleSet
    as_of: date
    period_start: date
    listed: pl.DataFrame
    excluded: pl.DataFrame
    #: People who met a threshold and passed the criteria but fell below the top N.
    below_cut: int
    engine: str


def identify(
    engine: Engine, rules: RuleSet, as_of: date, *, top: int | None = None
) -> IdentifiedList:
    plan = compile_plan(rules, as_of)
    evaluation = engine.evaluate(plan)
    return build_list(evaluation, rules, as_of, plan.period_start, top=top, engine=engine.name)


def nhs_number_text(column: str = "nhs_number") -> pl.Expr:
    return pl.col(column).cast(pl.String).str.zfill(10)


def build_list(
    evaluation: Evaluation,
    rules: RuleSet,
    as_of: date,
    period_start: date,
    *,
    top: int | None = None,
    engine: str = "",
) -> IdentifiedList:
    thresholds = {threshold.name: threshold for threshold in rules.thresholds}
    order = {name: index for index, name in enumerate(thresholds)}
    met = evaluation.met.with_columns(
        pl.col("threshold").replace_strict(order, return_dtype=pl.Int32).alias("_order")
    ).sort("nhs_number", "_order")
    services = {
        name: [service.value for service in threshold.services]
        for name, threshold in thresholds.items()
    }
    per_person = met.group_by("nhs_number", maintain_order=True).agg(
        pl.col("first_met").min().alias("eligibility_date"),
        pl.col("threshold").str.join("; ").alias("thresholds_met"),
    )
    spread = (
        met.select(
            "nhs_number",
            pl.col("threshold")
            .replace_strict(services, return_dtype=pl.List(pl.String))
            .alias("service"),
        )
        .explode("service")
        .group_by("nhs_number")
        .agg(pl.col("service").n_unique().cast(pl.Int64).alias("spread"))
    )
    per_person = per_person.join(spread, on="nhs_number", how="left").join(
        _intensity(met, rules), on="nhs_number", how="left"
    )
    people = evaluation.people.unique("nhs_number", keep="first")
    candidates = (
        per_person.join(evaluation.activity, on="nhs_number", how="left")
        .join(people, on="nhs_number", how="left")
        .with_columns(_age(as_of))
        .with_columns([pl.col(column).fill_null(0) for column in COUNTS])
    )
    reasons = _reasons(candidates, evaluation.flagged, rules, as_of)
    candidates = candidates.with_columns(reasons.alias("reasons"))

    kept = candidates.filter(pl.col("reasons").list.len() == 0)
    ranked = _rank(kept, rules)
    limit = top if top is not None else rules.top
    below_cut = 0
    if limit is not None and ranked.height > limit:
        below_cut = ranked.height - limit
        ranked = ranked.head(limit)
    listed = ranked.with_columns(
        pl.int_range(1, ranked.height + 1, dtype=pl.Int64).alias("priority_rank"),
        nhs_number_text(),
    ).select(LIST_COLUMNS)
    excluded = (
        candidates.filter(pl.col("reasons").list.len() > 0)
        .sort("eligibility_date", "nhs_number")
        .with_columns(nhs_number_text(), pl.col("reasons").list.join("; "))
        .select(EXCLUSION_COLUMNS)
    )
    return IdentifiedList(
        rules=rules,
        as_of=as_of,
        period_start=period_start,
        listed=listed,
        excluded=excluded,
        below_cut=below_cut,
        engine=engine,
    )


def _intensity(met: pl.DataFrame, rules: RuleSet) -> pl.DataFrame:
    """Each person's intensity: their thresholds' strengths summed as exact fractions and
    rounded half to even at 6 decimal places, so every engine ranks people identically."""
    scales = {threshold.name: strength_scale(threshold) for threshold in rules.thresholds}
    totals: dict[int, Fraction] = {}
    for number, threshold, units in met.select("nhs_number", "threshold", "strength").iter_rows():
        totals[number] = totals.get(number, Fraction(0)) + Fraction(units, scales[threshold])
    return pl.DataFrame(
        {
            "nhs_number": list(totals),
            "intensity": [float(round(total, INTENSITY_DIGITS)) for total in totals.values()],
        },
        schema={"nhs_number": pl.Int64, "intensity": pl.Float64},
    )


def age_on(birth: date, day: date) -> int:
    """Whole years on ``day``, by the rule :func:`_age` applies to a column: someone born on
    29 February turns a year older on 1 March in other years, as in English law."""
    had_birthday = (day.month, day.day) >= (birth.month, birth.day)
    return day.year - birth.year - (0 if had_birthday else 1)


def _age(as_of: date) -> pl.Expr:
    """Whole years at the as-of date. Someone born on 29 February turns a year older on
    1 March in other years, as in English law."""
    birth = pl.col("date_of_birth")
    before_birthday = (birth.dt.month() > as_of.month) | (
        (birth.dt.month() == as_of.month) & (birth.dt.day() > as_of.day)
    )
    return (
        (as_of.year - birth.dt.year() - before_birthday.cast(pl.Int32)).cast(pl.Int64).alias("age")
    )


def _reasons(
    candidates: pl.DataFrame, flagged: pl.DataFrame, rules: RuleSet, as_of: date
) -> pl.Series:
    criteria = rules.people
    flags: dict[int, list[str]] = {}
    descriptions = {codelist.name: codelist for codelist in criteria.exclude_codelists}
    for number, name in flagged.select("nhs_number", "codelist").iter_rows():
        codelist = descriptions.get(name)
        if codelist is not None:
            flags.setdefault(number, []).append(name)
    out: list[list[str]] = []
    for row in candidates.select(
        "nhs_number", "date_of_birth", "age", "date_of_death", "care_home", "gp_practice_code"
    ).iter_rows(named=True):
        reasons = []
        death = row["date_of_death"]
        if criteria.exclude_deceased and death is not None and death <= as_of:
            reasons.append("died on or before the as-of date")
        age = row["age"]
        if criteria.needs_date_of_birth and row["date_of_birth"] is None:
            reasons.append("no date of birth in the people extract")
        if age is not None and criteria.min_age is not None and age < criteria.min_age:
            reasons.append(f"aged {age}, under {criteria.min_age}")
        if age is not None and criteria.max_age is not None and age > criteria.max_age:
            reasons.append(f"aged {age}, over {criteria.max_age}")
        if criteria.exclude_care_home and row["care_home"]:
            reasons.append("lives in a care home")
        if criteria.gp_practices is not None:
            practice = row["gp_practice_code"]
            if practice is None:
                reasons.append("no registered GP practice in the people extract")
            elif practice.strip().upper() not in criteria.gp_practices:
                reasons.append("registered with a GP practice not in the rule set's list")
        for name in sorted(set(flags.get(row["nhs_number"], []))):
            reasons.append(f"has a presentation in the {name} code list")
        out.append(reasons)
    return pl.Series("reasons", out, dtype=pl.List(pl.String))


def _rank(kept: pl.DataFrame, rules: RuleSet) -> pl.DataFrame:
    keys = []
    for key in rules.rank_by:
        if key in ("spread", "intensity"):
            keys.append(key)
        else:
            keys.append(PERIOD_COLUMNS[Service(key)])
    return kept.sort(
        [*keys, "eligibility_date", "nhs_number"],
        descending=[True] * len(keys) + [False, False],
        nulls_last=True,
    )
