"""Outcome measures: PROMs, PREMs and goals, scored as their manuals say (DESIGN §8)."""
