"""Counting one person's activity over a window, and finding new activity since a day."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from hiu.ingest.pipeline import import_file
from hiu.store.person_activity import activity_since, monthly_counts, person_counts
from hiu.store.store import Store

ADA, BEN, CY = "9434765919", "9990001006", "9990000018"
FILES = {
    "ed_attendances": (
        "attendance_id,nhs_number,arrival_datetime,site_code\n"
        f"E1,{ADA},2026-01-31T23:59:00,RQX01\n"
        f"E2,{ADA},2026-02-01T00:00:00,RQX01\n"
        f"E3,{ADA},2026-02-28T23:00:00,RQX01\n"
        f"E4,{ADA},2026-03-01T00:00:00,RQX01\n"
        f"E5,{BEN},2026-03-02T10:00:00,RQX01\n"
    ),
    "ambulance_incidents": (
        "incident_id,nhs_number,call_datetime,call_origin\n"
        f"A1,{ADA},2026-02-10T22:05:00,999\n"
        f"A2,{BEN},2026-03-05T01:00:00,999\n"
    ),
    "nhs111_calls": f"call_id,nhs_number,call_datetime\nC1,{ADA},2026-02-11T08:00:00\n",
    "admissions": (
        "spell_id,nhs_number,admission_datetime,discharge_datetime,admission_method,site_code\n"
        f"S1,{ADA},2026-02-14T15:00:00,2026-02-17T11:00:00,21,RQX01\n"
        f"S2,{ADA},2026-02-26T15:00:00,,21,RQX01\n"
    ),
}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    folder = tmp_path_factory.mktemp("person-activity")
    store = Store(folder / "store")
    for kind, text in FILES.items():
        path = folder / f"{kind}.csv"
        path.write_text(text)
        result = import_file(store, kind, path, imported_by="test")
        assert result.manifest.rejected == 0, kind
    return store


def test_a_window_counts_events_from_its_first_day_up_to_but_not_including_its_end(
    store: Store,
) -> None:
    counts = person_counts(store, ADA, dt.date(2026, 2, 1), dt.date(2026, 3, 1))
    # E2 (first minute of February) and E3; not E1 (a minute before) nor E4 (the end day).
    assert counts.ed_attendances == 2
    assert (counts.ambulance_incidents, counts.nhs111_calls, counts.admissions) == (1, 1, 2)


def test_bed_days_run_to_discharge_or_to_the_window_s_end_while_still_in(store: Store) -> None:
    counts = person_counts(store, ADA, dt.date(2026, 2, 1), dt.date(2026, 3, 1))
    # 14 to 17 February: 3 nights; 26 February, not yet discharged: 3 nights to 1 March.
    assert counts.bed_days == 6


def test_someone_with_no_activity_counts_nothing(store: Store) -> None:
    counts = person_counts(store, CY, dt.date(2026, 1, 1), dt.date(2027, 1, 1))
    assert counts.total_events == 0
    assert counts.bed_days == 0


def test_new_activity_is_what_started_after_each_person_s_own_day(store: Store) -> None:
    found = activity_since(
        store, {ADA: dt.date(2026, 2, 28), BEN: dt.date(2026, 3, 5), CY: dt.date(2020, 1, 1)}
    )
    # Ada: only E4 (1 March) is after 28 February. Ben: his 999 call on 5 March is on the day,
    # not after it. Cy has nothing at all.
    assert found[ADA].events == 1
    assert found[ADA].latest == dt.date(2026, 3, 1)
    assert BEN not in found
    assert CY not in found


def test_new_activity_on_an_empty_store_is_nothing(tmp_path: Path) -> None:
    assert activity_since(Store(tmp_path / "empty"), {ADA: dt.date(2020, 1, 1)}) == {}


def test_monthly_counts_count_each_kind_by_month_within_the_months_asked(store: Store) -> None:
    counts = monthly_counts(store, ADA, dt.date(2026, 2, 1), dt.date(2026, 3, 1))
    feb, mar = dt.date(2026, 2, 1), dt.date(2026, 3, 1)
    # E1 (31 January) is before the first month; E4 (1 March) is in the last one.
    assert counts == {
        "ed_attendances": {feb: 2, mar: 1},
        "ambulance_incidents": {feb: 1},
        "nhs111_calls": {feb: 1},
        "admissions": {feb: 2},
    }
    assert monthly_counts(store, BEN, feb, feb) == {}
    assert monthly_counts(store, CY, feb, mar) == {}


def test_monthly_counts_on_an_empty_store_is_none(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    assert monthly_counts(store, ADA, dt.date(2026, 1, 1), dt.date(2026, 12, 1)) is None
