"""Small-number suppression at its boundaries."""

from __future__ import annotations

import pytest

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
