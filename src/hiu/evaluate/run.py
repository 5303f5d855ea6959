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
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import numpy as np
import polars as pl

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
from hiu.evaluate.diagnostics import client_rows
from hiu.evaluate.document import (
    Computed,
    EvaluationDocument,
    MatchingFacts,
    Trajectories,
    evaluation_document,
)
from hiu.evaluate.estimates import (
    Array,
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

DEFAULT_SEED = 2026
DEFAULT_REPLICATES = 1000
DEFAULT_RATIO = 5
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
) -> EvaluationDocument:
    """The ``hiu-evaluation/2`` document for ``cohort`` (``hiu.evaluate.document``; every
    number is explained in docs/evaluation.md)."""
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
) -> EvaluationDocument:
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
        return evaluation_document(
            _computed(work, costs, running_costs, seed=seed, replicates=replicates)
        )
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


def _computed(
    work: _Work,
    costs: UnitCosts,
    running_costs: float | None,
    *,
    seed: int,
    replicates: int,
) -> Computed:
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
    members = work.members
    clients = client_rows(
        members,
        [work.cohort.row_of(index) for index in range(members.height)],
        work.matching.pairs,
        RELAXED_FROM,
    )
    return Computed(
        rules_name=work.rules.name,
        rules_title=work.rules.title,
        data_start=work.span.start,
        data_end=work.span.end,
        seed=seed,
        replicates=replicates,
        cohort=work.cohort,
        engaged_dates=members["engaged_date"].to_list(),
        identification_dates=list(work.dates),
        naive=naive_result,
        not_engaged=listed_result,
        matched_did=matched_result,
        matched_after_only=after_only_result,
        adjusted=adjusted_result,
        people=people,
        matching=_matching_facts(work, people),
        clients=clients,
        trajectories=_trajectories(groups, matched_ids),
        relapse=relapse_summary(groups.rows, work.eligible, work.rules.refresh, work.span),
        unit_costs=costs,
        running_costs=running_costs,
    )


def _matching_facts(work: _Work, people: dict[str, int]) -> MatchingFacts:
    result = work.matching
    # The pool's pre-engagement activity is not counted (it depends on each case's wait), so
    # those variables have no pool mean and no SMD before matching (null), only after.
    pool = work.pool_variables.with_columns(
        pl.lit(None, pl.Float64).alias(variable) for variable in WAIT_VARIABLES
    )
    uncalibrated = balance(work.case_variables, pool, work.uncalibrated)
    return MatchingFacts(
        method=METHOD.format(k=work.ratio),
        ratio=work.ratio,
        exact=EXACT_VARIABLES,
        nearest=NEAREST_VARIABLES,
        cases=result.cases,
        matched_cases=result.cases - result.unmatched,
        controls=people["controls"],
        candidates=work.pool.height,
        levels=result.levels,
        balance=balance(work.case_variables, pool, result.pairs),
        calibration=work.calibration,
        largest_smd_before_calibration=max(
            (abs(row["smd_after"]) for row in uncalibrated if row["smd_after"] is not None),
            default=None,
        ),
        relaxed_from=RELAXED_FROM,
    )


def _trajectories(groups: _Groups, matched_ids: Array) -> Trajectories:
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
