"""Small-number suppression for every figure a commissioner sees.

A count from 1 to 7 could identify a person when combined with other knowledge, so it is never
shown: it becomes ``SUPPRESSED``. Zero is shown (an empty category identifies no one). This is
the one place the rule lives; the reporting issue extends it with rounding of totals.
"""

from __future__ import annotations

SMALLEST_SHOWN = 8
SUPPRESSED = "[c]"  # the ONS convention: "confidential", explained in every report's notes


def suppress(count: int) -> int | str:
    if count < 0:
        raise ValueError("A count cannot be negative.")
    if 0 < count < SMALLEST_SHOWN:
        return SUPPRESSED
    return count
