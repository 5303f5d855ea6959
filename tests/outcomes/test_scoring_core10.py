"""CORE-10 scored as Barkham et al. (2013) and the CORE System Trust say.

Rules quoted in ``hiu.outcomes.core10``: items 0-4; items 2 ("someone to turn to") and 3 ("able
to cope") are positively worded and reversed; total = clinical score 0-40; one missing item is
prorated (mean x 10), more are not scored (CORE System Trust, "What's in a name (1): scoring
CORE measures": "a pro-rated score for ... the CORE-10 if one item was missing").
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hiu.outcomes import INSTRUMENTS

CORE10 = INSTRUMENTS["core10"]


def form(*values: int | None) -> dict[int, int | None]:
    return dict(enumerate(values, start=1))


def test_items_two_and_three_are_the_reversed_ones() -> None:
    assert [i.number for i in CORE10.items if i.reverse] == [2, 3]


def test_reversed_items_count_the_other_way() -> None:
    """Everyone answering "Not at all" (0): the two positive items score 4 each, total 8.

    Fails if items 2 and 3 were not reversed (total 0) or the wrong items were (total 8 only
    by accident of choosing two items, so check the "Most or all of the time" form too).
    """
    assert CORE10.score(form(*[0] * 10)).total == 8
    # "Most or all of the time" (4) throughout: 8 negative items x 4, the positive two x 0.
    assert CORE10.score(form(*[4] * 10)).total == 32
    # Someone who always has support and copes (items 2, 3 = 4) and no distress otherwise.
    assert CORE10.score(form(0, 4, 4, 0, 0, 0, 0, 0, 0, 0)).total == 0


def test_a_complete_form_totals_its_item_scores() -> None:
    """Worked example (constructed from the manual's rule): answers 1,3,2,2,1,0,3,2,2,1.

    Items 2 and 3 reversed: 4-3=1 and 4-2=2; total 1+1+2+2+1+0+3+2+2+1 = 15 -> Moderate.
    """
    score = CORE10.score(form(1, 3, 2, 2, 1, 0, 3, 2, 2, 1))
    assert score.total == 15
    assert score.raw_total == 15
    assert score.band == "Moderate"
    assert not score.prorated
    assert score.answered == 10
    assert score.missing == 0


def test_one_missing_item_is_prorated_to_one_decimal_place() -> None:
    """Nine answered items scoring 1+1+2+2+1+0+3+2+2 = 14: clinical score 14/9 x 10 = 15.6."""
    score = CORE10.score(form(1, 3, 2, 2, 1, 0, 3, 2, 2, None))
    assert score.prorated
    assert score.raw_total == 14
    assert score.total == 15.6
    assert score.missing == 1
    assert score.band == "Moderate"


def test_two_missing_items_are_not_scored() -> None:
    score = CORE10.score(form(1, 3, 2, 2, 1, 0, 3, 2, None, None))
    assert score.total is None
    assert not score.scored
    assert "2 of 10" in score.reason


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "Healthy"),
        (5, "Healthy"),
        (6, "Low"),
        (10, "Low"),
        (11, "Mild"),
        (14, "Mild"),
        (15, "Moderate"),
        (19, "Moderate"),
        (20, "Moderate to severe"),
        (24, "Moderate to severe"),
        (25, "Severe"),
        (40, "Severe"),
    ],
)
def test_band_boundaries(total: int, band: str) -> None:
    # Build a form with this total from the negatively worded items, positives at "all the time".
    values = [0] * 10
    values[1] = values[2] = 4  # items 2 and 3 reversed: score 0
    remaining = total
    for index in [0, 3, 4, 5, 6, 7, 8, 9]:
        values[index] = min(4, remaining)
        remaining -= values[index]
    if remaining:  # totals above 32 need the positive items too
        values[1] = 4 - min(4, remaining)
        remaining -= 4 - values[1]
        values[2] = 4 - remaining
    score = CORE10.score(form(*values))
    assert score.total == total
    assert score.band == band


def test_clinical_cut_off_is_eleven() -> None:
    assert CORE10.clinical_cutoff == 11
    assert CORE10.in_clinical_range(11) is True
    assert CORE10.in_clinical_range(10.9) is False


@given(st.lists(st.integers(0, 4), min_size=10, max_size=10))
def test_total_is_always_within_0_and_40(values: list[int]) -> None:
    total = CORE10.score(form(*values)).total
    assert total is not None
    assert 0 <= total <= 40


@given(st.lists(st.integers(0, 4), min_size=9, max_size=9), st.integers(0, 9))
def test_prorating_equals_the_full_score_when_the_missing_answer_is_the_mean(
    values: list[int], position: int
) -> None:
    """If the missing item would have scored exactly the mean of the others, nothing changes."""
    answers = form(*values[:position], None, *values[position:])
    prorated = CORE10.score(answers)
    scored = [CORE10.item(n).scored_value(v) for n, v in answers.items() if v is not None]
    mean = sum(scored) / 9
    if mean != int(mean):
        return  # only a whole-number mean can be a real answer
    item = CORE10.item(position + 1)
    full = dict(answers)
    full[position + 1] = item.scored_value(int(mean))  # the answer that scores the mean
    assert prorated.total == CORE10.score(full).total
