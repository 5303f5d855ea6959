"""PHQ-9 (Kroenke et al. 2001) and GAD-7 (Spitzer et al. 2006) totals, bands and missing items.

Bands: PHQ-9 0-4, 5-9, 10-14, 15-19, 20-27 (Kroenke 2001, table 3); GAD-7 0-4, 5-9, 10-14, 15-21
(Spitzer 2006). Neither has reversed items. Cut-offs: PHQ-9 10; GAD-7 8 (the NHS Talking
Therapies caseness threshold; Spitzer's screening cut-off is 10).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hiu.outcomes import INSTRUMENTS

PHQ9 = INSTRUMENTS["phq9"]
GAD7 = INSTRUMENTS["gad7"]


def with_total(n_items: int, total: int) -> dict[int, int | None]:
    values = []
    for _ in range(n_items):
        values.append(min(3, total))
        total -= values[-1]
    assert total == 0
    return dict(enumerate(values, start=1))


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "None to minimal"),
        (4, "None to minimal"),
        (5, "Mild"),
        (9, "Mild"),
        (10, "Moderate"),
        (14, "Moderate"),
        (15, "Moderately severe"),
        (19, "Moderately severe"),
        (20, "Severe"),
        (27, "Severe"),
    ],
)
def test_phq9_band_boundaries(total: int, band: str) -> None:
    score = PHQ9.score(with_total(9, total))
    assert score.total == total
    assert score.band == band


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "Minimal"),
        (4, "Minimal"),
        (5, "Mild"),
        (9, "Mild"),
        (10, "Moderate"),
        (14, "Moderate"),
        (15, "Severe"),
        (21, "Severe"),
    ],
)
def test_gad7_band_boundaries(total: int, band: str) -> None:
    score = GAD7.score(with_total(7, total))
    assert score.total == total
    assert score.band == band


def test_no_phq_item_is_reversed() -> None:
    assert not any(item.reverse for item in (*PHQ9.items, *GAD7.items))
    # Each answer counts at face value: "Nearly every day" (3) on item 9 alone scores 3.
    assert PHQ9.score({n: (3 if n == 9 else 0) for n in range(1, 10)}).total == 3


def test_phq9_prorates_up_to_two_missing_items_to_a_whole_number() -> None:
    # Seven answered items summing 11: 11 / 7 x 9 = 14.14 -> 14 (Moderate).
    answers: dict[int, int | None] = {1: 3, 2: 2, 3: 2, 4: 1, 5: 1, 6: 1, 7: 1, 8: None, 9: None}
    score = PHQ9.score(answers)
    assert score.prorated
    assert score.raw_total == 11
    assert score.total == 14
    assert score.band == "Moderate"
    # Eight answered summing 9: 9 / 8 x 9 = 10.125 -> 10.
    answers = {1: 2, 2: 2, 3: 1, 4: 1, 5: 1, 6: 1, 7: 1, 8: 0, 9: None}
    assert PHQ9.score(answers).total == 10


def test_phq9_rounds_a_prorated_half_up() -> None:
    # Eight answered summing 4: 4 / 8 x 9 = 4.5 -> 5 (Mild), not 4 (banker's rounding).
    answers: dict[int, int | None] = {1: 1, 2: 1, 3: 1, 4: 1, 5: 0, 6: 0, 7: 0, 8: 0, 9: None}
    score = PHQ9.score(answers)
    assert score.total == 5
    assert score.band == "Mild"


def test_phq9_with_three_missing_is_not_scored() -> None:
    score = PHQ9.score({1: 3, 2: 3, 3: 3, 4: 3, 5: 3, 6: 3})
    assert not score.scored
    assert score.missing == 3
    assert "3 of 9" in score.reason


def test_gad7_prorates_one_missing_item_and_not_two() -> None:
    # Six answered summing 10: 10 / 6 x 7 = 11.67 -> 12.
    one_missing: dict[int, int | None] = {1: 2, 2: 2, 3: 2, 4: 2, 5: 1, 6: 1, 7: None}
    score = GAD7.score(one_missing)
    assert score.prorated
    assert score.total == 12
    two_missing = {**one_missing, 6: None}
    assert not GAD7.score(two_missing).scored


def test_cut_offs() -> None:
    assert PHQ9.clinical_cutoff == 10
    assert PHQ9.in_clinical_range(10)
    assert not PHQ9.in_clinical_range(9)
    assert GAD7.clinical_cutoff == 8
    assert GAD7.in_clinical_range(8)
    assert not GAD7.in_clinical_range(7)


def test_reliable_change_figures() -> None:
    assert PHQ9.reliable_change == 6
    assert GAD7.reliable_change == 4


@given(st.lists(st.integers(0, 3), min_size=9, max_size=9))
def test_phq9_total_is_within_range(values: list[int]) -> None:
    total = PHQ9.score(dict(enumerate(values, start=1))).total
    assert total is not None
    assert 0 <= total <= 27
