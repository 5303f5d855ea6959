"""ReQoL-10, the 3-item UCLA loneliness scale and ONS4.

ReQoL-10 (Keetharuth et al. 2018; ReQoL user manual): items 0-4, negatively worded items
reversed so that higher is better, total 0-40, no score with a missing item (see the module's
docstring for what is verified). UCLA-3 (Hughes et al. 2004; ONS 2018 guidance): items 1-3,
total 3-9, no score with a missing item; ONS reports 3-5 and 6-9. ONS4 (ONS personal well-being
thresholds): low 0-4, medium 5-6, high 7-8, very high 9-10; anxiety very low 0-1, low 2-3, medium
4-5, high 6-10.
"""

from __future__ import annotations

import pytest

from hiu.outcomes import INSTRUMENTS

REQOL = INSTRUMENTS["reqol10"]
UCLA = INSTRUMENTS["ucla3"]
ONS4 = INSTRUMENTS["ons4"]


def test_reqol_negative_items_are_reversed_so_higher_is_better() -> None:
    """ "None of the time" (0) on everything: the four negative items score 4 each, total 16.

    Would be 0 if the negatively worded items were not reversed, and 24 if the positive ones
    were reversed instead.
    """
    assert [i.number for i in REQOL.items if i.reverse] == [1, 3, 6, 9]
    assert REQOL.score({n: 0 for n in range(1, 11)}).total == 16
    assert REQOL.score({n: 4 for n in range(1, 11)}).total == 24
    best = {n: (0 if REQOL.item(n).reverse else 4) for n in range(1, 11)}
    assert REQOL.score(best).total == 40
    assert REQOL.higher_is_better


def test_reqol_is_not_scored_with_a_missing_item() -> None:
    score = REQOL.score({n: 2 for n in range(1, 10)})
    assert not score.scored
    assert score.missing == 1


@pytest.mark.parametrize(("total", "clinical"), [(24, True), (25, False), (0, True), (40, False)])
def test_reqol_cut_off_is_24_and_at_or_below_is_clinical(total: int, clinical: bool) -> None:
    assert REQOL.in_clinical_range(total) is clinical


def test_reqol_item_text_is_not_reproduced() -> None:
    assert all("licensed copy" in item.text for item in REQOL.items)


@pytest.mark.parametrize(
    ("answers", "total", "band"),
    [
        ((1, 1, 1), 3, "Less lonely (3 to 5)"),
        ((2, 2, 1), 5, "Less lonely (3 to 5)"),
        ((2, 2, 2), 6, "More lonely (6 to 9)"),
        ((3, 3, 3), 9, "More lonely (6 to 9)"),
    ],
)
def test_ucla_totals_and_the_ons_split(answers: tuple[int, ...], total: int, band: str) -> None:
    score = UCLA.score(dict(enumerate(answers, start=1)))
    assert score.total == total
    assert score.band == band


def test_ucla_is_not_scored_with_a_missing_item_and_rejects_zero() -> None:
    assert not UCLA.score({1: 3, 2: 3}).scored
    with pytest.raises(ValueError, match="item 2"):
        UCLA.score({1: 1, 2: 0, 3: 1})


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (0, "Low"),
        (4, "Low"),
        (5, "Medium"),
        (6, "Medium"),
        (7, "High"),
        (8, "High"),
        (9, "Very high"),
        (10, "Very high"),
    ],
)
def test_ons4_positive_thresholds(value: int, band: str) -> None:
    score = ONS4.score({1: value, 2: value, 3: value, 4: 0})
    assert score.part_bands["satisfied"] == band
    assert score.part_bands["worthwhile"] == band
    assert score.part_bands["happy"] == band


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (0, "Very low"),
        (1, "Very low"),
        (2, "Low"),
        (3, "Low"),
        (4, "Medium"),
        (5, "Medium"),
        (6, "High"),
        (10, "High"),
    ],
)
def test_ons4_anxiety_thresholds(value: int, band: str) -> None:
    assert ONS4.score({4: value}).part_bands["anxious"] == band


def test_ons4_has_no_total_and_keeps_each_answer() -> None:
    score = ONS4.score({1: 7, 2: 8, 3: 6, 4: None})
    assert score.total is None
    assert score.band is None
    assert score.scored
    assert dict(score.parts) == {"satisfied": 7, "worthwhile": 8, "happy": 6, "anxious": None}
    assert score.part_bands["anxious"] is None
    assert score.answered == 3
    assert score.missing == 1
    assert [i.key for i in ONS4.items] == ["satisfied", "worthwhile", "happy", "anxious"]
