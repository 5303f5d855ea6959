"""The shapes every outcome instrument shares: options, items, instruments and scores.

The contract with the web forms is ``/work/briefs/outcomes_api.md`` (issue 6); DESIGN §8 asks for
each measure to be scored exactly as its manual says, so each instrument's module holds its own
scoring rule and cites its manual, and this module holds only what they have in common:
checking answers, looking up bands and building a ``Score``.

Answers are keyed by item number and hold the *option value as printed in ``Item.options``*, which
is always the position of the chosen response on the form (for CORE-10 "Not at all" is 0 on every
item). Items marked ``reverse`` are scored as ``lowest + highest - value`` by the instrument's
scorer, so a form never has to know which items are reversed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

Answers = Mapping[int, int | None]


@dataclass(frozen=True)
class Option:
    """One response a person can choose: the value recorded and the words shown."""

    value: int
    label: str


@dataclass(frozen=True)
class Item:
    """One question. ``reverse`` items are scored the other way round (see module docstring)."""

    number: int
    text: str
    options: tuple[Option, ...]
    reverse: bool = False
    # Short name for the parts of a multi-part instrument (ONS4: "satisfied", "worthwhile",
    # "happy", "anxious"); "" otherwise.
    key: str = ""

    @property
    def values(self) -> frozenset[int]:
        return frozenset(option.value for option in self.options)

    @property
    def lowest(self) -> int:
        return min(self.values)

    @property
    def highest(self) -> int:
        return max(self.values)

    def scored_value(self, value: int) -> int:
        """The value that counts towards the total, after reversing if the item is reversed."""
        return self.lowest + self.highest - value if self.reverse else value


@dataclass(frozen=True)
class Band:
    """A named range of totals, both ends included (``upper`` None means no upper end).

    Totals are looked up by the band's lower end: a total belongs to the last band whose
    ``lower`` it reaches. That is the same as the manuals' integer ranges for whole totals and
    gives a prorated total such as 9.5 the band that its rounded-down value would not skip.
    """

    lower: float
    upper: float | None
    label: str


def band_for(bands: tuple[Band, ...], total: float) -> str | None:
    """The label of the band ``total`` falls in, or None if it is below the lowest band."""
    found: str | None = None
    for band in bands:
        if total >= band.lower:
            found = band.label
    return found


@dataclass(frozen=True)
class Score:
    """The result of scoring one completed (or part-completed) questionnaire."""

    instrument: str
    total: float | None  # None when too many items are missing to score
    band: str | None  # e.g. "Moderate", "Mild"; None when not scored
    answered: int
    missing: int
    prorated: bool
    raw_total: float | None  # before conversion or prorating (e.g. the SWEMWBS raw sum)
    parts: Mapping[str, float | None] = field(default_factory=lambda: MappingProxyType({}))
    part_bands: Mapping[str, str | None] = field(default_factory=lambda: MappingProxyType({}))
    reason: str = ""  # why it was not scored, in plain English; "" when scored

    @property
    def scored(self) -> bool:
        return self.total is not None or any(v is not None for v in self.parts.values())


Scorer = Callable[["Instrument", Answers], Score]


@dataclass(frozen=True)
class RiskItem:
    """An item whose answer tells the service the person may be at risk of harming themselves.

    An answer above ``above`` raises an alarm (``hiu.outcomes.risk``); ``staff_text`` is what
    staff are told, in words they can act on, without the item's copyrighted wording.
    """

    number: int
    above: int
    staff_text: str


@dataclass(frozen=True)
class Instrument:
    """A questionnaire, its items, what its scores mean and how to score it."""

    code: str  # "core10", "gad7", "phq9", "reqol10", "ucla3", "swemwbs", "ons4"
    name: str  # "CORE-10", "GAD-7", ...
    title: str  # full title
    instructions: str  # the stem shown above the items
    items: tuple[Item, ...]
    higher_is_better: bool
    score_range: tuple[float, float]
    reliable_change: float | None  # points of change that count as reliable (source cited)
    clinical_cutoff: float | None  # see ``in_clinical_range`` for which side counts
    manual: str  # citation of the scoring manual (author, year, title, URL)
    licence: str  # who holds the copyright and the terms of use
    scorer: Scorer = field(repr=False, compare=False, kw_only=True)
    bands: tuple[Band, ...] = field(default=(), kw_only=True)
    # Where the reliable change and cut-off figures come from, for the docs and the UI.
    change_source: str = field(default="", kw_only=True)
    # The items that must raise an alarm when answered above their threshold (PHQ-9 item 9,
    # CORE-10 item 6); empty for instruments with no risk item (hiu.outcomes.risk).
    risk_items: tuple[RiskItem, ...] = field(default=(), kw_only=True)

    def score(self, answers: Answers) -> Score:
        """Score ``answers`` (keyed by item number; None or absent means missing).

        Raises ValueError, naming the item, for an answer that is not one of the item's options
        or for an item number the instrument does not have. Missing items never raise: the
        ``Score`` says whether there were enough answers to score.
        """
        check_answers(self, answers)
        return self.scorer(self, answers)

    def item(self, number: int) -> Item:
        for item in self.items:
            if item.number == number:
                return item
        raise KeyError(number)

    def in_clinical_range(self, total: float) -> bool | None:
        """Whether ``total`` is on the clinical side of the cut-off (None if there is none).

        For measures where higher is worse (CORE-10, PHQ-9, GAD-7) a total at or above the
        cut-off is in the clinical range, as their manuals define "caseness"; for ReQoL-10,
        where higher is better, a total at or below the cut-off is.
        """
        if self.clinical_cutoff is None:
            return None
        if self.higher_is_better:
            return total <= self.clinical_cutoff
        return total >= self.clinical_cutoff


def options(*labels: str, start: int = 0) -> tuple[Option, ...]:
    """Options numbered from ``start`` in the order given."""
    return tuple(Option(start + i, label) for i, label in enumerate(labels))


def check_answers(instrument: Instrument, answers: Answers) -> None:
    """Reject answers the form could not have produced, naming the item but never the value."""
    numbers = {item.number for item in instrument.items}
    for number, value in answers.items():
        if number not in numbers:
            raise ValueError(f"{instrument.name} has no item {number}.")
        if value is None:
            continue
        item = instrument.item(number)
        # bool is an int subclass; a True/False answer is a programming error, not a choice.
        if isinstance(value, bool) or not isinstance(value, int) or value not in item.values:
            raise ValueError(
                f"{instrument.name} item {number}: the answer is not one of the item's options "
                f"({item.lowest} to {item.highest})."
            )


def answered_values(instrument: Instrument, answers: Answers) -> dict[int, int]:
    """The scored value (reversed where needed) of each answered item, by item number."""
    out: dict[int, int] = {}
    for item in instrument.items:
        value = answers.get(item.number)
        if value is not None:
            out[item.number] = item.scored_value(value)
    return out


def not_scored(instrument: Instrument, answered: int, reason: str) -> Score:
    return Score(
        instrument=instrument.code,
        total=None,
        band=None,
        answered=answered,
        missing=len(instrument.items) - answered,
        prorated=False,
        raw_total=None,
        reason=reason,
    )


def round_half_up(value: float, places: int = 0) -> float:
    """Round halves away from zero (Python's ``round`` rounds halves to even)."""
    factor = 10.0**places
    return math.floor(value * factor + 0.5) / factor


def sum_score(
    instrument: Instrument,
    answers: Answers,
    *,
    max_missing: int,
    rounding: int | None = 0,
) -> Score:
    """Total of the item scores, prorating up to ``max_missing`` missing items.

    Prorating replaces each missing item with the mean of the answered ones, i.e. the total is
    ``mean of answered items x number of items``. ``rounding`` is the number of decimal places
    a prorated total is rounded to (half up), or None to keep it exact.
    """
    values = answered_values(instrument, answers)
    answered = len(values)
    n_items = len(instrument.items)
    missing = n_items - answered
    if missing > max_missing:
        allowed = "no" if max_missing == 0 else f"at most {max_missing}"
        return not_scored(
            instrument,
            answered,
            f"{missing} of {n_items} items were not answered; {instrument.name} can be scored "
            f"with {allowed} missing item{'s' if max_missing != 1 else ''}.",
        )
    raw = float(sum(values.values()))
    if missing:
        total = raw / answered * n_items
        if rounding is not None:
            total = round_half_up(total, rounding)
    else:
        total = raw
    return Score(
        instrument=instrument.code,
        total=total,
        band=band_for(instrument.bands, total),
        answered=answered,
        missing=missing,
        prorated=missing > 0,
        raw_total=raw,
    )
