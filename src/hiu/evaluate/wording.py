"""How the evaluation's numbers and names read on a page, in one place.

The HTML report (``hiu.evaluate.report``) and the web app's evaluation page both show numbers
through these functions, so a relative change reads the same everywhere:
``-20% (95% CI -31% to -8%)``. A number the engine could not estimate is ``null`` in
``evaluation.json`` (never NaN) and reads "not estimable".
"""

from __future__ import annotations

import math
from typing import Any

MINUS = "\u2212"  # a true minus sign, which screen readers say as "minus"
NOT_ESTIMABLE = "not estimable"

#: Activity keys of ``evaluation.json`` (``run.activities``) as people say them.
ACTIVITY_LABELS: dict[str, str] = {
    "ed_attendances": "A&E attendances",
    "ambulance_incidents": "Ambulance incidents",
    "nhs111_calls": "NHS 111 calls",
    "admissions": "Emergency admissions",
    "bed_days": "Bed days",
}

#: The same, inside a sentence.
ACTIVITY_WORDS: dict[str, str] = {
    "ed_attendances": "A&E attendances",
    "ambulance_incidents": "ambulance incidents",
    "nhs111_calls": "NHS 111 calls",
    "admissions": "emergency admissions",
    "bed_days": "bed days",
}

#: The matching variables of hiu.evaluate.matching, as people say them.
VARIABLE_LABELS: dict[str, str] = {
    "sex": "sex",
    "female": "female (share)",
    "age": "age",
    "age_band": "10-year age band",
    "imd_decile": "IMD decile",
    "imd_quintile": "IMD quintile",
    "ed_period": "A&E attendances in the list's period",
    "ed_earlier_1": "A&E attendances, the period before",
    "ed_earlier_2": "A&E attendances, two periods before",
    "ed_earlier_3": "A&E attendances, three periods before",
    "ed_long_before": "A&E attendances, the two years before those periods",
    "ambulance_year": "ambulance incidents, prior year",
    "nhs111_year": "NHS 111 calls, prior year",
    "admissions_year": "emergency admissions, prior year",
    "ed_wait": "A&E attendances between the list and engagement",
    "other_wait": "ambulance, NHS 111 and admissions between the list and engagement",
    "ed_recent": "A&E attendances, 28 days before engagement",
    "other_recent": "ambulance, NHS 111 and admissions, 28 days before engagement",
    "ed_last_week": "A&E attendances, 7 days before engagement",
    "all_fortnight": "all activity, 14 days before engagement",
    "all_month_before": "all activity, 29 to 56 days before engagement",
    "quiet_days": "days since the last contact of any kind before engagement (up to 365)",
}

#: The three estimates DESIGN §7 asks for, side by side, in the order the report shows them.
METHODS: tuple[str, ...] = ("naive", "not_engaged", "matched")
METHOD_LABELS: dict[str, str] = {
    "naive": "Before and after (naive)",
    "not_engaged": "Against people identified but not engaged",
    "matched": "Against a matched comparison group",
}
METHOD_SHORT: dict[str, str] = {
    "naive": "Naive before and after",
    "not_engaged": "Not-engaged comparison",
    "matched": "Matched comparison",
}


def activity_label(key: str) -> str:
    return ACTIVITY_LABELS.get(key, key.replace("_", " ").capitalize())


def activity_words(key: str) -> str:
    return ACTIVITY_WORDS.get(key, key.replace("_", " "))


def variable_label(key: str) -> str:
    """A matching variable's name in words, with its first letter capitalised."""
    text = VARIABLE_LABELS.get(key, key)
    return text[:1].upper() + text[1:]


def variable_words(key: str) -> str:
    return VARIABLE_LABELS.get(key, key)


def _number(value: Any) -> float | None:
    """A finite number, or None for null (and, defensively, for NaN or a non-number)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def number(value: Any) -> float | None:
    """A finite number, or None: what the page can show as a number."""
    return _number(value)


def _signed(text: str, negative: bool) -> str:
    return f"{MINUS}{text}" if negative else text


def percent_change(value: Any) -> str:
    """A relative change as a whole percentage with its sign: -0.2 reads ``-20%`` (true minus)."""
    number = _number(value)
    if number is None:
        return NOT_ESTIMABLE
    whole = round(number * 100)
    if whole == 0:
        return "0%"
    return f"+{whole}%" if whole > 0 else f"{MINUS}{-whole}%"


def estimate(result: Any) -> str:
    """An estimate with its interval: ``-20% (95% CI -31% to -8%)``."""
    if not isinstance(result, dict) or _number(result.get("estimate")) is None:
        return NOT_ESTIMABLE
    text = percent_change(result["estimate"])
    low, high = _number(result.get("ci_low")), _number(result.get("ci_high"))
    if low is None or high is None:
        return f"{text} (no interval)"
    return f"{text} (95% CI {percent_change(low)} to {percent_change(high)})"


def change_words(value: Any) -> str:
    """``40% lower``, ``12% higher``, ``no different``: a change as a sentence says it."""
    number = _number(value)
    if number is None:
        return NOT_ESTIMABLE
    whole = round(number * 100)
    if whole == 0:
        return "no different"
    return f"{abs(whole)}% {'lower' if whole < 0 else 'higher'}"


def interval_includes_no_change(result: Any) -> bool:
    if not isinstance(result, dict):
        return False
    low, high = _number(result.get("ci_low")), _number(result.get("ci_high"))
    return low is not None and high is not None and low <= 0 <= high


def decimal(value: Any, places: int = 2) -> str:
    """A number with thousands separators and a true minus sign; null reads "not estimable"."""
    number = _number(value)
    if number is None:
        return NOT_ESTIMABLE
    text = f"{abs(number):,.{places}f}"
    return _signed(text, number < 0 and float(text.replace(",", "")) != 0)


def rate(value: Any) -> str:
    """Events per person-year: two decimals below 10, one below 100, none above."""
    number = _number(value)
    if number is None:
        return NOT_ESTIMABLE
    places = 2 if abs(number) < 10 else 1 if abs(number) < 100 else 0
    return decimal(number, places)


def count(value: Any) -> str:
    number = _number(value)
    if number is None:
        return NOT_ESTIMABLE
    return decimal(round(number), 0)


def money(value: Any) -> str:
    """Pounds to the nearest pound: ``£1,234``, ``-£560``."""
    number = _number(value)
    if number is None:
        return NOT_ESTIMABLE
    pounds = round(number)
    return _signed(f"£{abs(pounds):,}", pounds < 0)


def unit_money(value: Any) -> str:
    """A unit cost in pounds and pence: ``£418.00``."""
    number = _number(value)
    if number is None:
        return NOT_ESTIMABLE
    return _signed(f"£{abs(number):,.2f}", number < 0 and round(abs(number), 2) != 0)


def proportion(value: Any) -> str:
    """A proportion as a percentage with one decimal: 0.183 reads ``18.3%``."""
    number = _number(value)
    if number is None:
        return NOT_ESTIMABLE
    return f"{decimal(number * 100, 1)}%"


def window_label(window: Any) -> str:
    return f"{window} months"


# hiu-evaluation/2: diagnostics, sensitivity and clients -----------------------------------------

#: What the matched estimate assumes, said next to it wherever it is shown.
MATCHED_ASSUMPTION = (
    "The matched comparison adjusts only for what the data hold (activity before engagement, "
    "age, sex, deprivation); if engagement depends on something no data hold (motivation, a "
    "crisis not seen in hospital data), the estimate can still be biased. It also assumes that "
    "people in the comparison group who engaged with the service later were helped by it as "
    "much as the clients were: their use after their own engagement is scaled back by the "
    "estimated effect before it is compared."
)

#: The diagnostics warnings that can make the matched estimate unfit to rely on, as a reason
#: reads. Which did is in ``diagnostics.failing``; results written before that was recorded
#: failed on both (:data:`LEGACY_FAILING`).
DIAGNOSTIC_FAILURES: dict[str, str] = {
    "imbalance": "imbalance after matching",
    "relaxed_matching": "too many clients matched only after relaxing an exact match",
}
LEGACY_FAILING: tuple[str, ...] = ("imbalance", "relaxed_matching")

#: Where a client's identification date came from (``clients[].identified_from``).
IDENTIFIED_FROM: dict[str, str] = {
    "cohort file": "Cohort file",
    "lists": "Found on the lists",
    "assumed": "Assumed (the last list date)",
}


def diagnostic_failures(codes: Any, failing: Any = None) -> list[str]:
    """The failing checks among warning ``codes``, in words, each once, in a fixed order.
    ``failing``: the codes the evaluation recorded as failing (``diagnostics.failing``); when
    it is not a list (a result written before it was recorded), :data:`LEGACY_FAILING`."""
    present = {str(code) for code in codes or []}
    failed = {str(code) for code in failing} if isinstance(failing, list) else set(LEGACY_FAILING)
    return [words for code, words in DIAGNOSTIC_FAILURES.items() if code in present & failed]


def cohort_rows(rows: Any) -> str:
    """Cohort rows as a reader finds them in the file: ``cohort rows 3, 17, 42``; three or more
    in a row read as a range, ``cohort rows 1 to 4, 9``. Only whole numbers are shown (rows,
    never anything read from a row)."""
    numbers = sorted(
        {int(row) for row in rows or [] if isinstance(row, int) and not isinstance(row, bool)}
    )
    if not numbers:
        return ""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    parts: list[str] = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{run[0]} to {run[-1]}")
        else:
            parts.extend(str(n) for n in run)
    word = "row" if len(numbers) == 1 else "rows"
    return f"cohort {word} " + ", ".join(parts)


def yes_no(value: Any) -> str:
    if value is None:
        return "not known"
    return "Yes" if value else "No"


def e_value(value: Any) -> str:
    """An E-value to two decimals (a rate ratio): ``3.41``; null reads "not estimable"."""
    number = _number(value)
    return NOT_ESTIMABLE if number is None else f"{number:.2f}"


def limit(value: Any) -> str:
    """A limit such as 0.1 or 0.9 as written: ``0.1``."""
    number = _number(value)
    return NOT_ESTIMABLE if number is None else f"{number:g}"


def e_value_sentence(value: Any, window: Any) -> str:
    """What an E-value means, in one sentence, with the number where there is one."""
    number = _number(value)
    if number is None:
        return (
            "An E-value is the rate ratio by which an unmeasured confounder would need to be "
            "associated with both engagement and A&E use, beyond what was matched on, to explain "
            "the estimate away."
        )
    return (
        f"At {window} months, an unmeasured confounder would need to be associated with both "
        f"engagement and A&E use by a rate ratio of at least {e_value(number)} each, beyond what "
        "was matched on, to explain the estimate away."
    )
