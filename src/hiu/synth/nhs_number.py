"""Synthetic NHS numbers that can never belong to a real patient.

An NHS number is ten digits: nine digits and a Modulus 11 check digit. Multiply the first nine
digits by the weights 10, 9, …, 2, add them up, and subtract the remainder on division by 11
from 11; a result of 11 becomes 0, and a result of 10 means the nine digits are not a valid
number at all (NHS Digital, "NHS number", Data Dictionary).

Numbers starting with 9 have never been issued to patients (the 999 range is NHS England's
published test range, and no 9xx number has been allocated), so every number made here starts
with 9. The nine leading digits run from 900,000,000 to 999,999,999: 100 million bases, of which
roughly one in eleven has no valid check digit.

Person ``i`` of a population gets the number built on pair ``p(i)`` of bases ``(2p, 2p + 1)``,
where ``p`` is a scrambling bijection of ``[0, 50,000,000)``. Within a block of ten consecutive
bases that differ only in their ninth digit (weight 2), the weighted sums take ten different
residues modulo 11, so at most one base in the block — and therefore at most one in the pair —
lacks a check digit. Taking the first valid base of each pair therefore gives every person a
valid number, different people different numbers, and room for 50 million people.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

#: Most people one population can hold: one per pair of 9-prefixed bases.
CAPACITY = 50_000_000

_FIRST_BASE = 900_000_000
_WEIGHTS = np.arange(10, 1, -1, dtype=np.int64)
# Odd and not a multiple of 5, so multiplying by it permutes the integers modulo 2**7 * 5**8.
_MULTIPLIER = 24_036_583

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


def check_digits(bases: IntArray) -> IntArray:
    """Modulus 11 check digit of each nine-digit base; 10 marks a base with no valid number."""
    digits = (bases[:, None] // 10 ** np.arange(8, -1, -1, dtype=np.int64)) % 10
    remainder = (digits * _WEIGHTS).sum(axis=1) % 11
    check = 11 - remainder
    return np.where(check == 11, 0, check).astype(np.int64)


def is_valid(numbers: IntArray) -> BoolArray:
    """Whether each ten-digit number passes the Modulus 11 check."""
    numbers = np.asarray(numbers, dtype=np.int64)
    in_range = (numbers >= 1_000_000_000) & (numbers <= 9_999_999_999)
    bases = numbers // 10
    check = check_digits(bases)
    valid: BoolArray = in_range & (check != 10) & (check == numbers % 10)
    return valid


def synthetic_nhs_numbers(person_index: IntArray, offset: int) -> IntArray:
    """The NHS number of each person, by index within the population.

    ``offset`` (any integer, usually drawn from the seed) shifts the scrambling so that two
    populations made with different seeds do not share a numbering.
    """
    index = np.asarray(person_index, dtype=np.int64)
    if index.size and (index.min() < 0 or index.max() >= CAPACITY):
        raise ValueError(f"person index must lie in [0, {CAPACITY})")
    pair = (index * _MULTIPLIER + offset) % CAPACITY
    first = _FIRST_BASE + 2 * pair
    check_first = check_digits(first)
    use_second = check_first == 10
    base = np.where(use_second, first + 1, first)
    check = np.where(use_second, check_digits(first + 1), check_first)
    return base * 10 + check
