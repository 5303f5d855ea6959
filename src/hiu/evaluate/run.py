"""One evaluation: the cohort against three comparisons, written as ``hiu-evaluation/1``.

DESIGN §7 asks for, side by side: the naive before/after that sites report (002 §4.3.5); the
comparison with people identified but not engaged (Southport and Formby's, 002 §4.3.5); and a
matched comparison with a difference-in-differences estimate (002 §5, Recommendation 9), with
rate ratios, confidence intervals, costs, running costs, return on investment and relapse.
``docs/evaluation.md`` explains every number and ``docs/adr/0012-evaluation-method.md`` why.

The work is set-based throughout: lists from ``hiu.identify`` (one run per identification
date), counts from one DuckDB query per need (``hiu.evaluate.activity``), matching with Polars
joins, estimates and bootstrap replicates with NumPy matrix products.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import numpy as np
import polars as pl

import hiu
from hiu.evaluate.activity import (
    ACTIVITIES,
    Connect,
    DataSpan,
    data_span,
    day_number,
    last_contact,
    load_events,
    people_details,
    segment_counts,
)
from hiu.evaluate.adjusted import bias_corrected, person_features
from hiu.evaluate.calibration import calibrate
from hiu.evaluate.cohort import Cohort
from hiu.evaluate.diagnostics import client_rows, diagnostics
from hiu.evaluate.estimates import (
    Array,
    DidResult,
    NaiveResult,
    Units,
    after_only,
    difference_in_differences,
    naive,
    number,
    resampling_counts,
)
from hiu.evaluate.matching import (
    EXACT_VARIABLES,
    METHOD,
    NEAREST_VARIABLES,
    QUIET_DAYS_CAP,
    RELAXED_FROM,
    WAIT_VARIABLES,
    MatchResult,
    balance,
    match,
)
from hiu.evaluate.relapse import relapse_summary
from hiu.evaluate.sensitivity import e_values
from hiu.evaluate.unit_costs import UnitCosts
from hiu.evaluate.windows import (
    DAYS_PER_MONTH,
    TRAJECTORY_MONTHS,
    WINDOWS,
    add_months,
    list_as_of,
    list_date_on_or_before,
)
from hiu.identify.engines import DuckDBEngine
from hiu.identify.listing import identify
from hiu.identify.query import EPOCH
from hiu.identify.rules import Refresh, RuleSet
from hiu.store.store import Store

FORMAT = "hiu-evaluation/2"
DEFAULT_SEED = 2026
DEFAULT_REPLICATES = 1000
DEFAULT_RATIO = 5
METHODS = ("naive", "not_engaged", "matched")
#: How many list dates back from the engaged date a client is looked for when the cohort file
#: gives no identification date.
LOOK_BACK_LISTS = 2
#: Days before the index date whose A&E attendances say whether a person is still in crisis.
RECENT_DAYS = 28
LAST_WEEK_DAYS = 7
FORTNIGHT_DAYS = 14
#: Days of A&E history before the four periods the list-date variables cover: persistent
#: users are told apart from people in their first crisis by what came long before.
LONG_HISTORY_DAYS = 730
CENSORING = (
    "Follow-up after the engaged date ends at death (the people extract's date of death) or at "
    "the end of the data ({end}), whichever comes first; rates are events per person-year of "
    "follow-up actually observed, and someone with no follow-up in a window leaves that "
    "window's after side. Before windows start no earlier than the start of the data ({start}) "
    "and end at death if that came first. Controls and not-engaged people are censored the "
    "same way from their index dates."
)


class EvaluationError(Exception):
    """The evaluation cannot be run (an empty store, a data end before the data start)."""


def evaluate(
    store: Store,
    cohort: Cohort,
    rules: RuleSet,
    *,
    unit_costs: UnitCosts | None = None,
    running_costs: float | None = None,
    seed: int = DEFAULT_SEED,
    replicates: int = DEFAULT_REPLICATES,
    data_end: date | None = None,
    ratio: int = DEFAULT_RATIO,
) -> dict[str, Any]:
    """The ``hiu-evaluation/1`` dictionary for ``cohort`` (see docs/evaluation.md)."""
    return evaluate_connected(
        store.connect,
        cohort,
        rules,
        unit_costs=unit_costs,
        running_costs=running_costs,
        seed=seed,
        replicates=replicates,
        data_end=data_end,
        ratio=ratio,
    )


def evaluate_connected(
    connect: Connect,
    cohort: Cohort,
    rules: RuleSet,
    *,
    unit_costs: UnitCosts | None = None,
    running_costs: float | None = None,
    seed: int = DEFAULT_SEED,
    replicates: int = DEFAULT_REPLICATES,
    data_end: date | None = None,
    ratio: int = DEFAULT_RATIO,
) -> dict[str, Any]:
    """:func:`evaluate` on any connection factory whose views are the store's kinds."""
    if replicates < 1:
        raise EvaluationError("replicates must be at least 1")
    if not cohort.members:
        raise EvaluationError("the cohort has nobody to evaluate (every row was rejected)")
    costs = unit_costs or UnitCosts.default()
    connection = connect()
    try:
        found = data_span(connection)
        if found is None:
            raise EvaluationError("the store holds no activity to evaluate")
        end = data_end or found.end
        if end < found.start:
            raise EvaluationError("the end of the data is before its start")
        span = DataSpan(found.start, end)
        work = _Work(connect, connection, rules, span, cohort, ratio)
        work.run()
        return _report(work, costs, running_costs, seed=seed, replicates=replicates)
    finally:
        connection.close()


@dataclass
class _Groups:
    """Evaluation rows: one per (person, index date, group)."""

    rows: pl.DataFrame  # row_id, group, nhs_number, index_date, follow_end, set_id, weight
    events: Array  # row, window, side, activity
    days: Array  # row, window, side
    months_events: Array  # row, month, activity
    months_days: Array  # row, month
    #: Events after the index date on or after the person's own engaged date (controls who
    #: engaged later; zero for everyone else): row, window, activity.
    treated: Array


class _Work:
    def __init__(
        self,
        connect: Connect,
        connection: Any,
        rules: RuleSet,
        span: DataSpan,
        cohort: Cohort,
        ratio: int,
    ) -> None:
        self.connect = connect
        self.connection = connection
        self.rules = rules
        self.span = span
        self.cohort = cohort
        self.ratio = ratio
        self.lists: dict[date, pl.DataFrame] = {}
        self.tops: dict[date, pl.DataFrame] = {}
        self.top_numbers: dict[date, set[int]] = {}

    # Lists ---------------------------------------------------------------------------------
    def eligible(self, list_date: date) -> pl.DataFrame:
        """The whole eligible list made on ``list_date`` (thresholds and criteria met, before
        the top-N cut): ``nhs_number`` (integer) and ``priority_rank``."""
        if list_date not in self.lists:
            as_of = list_as_of(list_date)
            if as_of < self.span.start or as_of > self.span.end:
                frame = pl.DataFrame(schema={"nhs_number": pl.Int64, "priority_rank": pl.Int64})
            else:
                made = identify(DuckDBEngine(self.connect), self.rules, as_of, top=sys.maxsize)
                frame = made.listed.select(
                    pl.col("nhs_number").cast(pl.Int64), pl.col("priority_rank").cast(pl.Int64)
                )
            self.lists[list_date] = frame
        return self.lists[list_date]

    def top(self, list_date: date) -> pl.DataFrame:
        """The list a service receives on ``list_date``: the eligible list less the clients
        engaged before that day (a service does not list its own clients again), cut to the
        top N."""
        if list_date not in self.tops:
            engaged = [int(m.nhs_number) for m in self.cohort.members if m.engaged_date < list_date]
            eligible = self.eligible(list_date).filter(~pl.col("nhs_number").is_in(engaged))
            self.tops[list_date] = (
                eligible if self.rules.top is None else eligible.head(self.rules.top)
            )
            self.top_numbers[list_date] = set(self.tops[list_date]["nhs_number"].to_list())
        return self.tops[list_date]

    def _on_list(self, list_date: date, nhs_number: int) -> bool:
        self.top(list_date)
        return nhs_number in self.top_numbers[list_date]

    def _identification(self) -> pl.DataFrame:
        """Each member's identification date, where it came from, whether the list made that
        day names them, and how many later lists their wait crossed.

        The cohort file's ``identified_date`` when given; otherwise the latest list on or
        before the engaged date, among the last ``LOOK_BACK_LISTS``, that names the client
        ("lists"): a client whose wait ran past the next list date was identified on the
        earlier one, and evaluating them from the later list (on which they do not appear)
        would match them on the wrong count. A client on none of those lists (a referral, say)
        takes the last list date on or before the engaged date ("assumed") and is warned about.
        """
        refresh = self.rules.refresh
        rows = []
        for member in self.cohort.members:
            number_ = int(member.nhs_number)
            chosen = (list_date_on_or_before(member.engaged_date, refresh), "assumed")
            if member.identified_date is not None:
                chosen = (member.identified_date, "cohort file")
            else:
                day = chosen[0]
                for _ in range(LOOK_BACK_LISTS):
                    if self._on_list(day, number_):
                        chosen = (day, "lists")
                        break
                    day = list_date_on_or_before(day - timedelta(days=1), refresh)
            identified, source = chosen
            rows.append(
                (
                    identified,
                    source,
                    self._on_list(identified, number_),
                    _later_lists(identified, member.engaged_date, refresh),
                )
            )
        return pl.DataFrame(
            rows,
            schema={
                "identified_date": pl.Date,
                "identified_from": pl.String,
                "on_list": pl.Boolean,
                "later_lists": pl.Int64,
            },
            orient="row",
        )

    def run(self) -> None:
        members = self.cohort.members
        self.members = pl.concat(
            [
                pl.DataFrame(
                    {
                        "member_id": list(range(len(members))),
                        "nhs_number": [int(m.nhs_number) for m in members],
                        "engaged_date": [m.engaged_date for m in members],
                    },
                    schema={
                        "member_id": pl.Int64,
                        "nhs_number": pl.Int64,
                        "engaged_date": pl.Date,
                    },
                ),
                self._identification(),
            ],
            how="horizontal",
        )
        self.dates = sorted(set(self.members["identified_date"].to_list()))
        date_index = {day: index for index, day in enumerate(self.dates)}
        self.members = self.members.with_columns(
            pl.col("identified_date")
            .replace_strict(date_index, return_dtype=pl.Int64)
            .alias("date_index")
        )
        pools = []
        listed = []
        for index, day in enumerate(self.dates):
            # The pool is the whole eligible list: a control need only be not yet engaged on
            # its own index date (checked in matching), as in risk-set matching. Leaving out
            # people who engage later would condition on the future (to engage later, they
            # must still be in need), and bias every comparison towards the service.
            eligible = self.eligible(day)
            pools.append(eligible.select(pl.lit(index, pl.Int64).alias("date_index"), "nhs_number"))
            engaged_by = self.members.filter(pl.col("identified_date") <= day)["nhs_number"]
            not_engaged = self.top(day).filter(~pl.col("nhs_number").is_in(engaged_by.implode()))
            listed.append(
                not_engaged.select(pl.lit(index, pl.Int64).alias("date_index"), "nhs_number")
            )
        self.pool = pl.concat(pools) if pools else _empty_pool()
        self.not_engaged = self._not_engaged(pl.concat(listed) if listed else _empty_pool())
        self.relapse_dates = self._relapse_dates()
        for day in sorted(set(self.relapse_dates)):
            self.eligible(day)

        wanted = pl.concat(
            [self.members["nhs_number"], self.pool["nhs_number"], self.not_engaged["nhs_number"]]
        )
        load_events(self.connection, self.rules, self.span, wanted)
        self.people = people_details(self.connection)
        self.not_engaged = self._alive_on_index_date(self.not_engaged)
        self.matching = self._matching()
        self.groups = self._groups()

    def _not_engaged(self, listed: pl.DataFrame) -> pl.DataFrame:
        """People listed (top N) but not in the cohort, each on the first date listed, with
        the median engaged date of that date's cohort members as their index date (the
        earlier middle date when there is an even number)."""
        medians = (
            self.members.sort("engaged_date")
            .group_by("date_index", maintain_order=True)
            .agg(pl.col("engaged_date").get((pl.len() - 1) // 2).alias("index_date"))
        )
        return (
            listed.sort("date_index", "nhs_number")
            .unique("nhs_number", keep="first", maintain_order=True)
            .join(medians, on="date_index", how="inner")
        )

    def _alive_on_index_date(self, group: pl.DataFrame) -> pl.DataFrame:
        """Only people alive on their index date, as matched controls are: the cohort is alive
        on its engaged dates by construction (see ``hiu.evaluate.matching``)."""
        deaths = self.people.select("nhs_number", "date_of_death")
        return (
            group.join(deaths, on="nhs_number", how="left")
            .filter(
                pl.col("date_of_death").is_null()
                | (pl.col("date_of_death") >= pl.col("index_date"))
            )
            .drop("date_of_death")
        )

    def _relapse_dates(self) -> list[date]:
        refresh = self.rules.refresh
        return [
            list_date_on_or_before(add_months(day, 12), refresh)
            for day in self.members["engaged_date"].to_list()
        ]

    # Matching ------------------------------------------------------------------------------
    def _matching_variables(self, rows: pl.DataFrame) -> pl.DataFrame:
        """``rows`` (``row_id``, ``date_index``, ``nhs_number``) with every matching variable
        on its identification date ``d``: the A&E count in the rule set's period (the
        ``period_days`` days to ``d - 1``), in each of the three periods before it, and the
        prior year's ambulance incidents, 111 calls and emergency admissions."""
        period = self.rules.period_days
        dates = pl.DataFrame(
            {
                "date_index": list(range(len(self.dates))),
                "list_dn": [day_number(day) for day in self.dates],
                "as_of": [list_as_of(day) for day in self.dates],
            },
            schema={"date_index": pl.Int64, "list_dn": pl.Int32, "as_of": pl.Date},
        )
        rows = rows.join(dates, on="date_index", how="left")
        bounds = [
            (0, period),
            (period, 2 * period),
            (2 * period, 3 * period),
            (3 * period, 4 * period),
            (0, 365),
            (4 * period, 4 * period + LONG_HISTORY_DAYS),
        ]
        segments = pl.concat(
            [
                rows.select(
                    "row_id",
                    pl.lit(seg, pl.Int32).alias("seg"),
                    "nhs_number",
                    (pl.col("list_dn") - far).alias("start_dn"),
                    (pl.col("list_dn") - near).alias("end_dn"),
                )
                for seg, (near, far) in enumerate(bounds)
            ]
        )
        counts = segment_counts(self.connection, segments)
        wide = counts.pivot(
            on="seg", index="row_id", values=list(ACTIVITIES), aggregate_function=None
        )
        variables = wide.select(
            "row_id",
            pl.col("ed_attendances_0").alias("ed_period"),
            pl.col("ed_attendances_1").alias("ed_earlier_1"),
            pl.col("ed_attendances_2").alias("ed_earlier_2"),
            pl.col("ed_attendances_3").alias("ed_earlier_3"),
            pl.col("ambulance_incidents_4").alias("ambulance_year"),
            pl.col("nhs111_calls_4").alias("nhs111_year"),
            pl.col("admissions_4").alias("admissions_year"),
            pl.col("ed_attendances_5").alias("ed_long_before"),
        )
        birth = pl.col("date_of_birth")
        as_of = pl.col("as_of")
        before_birthday = (birth.dt.month() > as_of.dt.month()) | (
            (birth.dt.month() == as_of.dt.month()) & (birth.dt.day() > as_of.dt.day())
        )
        age = as_of.dt.year() - birth.dt.year() - before_birthday.cast(pl.Int32)
        return (
            rows.join(variables, on="row_id", how="left")
            .join(
                self.people.select("nhs_number", "sex", "date_of_birth", "imd_decile"),
                on="nhs_number",
                how="left",
            )
            .with_columns(age.cast(pl.Int64).alias("age"))
            .with_columns(
                pl.col("sex").fill_null("U"),
                (pl.col("sex") == "2").cast(pl.Float64).alias("female"),
                (pl.col("age") // 10).fill_null(-1).alias("age_band"),
                ((pl.col("imd_decile") + 1) // 2).fill_null(0).alias("imd_quintile"),
            )
        )

    def _pre_engagement(self, pairs: pl.DataFrame) -> pl.DataFrame:
        """The :data:`WAIT_VARIABLES` of ``pairs`` (``pair_id, nhs_number, list_dn,
        index_dn``): A&E attendances and other activity from the list date to the index date;
        A&E attendances and other activity in the 28 days before the index date; A&E
        attendances in the 7 days before it; all activity in the 14 days before it and in the
        28 days before those; and the days since the last contact of any kind."""
        if pairs.is_empty():
            return pairs.select("pair_id").with_columns(
                [pl.lit(0, pl.Int64).alias(v) for v in WAIT_VARIABLES]
            )
        index = pl.col("index_dn")
        bounds = (
            (pl.col("list_dn"), index),  # 0: the wait
            (index - RECENT_DAYS, index),  # 1: the last 28 days
            (index - LAST_WEEK_DAYS, index),  # 2: the last 7 days
            (index - FORTNIGHT_DAYS, index),  # 3: the last 14 days
            (index - 2 * RECENT_DAYS, index - RECENT_DAYS),  # 4: the 28 days before those
        )
        segments = pl.concat(
            [
                pairs.select(
                    pl.col("pair_id").alias("row_id"),
                    pl.lit(seg, pl.Int32).alias("seg"),
                    "nhs_number",
                    start.alias("start_dn"),
                    end.alias("end_dn"),
                )
                for seg, (start, end) in enumerate(bounds)
            ]
        )
        counts = segment_counts(self.connection, segments)
        wide = counts.pivot(
            on="seg", index="row_id", values=list(ACTIVITIES), aggregate_function=None
        )

        def others(seg: int) -> pl.Expr:
            return (
                pl.col(f"ambulance_incidents_{seg}")
                + pl.col(f"nhs111_calls_{seg}")
                + pl.col(f"admissions_{seg}")
            )

        last = last_contact(
            self.connection,
            pairs.select(pl.col("pair_id").alias("row_id"), "nhs_number", "index_dn"),
            QUIET_DAYS_CAP,
        )
        quiet = pairs.select(pl.col("pair_id").alias("row_id"), "index_dn").join(
            last, on="row_id", how="left"
        )
        return wide.join(quiet, on="row_id", how="left").select(
            pl.col("row_id").alias("pair_id"),
            pl.col("ed_attendances_0").alias("ed_wait"),
            others(0).alias("other_wait"),
            pl.col("ed_attendances_1").alias("ed_recent"),
            others(1).alias("other_recent"),
            pl.col("ed_attendances_2").alias("ed_last_week"),
            (pl.col("ed_attendances_3") + others(3)).alias("all_fortnight"),
            (pl.col("ed_attendances_4") + others(4)).alias("all_month_before"),
            (pl.col("index_dn") - pl.col("last_dn"))
            .fill_null(QUIET_DAYS_CAP)
            .cast(pl.Int64)
            .alias("quiet_days"),
        )

    def _matching(self) -> MatchResult:
        members = self.members.select(
            pl.col("member_id").alias("row_id"), "date_index", "nhs_number"
        )
        offset = members.height
        pool = self.pool.with_row_index("row_id", offset=offset).with_columns(
            pl.col("row_id").cast(pl.Int64)
        )
        both = self._matching_variables(pl.concat([members, pool.select(members.columns)]))
        engaged = self.members.select(
            pl.col("member_id").alias("row_id"), _dn(pl.col("engaged_date")).alias("index_dn")
        )
        deaths = self.people.select("nhs_number", _dn(pl.col("date_of_death")).alias("death_dn"))
        clients = self.members.select("nhs_number", _dn(pl.col("engaged_date")).alias("engaged_dn"))
        cases = (
            both.filter(pl.col("row_id") < offset)
            .with_columns(pl.col("row_id").alias("case_id"))
            .join(engaged, on="row_id", how="left")
        )
        waits = self._pre_engagement(
            cases.select(pl.col("case_id").alias("pair_id"), "nhs_number", "list_dn", "index_dn")
        )
        self.case_variables = cases.join(
            waits.rename({"pair_id": "case_id"}), on="case_id", how="left"
        )
        self.pool_variables = (
            both.filter(pl.col("row_id") >= offset)
            .join(deaths, on="nhs_number", how="left")
            .join(clients, on="nhs_number", how="left")
        )
        matched = match(self.case_variables, self.pool_variables, self.ratio, self._pre_engagement)
        self.uncalibrated = matched.pairs
        self.calibration = calibrate(matched.pairs, self.case_variables)
        return replace(matched, pairs=self.calibration.pairs)

    # Counting --------------------------------------------------------------------------------
    def _groups(self) -> _Groups:
        end_excl = day_number(self.span.end) + 1
        cohort = self.members.select(
            pl.lit("cohort").alias("group"),
            "nhs_number",
            pl.col("engaged_date").alias("index_date"),
            pl.col("member_id").alias("set_id"),
            pl.lit(1.0).alias("weight"),
        )
        not_engaged = self.not_engaged.select(
            pl.lit("not_engaged").alias("group"),
            "nhs_number",
            "index_date",
            pl.lit(-1, pl.Int64).alias("set_id"),
            pl.lit(1.0).alias("weight"),
        )
        # A control is followed from its own list date plus its case's wait to engagement (the
        # case's engaged date when both were listed on the same day).
        controls = self.matching.pairs.select(
            pl.lit("control").alias("group"),
            "nhs_number",
            (pl.lit(EPOCH) + pl.duration(days=pl.col("index_dn"))).alias("index_date"),
            pl.col("case_id").alias("set_id"),
            "weight",
        )
        rows = (
            pl.concat([cohort, not_engaged, controls])
            .with_row_index("row_id")
            .with_columns(pl.col("row_id").cast(pl.Int64))
            .join(self.people.select("nhs_number", "date_of_death"), on="nhs_number", how="left")
            .with_columns(
                pl.min_horizontal(
                    pl.lit(end_excl),
                    ((pl.col("date_of_death") - pl.lit(date(1970, 1, 1))).dt.total_days() + 1),
                )
                .cast(pl.Int32)
                .alias("follow_end")
            )
            .sort("row_id")
        )
        start_dn = day_number(self.span.start)
        index_dn = _dn(pl.col("index_date"))
        # A control who engages later is counted as a control until then (risk-set matching);
        # what they use after their own engaged date is under the service, so it is counted
        # apart and the adjusted estimate undoes the service's effect on it (ADR 0015). The
        # cohort is unique by person, so each control has at most one engaged date.
        own = pl.col("own_engaged_dn")
        with_own = rows.join(
            self.members.select("nhs_number", _dn(pl.col("engaged_date")).alias("own_engaged_dn")),
            on="nhs_number",
            how="left",
        ).with_columns(pl.when(pl.col("group") == "control").then(own).alias("own_engaged_dn"))
        window_segments = []
        treated_segments = []
        for w_index, months in enumerate(WINDOWS):
            back = _dn(pl.col("index_date").dt.offset_by(f"-{months}mo"))
            forward = _dn(pl.col("index_date").dt.offset_by(f"{months}mo"))
            after_end = pl.min_horizontal(forward, pl.col("follow_end"))
            window_segments.append(
                _segment(
                    rows,
                    w_index * 2,
                    pl.max_horizontal(back, pl.lit(start_dn)),
                    pl.min_horizontal(index_dn, pl.col("follow_end")),
                )
            )
            window_segments.append(_segment(rows, w_index * 2 + 1, index_dn, after_end))
            # Empty (start at the end) for everyone without an engaged date of their own.
            treated_segments.append(
                _segment(
                    with_own,
                    w_index,
                    pl.when(own.is_null())
                    .then(after_end)
                    .otherwise(pl.max_horizontal(index_dn, own)),
                    after_end,
                )
            )
        events, days = self._count(pl.concat(window_segments), rows.height, (len(WINDOWS), 2))
        treated, _ = self._count(pl.concat(treated_segments), rows.height, (len(WINDOWS),))
        month_segments = []
        for m_index, month in enumerate(TRAJECTORY_MONTHS):
            first = _dn(pl.col("index_date").dt.offset_by(f"{month}mo"))
            last = _dn(pl.col("index_date").dt.offset_by(f"{month + 1}mo"))
            month_segments.append(
                _segment(
                    rows,
                    m_index,
                    pl.max_horizontal(first, pl.lit(start_dn)),
                    pl.min_horizontal(last, pl.col("follow_end")),
                )
            )
        months_events, months_days = self._count(
            pl.concat(month_segments), rows.height, (len(TRAJECTORY_MONTHS),)
        )
        return _Groups(rows, events, days, months_events, months_days, treated)

    def _count(
        self, segments: pl.DataFrame, n_rows: int, shape: tuple[int, ...]
    ) -> tuple[Array, Array]:
        segments = segments.sort("row_id", "seg")
        counts = segment_counts(
            self.connection, segments.filter(pl.col("end_dn") > pl.col("start_dn"))
        )
        full = segments.select("row_id", "seg").join(counts, on=["row_id", "seg"], how="left")
        full = full.with_columns(pl.col(ACTIVITIES).fill_null(0)).sort("row_id", "seg")
        events = full.select(ACTIVITIES).to_numpy().astype(np.float64)
        days = (
            segments.select((pl.col("end_dn") - pl.col("start_dn")).clip(lower_bound=0))
            .to_series()
            .to_numpy()
            .astype(np.float64)
        )
        return (
            events.reshape(n_rows, *shape, len(ACTIVITIES)),
            days.reshape(n_rows, *shape),
        )


def _dn(expression: pl.Expr) -> pl.Expr:
    return (expression - pl.lit(date(1970, 1, 1))).dt.total_days().cast(pl.Int32)


def _segment(rows: pl.DataFrame, seg: int, start: pl.Expr, end: pl.Expr) -> pl.DataFrame:
    return rows.select(
        "row_id",
        pl.lit(seg, pl.Int32).alias("seg"),
        "nhs_number",
        start.cast(pl.Int32).alias("start_dn"),
        end.cast(pl.Int32).alias("end_dn"),
    )


def _later_lists(identified: date, engaged: date, refresh: Refresh) -> int:
    """List dates after ``identified`` and on or before ``engaged``: how many later lists the
    wait crossed."""
    count = 0
    day = list_date_on_or_before(engaged, refresh)
    while day > identified:
        count += 1
        day = list_date_on_or_before(day - timedelta(days=1), refresh)
    return count


def _empty_pool() -> pl.DataFrame:
    return pl.DataFrame(schema={"date_index": pl.Int64, "nhs_number": pl.Int64})


# The report --------------------------------------------------------------------------------


def _report(
    work: _Work,
    costs: UnitCosts,
    running_costs: float | None,
    *,
    seed: int,
    replicates: int,
) -> dict[str, Any]:
    groups = work.groups
    rows = groups.rows
    group = rows["group"].to_numpy()
    weight = rows["weight"].to_numpy()
    rng = np.random.default_rng(seed)

    is_cohort = group == "cohort"
    cohort_units = Units(groups.events[is_cohort], groups.days[is_cohort])
    naive_result = naive(cohort_units, resampling_counts(rng, cohort_units.size, replicates))

    is_listed = group == "not_engaged"
    listed_units = Units(groups.events[is_listed], groups.days[is_listed])
    listed_result = difference_in_differences(
        cohort_units,
        listed_units,
        resampling_counts(rng, cohort_units.size, replicates),
        resampling_counts(rng, listed_units.size, replicates),
    )

    matched_ids = np.unique(work.matching.pairs["case_id"].to_numpy())
    set_id = rows["set_id"].to_numpy()
    case_rows = np.flatnonzero(is_cohort & np.isin(set_id, matched_ids))
    case_rows = case_rows[np.argsort(set_id[case_rows], kind="stable")]
    control_rows = np.flatnonzero(group == "control")
    # Each control row's set: the position of its case among the matched cases (sorted).
    control_sets = np.searchsorted(matched_ids, set_id[control_rows])
    sets = len(matched_ids)
    matched_case_units = Units(groups.events[case_rows], groups.days[case_rows])
    control_events = np.zeros((sets, *groups.events.shape[1:]))
    control_days = np.zeros((sets, *groups.days.shape[1:]))
    w = weight[control_rows]
    np.add.at(control_events, control_sets, groups.events[control_rows] * w[:, None, None, None])
    np.add.at(control_days, control_sets, groups.days[control_rows] * w[:, None, None])
    counts = resampling_counts(rng, sets, replicates)
    matched_result = difference_in_differences(
        matched_case_units, Units(control_events, control_days), counts, counts
    )
    case_frame = pl.DataFrame({"case_id": matched_ids.astype(np.int64)}).join(
        work.case_variables, on="case_id", how="left"
    )
    control_units = Units(control_events, control_days)
    after_only_result = after_only(matched_case_units, control_units, counts)
    adjusted_result = bias_corrected(
        person_features(case_frame),
        groups.events[case_rows],
        groups.days[case_rows],
        person_features(work.matching.pairs),
        groups.events[control_rows],
        groups.days[control_rows],
        control_sets.astype(np.int64),
        w,
        counts,
        control_treated=groups.treated[control_rows],
    )

    people = {
        "cohort": int(is_cohort.sum()),
        "not_engaged": int(rows.filter(pl.col("group") == "not_engaged")["nhs_number"].n_unique()),
        "matched_cases": sets,
        "controls": int(rows.filter(pl.col("group") == "control")["nhs_number"].n_unique()),
    }
    naive_section = _naive_section(naive_result, people["cohort"])
    listed_section = _did_section(listed_result, people["cohort"], people["not_engaged"])
    did_section = _did_section(matched_result, sets, people["controls"])
    # The headline matched estimate is the regression-adjusted one (hiu.evaluate.adjusted);
    # the rates, rate ratios and additive difference beside it stay those of the matched sets.
    matched_section = {
        window: {
            activity: {
                **found,
                "estimate": number(adjusted_result.estimate[w, a]),
                "ci_low": number(adjusted_result.low[w, a]),
                "ci_high": number(adjusted_result.high[w, a]),
            }
            for a, (activity, found) in enumerate(by_activity.items())
        }
        for w, (window, by_activity) in enumerate(did_section.items())
    }
    after_only_section = _per_window(
        lambda w, a: {
            "estimate": number(after_only_result.estimate[w, a]),
            "ci_low": number(after_only_result.low[w, a]),
            "ci_high": number(after_only_result.high[w, a]),
        }
    )
    estimates = {
        "naive": (naive_result.estimate, naive_result.events),
        "not_engaged": (listed_result.estimate, listed_result.cohort_events),
        "matched": (adjusted_result.estimate, matched_result.cohort_events),
    }
    members = work.members
    matching = _matching_section(work, people)
    clients = client_rows(
        members,
        [work.cohort.row_of(index) for index in range(members.height)],
        work.matching.pairs,
        RELAXED_FROM,
    )
    matching["relaxed_from"] = RELAXED_FROM
    matching["matched_without_relaxation"] = sum(1 for c in clients if c["relaxed"] is False)
    return {
        "format": FORMAT,
        "run": {
            "hiu_version": hiu.__version__,
            "rules": {"name": work.rules.name, "title": work.rules.title},
            "data_start": work.span.start.isoformat(),
            "data_end": work.span.end.isoformat(),
            "seed": seed,
            "bootstrap_replicates": replicates,
            "windows": list(WINDOWS),
            "activities": list(ACTIVITIES),
        },
        "cohort": {
            "rows": work.cohort.rows,
            "people": work.cohort.people,
            "rejected": list(work.cohort.rejected),
            "engaged_from": _iso(members["engaged_date"].min()),
            "engaged_to": _iso(members["engaged_date"].max()),
            "identification_dates": [day.isoformat() for day in work.dates],
        },
        "naive": naive_section,
        "not_engaged": listed_section,
        "matched": matched_section,
        "matching": matching,
        "clients": clients,
        "diagnostics": diagnostics(clients, matching["balance"]),
        "sensitivity": _sensitivity(
            {
                "matched": (matched_section, "primary"),
                "matched_did": (did_section, ""),
                "matched_after_only": (after_only_section, ""),
                "not_engaged": (listed_section, ""),
            }
        ),
        "trajectories": _trajectories(groups, matched_ids),
        "relapse": relapse_summary(groups.rows, work.eligible, work.rules.refresh, work.span),
        "costs": _costs(estimates, costs, running_costs),
        "censoring": CENSORING.format(
            start=work.span.start.isoformat(), end=work.span.end.isoformat()
        ),
    }


def _iso(value: object) -> str | None:
    return value.isoformat() if isinstance(value, date) else None


def _side(events: Array, days: float) -> dict[str, Any]:
    years = days / 365.25
    return {
        "events": number(float(events), 4),
        "person_years": number(years, 4),
        "rate": number(float(events) / years if years > 0 else None),
    }


def _per_window(build: Callable[[int, int], dict[str, Any]]) -> dict[str, Any]:
    return {
        str(months): {activity: build(w, a) for a, activity in enumerate(ACTIVITIES)}
        for w, months in enumerate(WINDOWS)
    }


def _naive_section(result: NaiveResult, people: int) -> dict[str, Any]:
    def build(w: int, a: int) -> dict[str, Any]:
        return {
            "estimate": number(result.estimate[w, a]),
            "ci_low": number(result.low[w, a]),
            "ci_high": number(result.high[w, a]),
            "people": people,
            "before": _side(result.events[w, 0, a], result.days[w, 0]),
            "after": _side(result.events[w, 1, a], result.days[w, 1]),
        }

    return _per_window(build)


def _did_section(result: DidResult, people: int, comparison_people: int) -> dict[str, Any]:
    def build(w: int, a: int) -> dict[str, Any]:
        return {
            "estimate": number(result.estimate[w, a]),
            "ci_low": number(result.low[w, a]),
            "ci_high": number(result.high[w, a]),
            "people": people,
            "comparison_people": comparison_people,
            "cohort": {
                "before": _side(result.cohort_events[w, 0, a], result.cohort_days[w, 0]),
                "after": _side(result.cohort_events[w, 1, a], result.cohort_days[w, 1]),
            },
            "comparison": {
                "before": _side(result.comparison_events[w, 0, a], result.comparison_days[w, 0]),
                "after": _side(result.comparison_events[w, 1, a], result.comparison_days[w, 1]),
            },
            "rate_ratio": {
                "cohort": number(result.ratio_cohort[w, a]),
                "comparison": number(result.ratio_comparison[w, a]),
            },
            "did_per_person_year": {
                "estimate": number(result.additive[w, a]),
                "ci_low": number(result.additive_low[w, a]),
                "ci_high": number(result.additive_high[w, a]),
            },
        }

    return _per_window(build)


SPECIFICATIONS: dict[str, tuple[str, str]] = {
    "matched": (
        "Matched, regression-adjusted",
        "Each client against their matched controls, with the controls' use corrected by an "
        "outcome model for what still differs between them (bias-corrected matching).",
    ),
    "matched_did": (
        "Matched, difference in differences",
        "The same matched sets: the clients' after/before rate ratio over their controls', "
        "with no outcome model.",
    ),
    "matched_after_only": (
        "Matched, after period only",
        "The same matched sets: the clients' rate after engaging over their controls', "
        "ignoring the before period.",
    ),
    "not_engaged": (
        "Identified but not engaged",
        "Everyone on the same lists who did not engage, unmatched, difference in differences.",
    ),
}


def _sensitivity(sections: dict[str, tuple[dict[str, Any], str]]) -> dict[str, Any]:
    """The estimate under other specifications, and the E-values of the headline."""
    specifications = []
    for key, (section, role) in sections.items():
        title, description = SPECIFICATIONS[key]
        specifications.append(
            {
                "key": key,
                "title": title,
                "description": description,
                "primary": role == "primary",
                "results": {
                    window: {
                        activity: {name: found[name] for name in ("estimate", "ci_low", "ci_high")}
                        for activity, found in by_activity.items()
                    }
                    for window, by_activity in section.items()
                },
            }
        )
    primary = sections["matched"][0]
    e_values_out: dict[str, Any] = {}
    for window, by_activity in primary.items():
        e_values_out[window] = {}
        for activity, found in by_activity.items():
            point, limit = e_values(
                _nan(found["estimate"]), _nan(found["ci_low"]), _nan(found["ci_high"])
            )
            e_values_out[window][activity] = {
                "estimate": number(float(point), 3),
                "ci": number(float(limit), 3),
            }
    return {"specifications": specifications, "e_values": e_values_out}


def _nan(value: float | None) -> float:
    return float("nan") if value is None else value


def _matching_section(work: _Work, people: dict[str, int]) -> dict[str, Any]:
    result = work.matching
    # The pool's pre-engagement activity is not counted (it depends on each case's wait), so
    # those variables have no pool mean and no SMD before matching (null), only after.
    pool = work.pool_variables.with_columns(
        pl.lit(None, pl.Float64).alias(variable) for variable in WAIT_VARIABLES
    )
    rows = balance(work.case_variables, pool, result.pairs)
    uncalibrated = balance(work.case_variables, pool, work.uncalibrated)
    calibration = work.calibration
    largest = max(
        (abs(row["smd_after"]) for row in uncalibrated if row["smd_after"] is not None),
        default=None,
    )
    for row in rows:
        for key in ("cohort_mean", "pool_mean", "matched_mean", "smd_before", "smd_after"):
            row[key] = number(row[key], 4)
    return {
        "method": METHOD.format(k=work.ratio),
        "ratio": work.ratio,
        "exact": list(EXACT_VARIABLES),
        "nearest": list(NEAREST_VARIABLES),
        "cases": result.cases,
        "matched_cases": result.cases - result.unmatched,
        "unmatched_cases": result.unmatched,
        "controls": people["controls"],
        "candidates": work.pool.height,
        "levels": result.levels,
        "balance": rows,
        "calibration": {
            "moments": list(calibration.moments),
            "converged": calibration.converged,
            "largest_smd_before_calibration": number(largest, 4),
            "effective_controls_before": number(calibration.effective_before, 1),
            "effective_controls_after": number(calibration.effective_after, 1),
        },
    }


def _trajectories(groups: _Groups, matched_ids: Array) -> dict[str, Any]:
    rows = groups.rows
    group = rows["group"].to_numpy()
    weight = rows["weight"].to_numpy()

    def series(mask: Array) -> dict[str, list[float | None]]:
        w = weight[mask]
        events = (groups.months_events[mask] * w[:, None, None]).sum(axis=0)
        months = (groups.months_days[mask] * w[:, None]).sum(axis=0) / DAYS_PER_MONTH
        return {
            activity: [
                number(events[m, a] / months[m]) if months[m] > 0 else None
                for m in range(len(TRAJECTORY_MONTHS))
            ]
            for a, activity in enumerate(ACTIVITIES)
        }

    return {
        "months": list(TRAJECTORY_MONTHS),
        "cohort": series(group == "cohort"),
        "not_engaged": series(group == "not_engaged"),
        "matched": series(group == "control"),
    }


def _costs(
    estimates: dict[str, tuple[Array, Array]], costs: UnitCosts, running_costs: float | None
) -> dict[str, Any]:
    """Avoided events: the events the cohort would have had without the service, as the
    estimate implies, less those it had: observed / (1 + estimate) - observed."""
    by_method: dict[str, Any] = {}
    for method, (estimate, events) in estimates.items():
        windows: dict[str, Any] = {}
        for w, months in enumerate(WINDOWS):
            entry: dict[str, Any] = {}
            total = 0.0
            any_cost = False
            for a, activity in enumerate(ACTIVITIES):
                value = estimate[w, a]
                observed = events[w, 1, a]
                if np.isfinite(value) and value > -1:
                    avoided = observed / (1 + value) - observed
                    cost = avoided * costs.cost_of(activity)
                    total += cost
                    any_cost = True
                    entry[activity] = {
                        "avoided_events": number(avoided, 2),
                        "avoided_cost": number(cost, 2),
                    }
                else:
                    entry[activity] = {"avoided_events": None, "avoided_cost": None}
            entry["total_avoided_cost"] = number(total, 2) if any_cost else None
            windows[str(months)] = entry
        by_method[method] = windows
    roi: dict[str, float | None] | None = None
    running = None
    if running_costs is not None:
        running = {"amount": number(running_costs, 2), "period": "12 months"}
        roi = {}
        for method in METHODS:
            saved = by_method[method]["12"]["total_avoided_cost"]
            roi[method] = (
                number((saved - running_costs) / running_costs, 4)
                if saved is not None and running_costs > 0
                else None
            )
    return {
        "table": costs.to_dict(),
        "by_method": by_method,
        "running_costs": running,
        "roi": roi,
    }
