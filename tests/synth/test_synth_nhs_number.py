"""Synthetic NHS numbers: valid, unique, and from a range never issued to patients."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from hiu.synth.nhs_number import CAPACITY, check_digits, is_valid, synthetic_nhs_numbers

indices = st.lists(st.integers(0, CAPACITY - 1), min_size=1, max_size=200, unique=True)


def test_published_example_numbers_pass_the_modulus_11_check() -> None:
    # 943 476 5919 and 401 023 2137 are the examples NHS guidance uses.
    assert is_valid(np.array([9434765919, 4010232137])).all()


def test_a_base_whose_check_digit_would_be_ten_has_no_valid_number() -> None:
    # A base whose weighted digit sum leaves remainder 1 on division by 11 would need 10.
    bases = np.arange(900_000_000, 900_000_100, dtype=np.int64)
    ten = bases[check_digits(bases) == 10]
    assert ten.size > 0
    assert not is_valid(ten * 10 + 0).any()


def test_a_number_with_the_wrong_check_digit_is_invalid() -> None:
    assert not is_valid(np.array([9434765918, 4010232138])).any()


@given(indices)
def test_every_synthetic_number_is_valid_ten_digits_and_starts_with_9(index: list[int]) -> None:
    numbers = synthetic_nhs_numbers(np.array(index, dtype=np.int64), offset=12345)
    assert is_valid(numbers).all()
    assert ((numbers >= 9_000_000_000) & (numbers <= 9_999_999_999)).all()


@given(indices, st.integers(0, CAPACITY))
def test_different_people_get_different_numbers(index: list[int], offset: int) -> None:
    numbers = synthetic_nhs_numbers(np.array(index, dtype=np.int64), offset)
    assert np.unique(numbers).size == len(index)


@given(indices, st.integers(0, 9), st.integers(1, 9))
def test_changing_any_one_digit_makes_a_number_invalid(
    index: list[int], position: int, change: int
) -> None:
    numbers = synthetic_nhs_numbers(np.array(index, dtype=np.int64), offset=7)
    place = 10 ** (9 - position)
    digit = (numbers // place) % 10
    altered = numbers + (((digit + change) % 10) - digit) * place
    # Modulus 11 catches every single-digit error (the first digit may become 0: too short).
    assert not is_valid(altered).any()


def test_a_whole_population_of_numbers_fits_without_collisions() -> None:
    numbers = synthetic_nhs_numbers(np.arange(0, CAPACITY, 997, dtype=np.int64), offset=99)
    assert np.unique(numbers).size == numbers.size
    assert is_valid(numbers).all()
