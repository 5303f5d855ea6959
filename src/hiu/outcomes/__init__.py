"""Outcome measures: PROMs, PREMs and goals, scored as their manuals say (DESIGN §8)."""

from hiu.outcomes.change import Change, compare
from hiu.outcomes.instruments import Band, Instrument, Item, Option, Score
from hiu.outcomes.registry import INSTRUMENTS

__all__ = ["INSTRUMENTS", "Band", "Change", "Instrument", "Item", "Option", "Score", "compare"]
