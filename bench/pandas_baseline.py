"""City and Hackney's A&E thresholds written the way an analyst would in pandas: the baseline.

It reads the store's A&E and people Parquet files, drops the attendances the rule set does not
count, counts attendances per person and day, and rolls 30- and 365-day windows over each
person's days with ``groupby().rolling()``. The meaning is the one ``hiu.identify.query``
states: a window of W days ends on the day of an attendance and includes every attendance of
that day; a person is listed when a threshold is met on a day of the last 30 days (the list's
period), from the first such day (their eligibility date), if they are 18 or over on the as-of
date and not known to have died by then.

The rules are copied here by hand, as an analyst would copy them from the service
specification, rather than read from ``hackney.toml``: bench/bench_identify.py checks that the
list equals ``hiu.identify``'s before timing either.

Usage: ``.venv/bin/python bench/pandas_baseline.py STORE AS_OF OUT.parquet``; prints a JSON line
with the seconds taken and the size of the list, and writes the list (NHS number and
eligibility date) to ``OUT.parquet``.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import date
from pathlib import Path

import pandas as pd

# src/hiu/identify/rulesets/hackney.toml, [counting.ed] and its code lists.
EXCLUDED_CATEGORIES = ["4"]  # planned follow-ups
EXCLUDED_CODES = [
    "417357006",  # sickle cell disease
    "127040003",  # sickle cell disease
    "225358003",  # wound care
    "14094001",  # nausea and vomiting of pregnancy
]
#: Threshold: (window in days, attendances at least).
THRESHOLDS = {"ed_month": (30, 5), "ed_year": (365, 10)}
PERIOD_DAYS = 30
MIN_AGE = 18


def table_path(store: Path, kind: str) -> Path:
    state = json.loads((store / "state.json").read_text())
    return store / state["tables"][kind]["path"]


def identify_ed(ed_path: Path, people_path: Path, as_of: date) -> pd.DataFrame:
    """NHS number and eligibility date of everyone listed."""
    end = pd.Timestamp(as_of)
    ed = pd.read_parquet(
        ed_path,
        columns=[
            "nhs_number",
            "arrival_datetime",
            "attendance_category",
            "chief_complaint",
            "diagnosis",
        ],
    )
    ed["day"] = ed["arrival_datetime"].dt.normalize()
    counting = (
        (ed["day"] <= end)
        & ~ed["attendance_category"].isin(EXCLUDED_CATEGORIES)
        & ~ed["chief_complaint"].isin(EXCLUDED_CODES)
        & ~ed["diagnosis"].isin(EXCLUDED_CODES)
    )
    # One row per person and day, so a day's window holds all of that day's attendances.
    daily = (
        ed[counting]
        .groupby(["nhs_number", "day"])
        .size()
        .rename("attendances")
        .reset_index()
        .sort_values(["nhs_number", "day"], ignore_index=True)
    )
    by_person = daily.set_index("day").groupby("nhs_number")["attendances"]
    met = pd.Series(False, index=daily.index)
    for days, at_least in THRESHOLDS.values():
        # A time-based window "(day - W days, day]": the W days ending on the day. Groups come
        # out in NHS-number order and days in order within each, as ``daily`` is sorted.
        counts = by_person.rolling(f"{days}D").sum()
        met |= counts.to_numpy() >= at_least
    period_start = end - pd.Timedelta(days=PERIOD_DAYS - 1)
    eligible = daily[met & (daily["day"] >= period_start)]
    first = eligible.groupby("nhs_number", as_index=False)["day"].min()
    first = first.rename(columns={"day": "eligibility_date"})

    people = pd.read_parquet(people_path, columns=["nhs_number", "date_of_birth", "date_of_death"])
    listed = first.merge(people, on="nhs_number", how="left")
    born = pd.to_datetime(listed["date_of_birth"])
    before_birthday = (born.dt.month > as_of.month) | (
        (born.dt.month == as_of.month) & (born.dt.day > as_of.day)
    )
    age = as_of.year - born.dt.year - before_birthday.astype(int)
    died = pd.to_datetime(listed["date_of_death"]) <= end
    # No date of birth: the age is missing, the comparison false, the person not listed.
    keep = (age >= MIN_AGE) & ~died
    return listed.loc[keep, ["nhs_number", "eligibility_date"]].reset_index(drop=True)


def main(argv: list[str]) -> None:
    store, as_of, out = Path(argv[0]), date.fromisoformat(argv[1]), Path(argv[2])
    started, cpu = time.perf_counter(), time.process_time()
    listed = identify_ed(table_path(store, "ed_attendances"), table_path(store, "people"), as_of)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    listed.assign(eligibility_date=listed["eligibility_date"].dt.date).to_parquet(out)
    print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "listed": len(listed)}))


if __name__ == "__main__":
    main(sys.argv[1:])
