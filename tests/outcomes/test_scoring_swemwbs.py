"""SWEMWBS: raw sum 7-35 converted with Warwick Medical School's Rasch conversion table.

The transcription below is kept here on purpose, separately from ``hiu.outcomes.swemwbs``: a typo
in either place fails ``test_the_whole_conversion_table``. Source: Warwick Medical School,
"Guidance on scoring" / SWEMWBS conversion table
(https://warwick.ac.uk/fac/med/research/platform/wemwbs/researchers/guidance/).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hiu.outcomes import INSTRUMENTS
from hiu.outcomes.swemwbs import CONVERSION

SWEMWBS = INSTRUMENTS["swemwbs"]

# raw: metric, as printed in the Warwick table
TABLE = """
7 7.00   8 9.51   9 11.25  10 12.40  11 13.33  12 14.08  13 14.75  14 15.32  15 15.84
16 16.36 17 16.88 18 17.43  19 17.98  20 18.59  21 19.25  22 19.98  23 20.73  24 21.54
25 22.35 26 23.21 27 24.11  28 25.03  29 26.02  30 27.03  31 28.13  32 29.31  33 30.70
34 32.55 35 35.00
"""


def transcription() -> dict[int, float]:
    tokens = TABLE.split()
    return {int(tokens[i]): float(tokens[i + 1]) for i in range(0, len(tokens), 2)}


def with_raw(raw: int) -> dict[int, int | None]:
    values = [1] * 7
    extra = raw - 7
    for i in range(7):
        step = min(4, extra)
        values[i] += step
        extra -= step
    return dict(enumerate(values, start=1))


def test_the_whole_conversion_table() -> None:
    expected = transcription()
    assert sorted(expected) == list(range(7, 36))
    assert dict(CONVERSION) == expected


@pytest.mark.parametrize("raw", range(7, 36))
def test_every_raw_sum_scores_its_metric_value(raw: int) -> None:
    score = SWEMWBS.score(with_raw(raw))
    assert score.raw_total == raw
    assert score.total == transcription()[raw]


def test_the_metric_score_rises_with_the_raw_score() -> None:
    values = [CONVERSION[raw] for raw in range(7, 36)]
    assert values == sorted(values)
    assert len(set(values)) == len(values)


def test_a_missing_statement_means_no_score() -> None:
    answers = with_raw(30)
    answers[4] = None
    score = SWEMWBS.score(answers)
    assert not score.scored
    assert score.missing == 1
    assert "all seven" in score.reason


@pytest.mark.parametrize(
    ("raw", "band"),
    [
        (7, "Probable depression range"),
        (19, "Probable depression range"),  # 17.98, below 18
        (20, "Possible depression range"),  # 18.59
        (23, "Possible depression range"),  # 20.73
        (24, "Average wellbeing"),  # 21.54
        (30, "Average wellbeing"),  # 27.03
        (31, "High wellbeing"),  # 28.13
        (35, "High wellbeing"),
    ],
)
def test_band_boundaries_on_the_metric_score(raw: int, band: str) -> None:
    assert SWEMWBS.score(with_raw(raw)).band == band


def test_item_text_is_not_reproduced_and_no_item_is_reversed() -> None:
    assert all("licensed copy" in item.text for item in SWEMWBS.items)
    assert not any(item.reverse for item in SWEMWBS.items)


@given(st.lists(st.integers(1, 5), min_size=7, max_size=7))
def test_metric_score_is_within_7_and_35(values: list[int]) -> None:
    score = SWEMWBS.score(dict(enumerate(values, start=1)))
    assert score.total is not None
    assert 7 <= score.total <= 35
    assert score.raw_total == sum(values)
