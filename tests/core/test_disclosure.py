"""Small-number suppression at its boundaries."""

from __future__ import annotations

import pytest

from hiu import disclosure as d
from hiu.disclosure import SUPPRESSED, suppress


@pytest.mark.parametrize("count", [1, 2, 7])
def test_counts_from_one_to_seven_are_suppressed(count: int) -> None:
    assert suppress(count) == SUPPRESSED


@pytest.mark.parametrize("count", [0, 8, 1234])
def test_zero_and_counts_of_eight_or_more_are_shown(count: int) -> None:
    assert suppress(count) == count


def test_a_negative_count_is_a_bug() -> None:
    with pytest.raises(ValueError, match="negative"):
        suppress(-1)


# The published forms of every figure a commissioner sees ---------------------------------


@pytest.mark.parametrize(
    ("count", "text"), [(0, "0"), (1, "[c]"), (7, "[c]"), (8, "8"), (9, "9"), (1234, "1,234")]
)
def test_a_count_is_shown_exactly_from_eight(count: int, text: str) -> None:
    shown = d.count(count)
    assert shown.text == text
    assert shown.value == (None if text == "[c]" else count)


@pytest.mark.parametrize(
    ("count", "text"),
    [
        (0, "0"),
        (1, "[c]"),
        (7, "[c]"),
        (8, "10"),
        (10, "10"),
        (12, "10"),
        (13, "15"),
        (17, "15"),
        (18, "20"),
        (22, "20"),
        (23, "25"),
        (1002, "1,000"),
        (1003, "1,005"),
    ],
)
def test_a_total_is_suppressed_to_seven_then_rounded_to_the_nearest_five(
    count: int, text: str
) -> None:
    shown = d.total(count)
    assert shown.text == text
    if text != "[c]":
        assert shown.value == int(text.replace(",", ""))


@pytest.mark.parametrize(
    ("numerator", "denominator", "text"),
    [
        (0, 8, "0%"),
        (1, 20, "[c]"),
        (7, 20, "[c]"),
        (8, 20, "40%"),
        (8, 8, "100%"),
        (0, 7, "[c]"),
        (0, 0, "n/a"),
        (9, 11, "82%"),
        (1, 200, "[c]"),
        (10, 400, "3%"),
    ],
)
def test_a_share_is_suppressed_on_a_small_numerator_or_denominator(
    numerator: int, denominator: int, text: str
) -> None:
    assert d.share(numerator, denominator).text == text


def test_a_share_rounds_half_up_and_keeps_a_decimal_where_rounding_would_meet_its_target() -> None:
    assert d.share(1, 8).text == "[c]"
    assert d.share(25, 200).text == "13%"  # 12.5% rounds up, not to even
    assert d.share(19, 29, target=0.66).text == "65.5%"
    assert d.share(19, 29, target=0.66).value == pytest.approx(0.655)
    assert d.share(66, 100, target=0.66).text == "66%"
    assert d.share(20, 29, target=0.66).text == "69%"


def test_a_share_cannot_be_more_than_the_whole() -> None:
    with pytest.raises(ValueError, match="exceed"):
        d.share(9, 8)


@pytest.mark.parametrize(("size", "text"), [(0, "n/a"), (1, "[c]"), (7, "[c]"), (8, "2.5")])
def test_a_figure_about_a_group_is_shown_only_for_eight_or_more(size: int, text: str) -> None:
    assert d.number(2.5, size).text == text
    assert d.mean([2.5] * size).text == text
    assert d.median([2.5] * size).text == text


def test_a_minimum_or_maximum_is_one_person_s_value_and_needs_a_group_of_eight() -> None:
    assert d.extreme(41, 7).text == "[c]"
    assert d.extreme(41, 8).text == "41"
    assert d.median([1, 2, 3, 4, 5, 6, 7, 100]).text == "4.5"


@pytest.mark.parametrize(
    ("fraction", "people", "text"),
    [
        (-0.254, 8, "-25%"),
        (-0.254, 7, "[c]"),
        (0.125, 20, "+13%"),
        (None, 20, "n/a"),
        (float("nan"), 20, "n/a"),
    ],
)
def test_an_estimate_needs_eight_people_behind_it(
    fraction: float | None, people: int, text: str
) -> None:
    assert d.change(fraction, people).text == text


def test_money_is_whole_pounds_and_needs_eight_people() -> None:
    assert d.money(-12345.4, 60).text == "-£12,345"
    assert d.money(12345.5, 60).text == "£12,346"
    assert d.money(100, 3).text == "[c]"


def test_occasions_that_are_not_people_are_shown_as_they_are() -> None:
    assert d.occasions(3).text == "3"
    with pytest.raises(ValueError, match="negative"):
        d.occasions(-1)
