"""The set-based counts agree with a plain-Python reading of one person's timeline.

``hiu.store.person_activity.counts_in`` counts one person's events in a window by reading their
rows in Python; ``hiu.evaluate.activity.segment_counts`` counts every segment at once in one
DuckDB query. With a rule set that excludes nothing and admissions that are all emergencies,
both must give the same numbers for any person and any window inside the data.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import polars as pl
import pytest
from evaluate_support import NUMBERS, text_store
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hiu.evaluate.activity import (
    ACTIVITIES,
    DataSpan,
    day_number,
    load_events,
    segment_counts,
)
from hiu.identify.rules import RuleSet, load_rules
from hiu.store.person_activity import counts_in
from hiu.store.store import Store

PEOPLE = NUMBERS[:6]
START = date(2024, 1, 1)
END = date(2024, 12, 31)


def _events(seed: int) -> dict[str, str]:
    rng = np.random.default_rng(seed)
    ed = ["attendance_id,nhs_number,arrival_datetime,site_code"]
    ambulance = ["incident_id,nhs_number,call_datetime"]
    calls = ["call_id,nhs_number,call_datetime"]
    admissions = [
        "spell_id,nhs_number,admission_datetime,discharge_datetime,admission_method,site_code"
    ]
    for person in PEOPLE:
        for lines, prefix, count in ((ed, "E", 25), (ambulance, "A", 8), (calls, "C", 8)):
            for _ in range(count):
                moment = datetime(2024, 1, 1) + timedelta(minutes=int(rng.integers(0, 366 * 1440)))
                extra = ",RQX01" if prefix == "E" else ""
                lines.append(f"{prefix}{len(lines)},{person},{moment:%Y-%m-%dT%H:%M:%S}{extra}")
        for _ in range(5):
            admitted = datetime(2024, 1, 1) + timedelta(minutes=int(rng.integers(0, 366 * 1440)))
            stay = int(rng.integers(0, 40))
            discharged = admitted + timedelta(days=stay, hours=2)
            shown = (
                ""
                if rng.random() < 0.2 or discharged.date() > END
                else f"{discharged:%Y-%m-%dT%H:%M:%S}"
            )
            admissions.append(
                f"S{len(admissions)},{person},{admitted:%Y-%m-%dT%H:%M:%S},{shown},21,RQX01"
            )
    return {
        "ed_attendances": "\n".join(ed),
        "ambulance_incidents": "\n".join(ambulance),
        "nhs111_calls": "\n".join(calls),
        "admissions": "\n".join(admissions),
    }


@pytest.fixture(scope="module")
def setting(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, RuleSet]:
    folder = tmp_path_factory.mktemp("agree")
    store = text_store(folder, **_events(7))
    rules_path = folder / "everything.toml"
    rules_path.write_text(
        'title = "Everything"\nsource = "a test"\n[list]\nperiod_days = 91\n'
        '[[thresholds]]\nname = "any"\nservice = "ed"\nat_least = 1\nwindow = "period"\n'
    )
    return store, load_rules(str(rules_path))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    person=st.sampled_from(PEOPLE),
    first=st.integers(min_value=0, max_value=365),
    length=st.integers(min_value=0, max_value=366),
)
def test_segment_counts_agree_with_a_plain_reading_of_the_timeline(
    setting: tuple[Store, RuleSet], person: str, first: int, length: int
) -> None:
    store, rules = setting
    start = START + timedelta(days=first)
    end = min(start + timedelta(days=length), END + timedelta(days=1))
    connection = store.connect()
    try:
        load_events(connection, rules, DataSpan(START, END), pl.Series([int(n) for n in PEOPLE]))
        segments = pl.DataFrame(
            {
                "row_id": [0],
                "seg": [0],
                "nhs_number": [int(person)],
                "start_dn": [day_number(start)],
                "end_dn": [day_number(end)],
            }
        )
        found = segment_counts(connection, segments).row(0, named=True)
    finally:
        connection.close()
    expected = counts_in(store.timeline(person), start, end).as_dict()
    assert {activity: found[activity] for activity in ACTIVITIES} == expected


def test_the_store_has_events_in_every_kind(setting: tuple[Store, RuleSet]) -> None:
    store, _ = setting
    counts = store.row_counts()
    assert all(counts.get(kind, 0) > 0 for kind in ACTIVITIES if kind != "bed_days")
